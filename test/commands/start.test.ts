import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/runtime/ports.js';
import { processesMentioning } from '../support/processes.js';

/**
 * `npm start` with nothing configured: embedded PostgreSQL and the Temporal dev server (with Web UI), migrations,
 * a worker and the API; ready answers 200; Ctrl-C (SIGINT to the process group) leaves nothing running.
 */
describe('directory-sync start (the embedded default)', () => {
  let child: ChildProcess | undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ds-start-'));
  chmodSync(dataDir, 0o755); // as root, Postgres runs as the `postgres` user, which must reach its data folder
  afterAll(() => {
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  });

  async function startService(env: Record<string, string>): Promise<string[]> {
    child = spawn(process.execPath, ['bin/directory-sync.js', 'start'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    const output: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child!.stdout! });
      lines.on('line', (line) => {
        output.push(line);
        if (line.startsWith('Press Ctrl-C')) resolve();
      });
      child!.once('exit', (code) => reject(new Error(`start exited with ${code}:\n${output.join('\n')}`)));
    });
    return output;
  }

  async function pressCtrlC(): Promise<number | null> {
    process.kill(-child!.pid!, 'SIGINT'); // what Ctrl-C in a terminal does: the whole process group
    return new Promise<number | null>((resolve) => child!.once('exit', (c) => resolve(c)));
  }

  it('comes up, is ready, stops cleanly on Ctrl-C, and keeps its data across a restart', async () => {
    const [port, pgPort, temporalPort, uiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      TEMPORAL_DEV_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      LOG_LEVEL: 'warn',
    };
    if (process.env.TEMPORAL_CLI_PATH) env.TEMPORAL_CLI_PATH = process.env.TEMPORAL_CLI_PATH;
    if (process.env.XDG_CACHE_HOME) env.XDG_CACHE_HOME = process.env.XDG_CACHE_HOME;
    const text = (await startService(env)).join('\n');
    expect(text).toContain(`http://127.0.0.1:${port}`);
    expect(text).toContain(`Temporal Web UI http://127.0.0.1:${uiPort}`);
    expect(text).toMatch(/Operator key\s+dso_/);

    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);
    expect(processesMentioning(dataDir).length).toBeGreaterThanOrEqual(2); // postgres and temporal

    const operatorKey = /Operator key\s+(\S+)/.exec(text)![1]!;
    const api = `http://127.0.0.1:${port}/api/v1`;
    const company = await (
      await fetch(`${api}/companies`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Persisted' }),
      })
    ).json();
    const key = (
      await (
        await fetch(`${api}/companies/${company.id}/api-keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${operatorKey}` },
        })
      ).json()
    ).key;

    expect(await pressCtrlC()).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(processesMentioning(dataDir)).toEqual([]);

    // Again on the same data: the same operator key, the company and its key are still there.
    const again = (await startService(env)).join('\n');
    expect(again).toContain(operatorKey);
    const me = await fetch(`${api}/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(await me.json()).toEqual({ kind: 'company', companyId: company.id });
    expect(await pressCtrlC()).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 180_000);
});
