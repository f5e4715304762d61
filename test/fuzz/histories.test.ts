import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.js';
import { checkHistories } from './histories.js';

/**
 * Random directory histories against the real service (see histories.ts). CI runs a bounded number;
 * `npm run fuzz -- --histories N --seed S` runs more (FUZZ_HISTORIES / FUZZ_SEED here).
 */
const histories = Number(process.env.FUZZ_HISTORIES ?? 25);
// CI replays the same histories every time (a new seed per run would make CI fail at random); `npm run fuzz` picks
// a new seed unless given one.
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261201;

describe('model-based directory histories', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  it(
    `${histories} random histories converge: after every run the product equals the model`,
    { timeout: Math.max(600_000, histories * 60_000) },
    async () => {
      const result = await checkHistories(stack, { histories, seed });
      const summary = `${result.passed} passed, ${result.failed} failed (seed ${result.seed}, ${result.totalRuns} sync runs)`;
      process.stdout.write(`fuzz: ${summary}\n`);
      if (process.env.FUZZ_RESULT) writeFileSync(process.env.FUZZ_RESULT, JSON.stringify({ ...result, summary }));
      expect(result.report, result.report ?? '').toBeNull();
    },
  );
});
