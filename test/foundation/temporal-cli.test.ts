import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireTemporalCli, TemporalCliNotFoundError, temporalCliCacheDir } from '../../src/runtime/temporal-cli.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function fakeBinary(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'temporal');
  writeFileSync(file, '#!/bin/sh\necho fake\n');
  chmodSync(file, 0o755);
  return file;
}

describe('finding the Temporal CLI', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'temporal-cli-'));

  it('prefers TEMPORAL_CLI_PATH, then PATH, then the cache', async () => {
    const fromEnv = fakeBinary(path.join(scratch, 'env'));
    const onPath = fakeBinary(path.join(scratch, 'path'));
    process.env.XDG_CACHE_HOME = path.join(scratch, 'cache');
    const cached = fakeBinary(temporalCliCacheDir());
    const opts = { allowBuild: false, allowDownload: false, log: () => {} };

    process.env.TEMPORAL_CLI_PATH = fromEnv;
    process.env.PATH = path.dirname(onPath);
    expect(await acquireTemporalCli(opts)).toBe(fromEnv);
    delete process.env.TEMPORAL_CLI_PATH;
    expect(await acquireTemporalCli(opts)).toBe(onPath);
    process.env.PATH = '/nonexistent';
    expect(await acquireTemporalCli(opts)).toBe(cached);
  });

  it('names all the ways it tried when none works', async () => {
    process.env.TEMPORAL_CLI_PATH = path.join(scratch, 'missing');
    process.env.PATH = '/nonexistent';
    process.env.XDG_CACHE_HOME = path.join(scratch, 'empty-cache');
    const error = await acquireTemporalCli({ allowBuild: false, allowDownload: false, log: () => {} }).catch((e) => e);
    expect(error).toBeInstanceOf(TemporalCliNotFoundError);
    expect(error.message).toContain('TEMPORAL_CLI_PATH');
    expect(error.message).toContain('on PATH');
    expect(error.message).toContain('cached build');
    expect(error.message).toContain('go install github.com/temporalio/cli/cmd/temporal@v1.5.1');
    expect(error.message).toContain('@temporalio/testing');
  });
});
