import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { createDb } from '../../src/db/database.js';
import { startDevServer, type DevServer } from '../../src/runtime/dev-server.js';
import { testConfig, testDb, testLogger } from '../support/context.js';
import { freePort } from '../../src/runtime/ports.js';

describe('/healthz and /readyz', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it('is ready while Postgres and Temporal answer, and names Temporal once its server stops', async () => {
    // A dev server of this test's own, so stopping it does not disturb the other test files.
    const server: DevServer = await startDevServer({ port: await freePort(), headless: true, readyTimeoutMs: 120_000 });
    cleanups.push(() => server.stop());
    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const db = testDb();
    cleanups.push(() => db.destroy());
    const app = createApp({ config: testConfig(), db, temporal: new Client({ connection }), logger: testLogger() });

    expect((await app.request('/healthz')).status).toBe(200);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', temporal: 'ok' } });

    await server.stop();
    const notReady = await app.request('/readyz');
    expect(notReady.status).toBe(503);
    const body = await notReady.json();
    expect(body.error.code).toBe('not_ready');
    expect(body.error.checks).toEqual({ postgres: 'ok', temporal: 'unreachable' });
    expect(body.error.message).toContain('temporal');
    // the process itself is still up
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('names Postgres when the database does not answer', async () => {
    const connection = await Connection.connect({ address: testConfig().temporal.address! });
    cleanups.push(() => connection.close());
    const deadDb = createDb(`postgres://postgres@127.0.0.1:${await freePort()}/nothing`);
    cleanups.push(() => deadDb.destroy());
    const app = createApp({
      config: testConfig(),
      db: deadDb,
      temporal: new Client({ connection }),
      logger: testLogger(),
    });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect((await res.json()).error.checks).toEqual({ postgres: 'unreachable', temporal: 'ok' });
  });
});
