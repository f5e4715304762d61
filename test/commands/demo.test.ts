import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../support/context.js';
import { createScratchDatabase } from '../../src/runtime/scratch-database.js';
import { freePort } from '../../src/runtime/ports.js';
import { processesMentioning } from '../support/processes.js';

/** `npm run demo -- --json --connected`: the whole service wired to the simulator, described on one JSON line. */
describe('directory-sync demo', () => {
  let child: ChildProcess | undefined;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await scratch?.drop();
  });

  it('prints its facts as JSON, serves the API with a working company key, and (--connected) has the demo tenant connected', async () => {
    const env = testEnvironment();
    scratch = await createScratchDatabase(env.adminDatabaseUrl, 'ds_demo');
    const port = await freePort();
    child = spawn(
      process.execPath,
      ['bin/directory-sync.js', 'demo', '--json', '--connected', '--users', '30', '--simulator-port', '0'],
      {
        env: {
          ...process.env,
          DATABASE_URL: scratch.url,
          TEMPORAL_ADDRESS: env.temporalAddress,
          TEMPORAL_TASK_QUEUE: `demo-${port}`,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).once('line', resolve);
      child!.once('exit', (code) => reject(new Error(`demo exited with ${code}`)));
    });
    const facts = JSON.parse(line);
    expect(Object.keys(facts)).toEqual(
      expect.arrayContaining([
        'apiUrl',
        'operatorKey',
        'companyApiKey',
        'tenantId',
        'groups',
        'simulatorUrl',
        'caFile',
      ]),
    );
    expect(facts.simulatorUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(facts.groups[0]).toMatchObject({ id: expect.any(String), name: 'All Staff', userCount: 30 });

    expect((await fetch(`${facts.apiUrl}/readyz`)).status).toBe(200);
    const me = await (
      await fetch(`${facts.apiUrl}/api/v1/me`, { headers: { authorization: `Bearer ${facts.companyApiKey}` } })
    ).json();
    expect(me.kind).toBe('company');
    const auth = { authorization: `Bearer ${facts.companyApiKey}` };
    // --connected: made through the real flow (consent and the tenant admin's sign-in), so a setup can start now
    expect(facts.connectionId).toEqual(expect.any(String));
    const connection = await (
      await fetch(`${facts.apiUrl}/api/v1/connections/${facts.connectionId}`, { headers: auth })
    ).json();
    expect(connection).toMatchObject({
      status: 'connected',
      tenantId: facts.tenantId,
      organizationName: 'Contoso',
      adminUpn: facts.tenantAdmin,
    });
    const groups = await (
      await fetch(`${facts.apiUrl}/api/v1/connections/${facts.connectionId}/groups?search=All`, { headers: auth })
    ).json();
    expect(groups.items.map((g: { id: string }) => g.id)).toContain(facts.groups[0].id);

    const created = await fetch(`${facts.apiUrl}/api/v1/connections`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'azure', tenantId: facts.tenantDomain }),
    });
    expect(created.status).toBe(201);
    expect((await created.json()).consentUrl).toMatch(/^http:\/\/localhost:\d+\/consent\/start\?state=/);

    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child!.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
  }, 120_000); // the demo bundles the workflows at start: slow when the machine is busy
});

/**
 * `npm run demo` as a person runs it: nothing configured (embedded Postgres and Temporal), and not yet trusting
 * the simulator's CA, so it runs itself again as a child that does. Ctrl-C (SIGINT to the process group) and
 * SIGTERM to the group stop it, in order, within seconds, leaving nothing running.
 */
describe('directory-sync demo stops on Ctrl-C', () => {
  let child: ChildProcess | undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ds-demo-'));
  chmodSync(dataDir, 0o755); // as root, Postgres runs as the `postgres` user, which must reach its data folder
  afterAll(() => {
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  });

  async function startDemo(env: Record<string, string>): Promise<void> {
    child = spawn(process.execPath, ['bin/directory-sync.js', 'demo', '--users', '20', '--simulator-port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    const output: string[] = [];
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).on('line', (line) => {
        output.push(line);
        if (line.startsWith('Press Ctrl-C')) resolve();
      });
      child!.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${output.join('\n')}`)));
    });
  }

  /** Signals the whole process group; the exit code, or a failure naming what still runs after 20 s. */
  async function signalGroup(signal: NodeJS.Signals): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (c) => resolve(c)));
    process.kill(-child!.pid!, signal);
    const stuck = new Promise<never>((_, reject) =>
      setTimeout(
        () =>
          reject(
            new Error(
              `demo still running 20 s after ${signal}: ${processesMentioning('directory-sync.js demo').join('; ')}`,
            ),
          ),
        20_000,
      ).unref(),
    );
    return Promise.race([exited, stuck]);
  }

  it('stops within seconds on SIGINT and on SIGTERM to its process group', async () => {
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

    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      await startDemo(env);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect(processesMentioning(dataDir).length).toBeGreaterThanOrEqual(2); // postgres and temporal
      expect(await signalGroup(signal)).toBe(0);
      await new Promise((r) => setTimeout(r, 500));
      expect(processesMentioning(dataDir)).toEqual([]);
    }
  }, 240_000);
});
