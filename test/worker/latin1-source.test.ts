import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { latin1Source } from '../../src/worker/latin1-source.js';
import { testEnvironment } from '../support/context.js';

describe('latin1Source', () => {
  const source = [
    '// a comment — with a dash',
    "const quoted = 'admin’s sign-in';",
    'const template = `step → ${1 + 1}`;',
    'const pattern = /é—ü/;',
    'const ünïcode = "emoji 😀, Latin-1 é stays";',
    'const ŝum = 2;',
    '({ quoted, template, matches: pattern.test("é—ü"), ünïcode, ŝum })',
  ].join('\n');

  it('escapes every character above U+00FF and keeps Latin-1 as it is', () => {
    const escaped = latin1Source(source);
    expect(escaped).not.toMatch(/[\u0100-\uffff]/);
    expect(escaped).toContain("'admin\\u2019s sign-in'");
    expect(escaped).toContain('Latin-1 é stays');
  });

  it('means the same program: strings, template literals, regular expressions and identifiers', () => {
    expect(vm.runInNewContext(latin1Source(source))).toEqual(vm.runInNewContext(source));
    expect(vm.runInNewContext(latin1Source(source)).ünïcode).toBe('emoji 😀, Latin-1 é stays');
  });

  it('leaves the workflow bundle the worker runs with one-byte characters only', () => {
    const { code } = testEnvironment().workflowBundle;
    expect(code.length).toBeGreaterThan(100_000);
    expect(code).not.toMatch(/[\u0100-\uffff]/);
  });
});
