import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../support/context.js';
import { createScratchDatabase } from '../../src/runtime/scratch-database.js';
import { freePort } from '../../src/runtime/ports.js';

/** `npm run demo -- --json`: the whole service wired to the simulator, described on one JSON line. */
describe('directory-sync demo', () => {
  let child: ChildProcess | undefined;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await scratch?.drop();
  });

  it('prints its facts as JSON and serves the API with a working company key', async () => {
    const env = testEnvironment();
    scratch = await createScratchDatabase(env.adminDatabaseUrl, 'ds_demo');
    const port = await freePort();
    child = spawn(process.execPath, ['bin/directory-sync.js', 'demo', '--json', '--users', '30', '--simulator-port', '0'], {
      env: { ...process.env, DATABASE_URL: scratch.url, TEMPORAL_ADDRESS: env.temporalAddress, TEMPORAL_TASK_QUEUE: `demo-${port}`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).once('line', resolve);
      child!.once('exit', (code) => reject(new Error(`demo exited with ${code}`)));
    });
    const facts = JSON.parse(line);
    expect(Object.keys(facts)).toEqual(expect.arrayContaining(['apiUrl', 'operatorKey', 'companyApiKey', 'tenantId', 'groups', 'simulatorUrl', 'caFile']));
    expect(facts.simulatorUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(facts.groups[0]).toMatchObject({ id: expect.any(String), name: 'All Staff', userCount: 30 });

    expect((await fetch(`${facts.apiUrl}/readyz`)).status).toBe(200);
    const me = await (await fetch(`${facts.apiUrl}/api/v1/me`, { headers: { authorization: `Bearer ${facts.companyApiKey}` } })).json();
    expect(me.kind).toBe('company');
    const created = await fetch(`${facts.apiUrl}/api/v1/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${facts.companyApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'azure', tenantId: facts.tenantId }),
    });
    expect(created.status).toBe(201);
    expect((await created.json()).consentUrl).toContain(`${facts.simulatorUrl}/${facts.tenantId}/adminconsent`);

    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child!.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
  });
});
