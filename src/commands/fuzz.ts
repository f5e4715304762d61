import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * `npm run fuzz [-- --histories N] [-- --seed S]`: the model-based test of directory histories
 * (test/fuzz/histories.ts) with more histories than CI runs, against the same real stack as the tests (Temporal dev
 * server, Postgres from DATABASE_URL or embedded, the HTTPS simulator). Prints `N passed, M failed` and the seed;
 * a failing history is printed with its seed and its shrunk steps.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { histories: { type: 'string', default: '200' }, seed: { type: 'string' } },
    strict: true,
  });
  const histories = Number(values.histories);
  if (!Number.isInteger(histories) || histories < 1 || histories > 100_000)
    throw new Error(`--histories must be a whole number from 1 to 100000, got '${values.histories}'`);
  const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got '${values.seed}'`);

  const dir = mkdtempSync(path.join(tmpdir(), 'directory-sync-fuzz-'));
  const resultFile = path.join(dir, 'result.json');
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/fuzz/histories.test.ts'],
        {
          cwd: root,
          stdio: 'inherit',
          env: { ...process.env, FUZZ_HISTORIES: String(histories), FUZZ_SEED: String(seed), FUZZ_RESULT: resultFile },
        },
      );
      child.on('error', reject);
      child.on('exit', (exitCode) => resolve(exitCode ?? 1));
    });
    let result: { passed: number; failed: number; seed: number; totalRuns: number; report: string | null } | undefined;
    try {
      result = JSON.parse(readFileSync(resultFile, 'utf8'));
    } catch {
      result = undefined;
    }
    if (!result) throw new Error(`the fuzz run ended (exit ${code}) without a result; see the output above`);
    if (result.report) process.stdout.write(`${result.report}\n`);
    process.stdout.write(
      `${result.passed} passed, ${result.failed} failed (seed ${result.seed}, ${result.totalRuns} sync runs)\n`,
    );
    if (result.failed > 0 || code !== 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
