import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../support/context.js';
import { createScratchDatabase } from '../../src/runtime/scratch-database.js';
import { freePort } from '../../src/runtime/ports.js';

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
    child = spawn(process.execPath, ['bin/directory-sync.js', 'demo', '--json', '--connected', '--users', '30', '--simulator-port', '0'], {
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
    const auth = { authorization: `Bearer ${facts.companyApiKey}` };
    // --connected: made through the real flow (consent and the tenant admin's sign-in), so a setup can start now
    expect(facts.connectionId).toEqual(expect.any(String));
    const connection = await (await fetch(`${facts.apiUrl}/api/v1/connections/${facts.connectionId}`, { headers: auth })).json();
    expect(connection).toMatchObject({ status: 'connected', tenantId: facts.tenantId, organizationName: 'Contoso', adminUpn: facts.tenantAdmin });
    const groups = await (await fetch(`${facts.apiUrl}/api/v1/connections/${facts.connectionId}/groups?search=All`, { headers: auth })).json();
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
  });
});
