import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/runtime/ports.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/exposition.js';
import { installTemporalRuntime } from '../../src/temporal/runtime.js';
import { testLogger } from '../support/context.js';
import { parsePrometheus, sampleValue } from '../support/prometheus.js';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, createSetup, runSetup } from '../support/sync-fixtures.js';

/**
 * /metrics after real sync runs (real worker, Temporal, Postgres, the Graph client against the simulator): the
 * run, its changes, the members read, every Graph request by status, throttling with Retry-After, a guard hold,
 * the connection and failing-setup gauges from Postgres, and the Temporal SDK's worker metrics.
 */
describe('Prometheus metrics', () => {
  let stack: TestStack;
  let workerMetrics: MetricsServer;
  let sdkAddress: string;
  const token = 'metrics-token-for-tests-0123';

  beforeAll(async () => {
    // The SDK exporter must be configured before the stack's worker creates the runtime.
    sdkAddress = `127.0.0.1:${await freePort()}`;
    installTemporalRuntime(testLogger(), { metricsAddress: sdkAddress });
    stack = await startTestStack({ config: { METRICS_TOKEN: token } });
    workerMetrics = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      token,
      temporalAddress: sdkAddress,
      logger: testLogger(),
    });
  });
  afterAll(async () => {
    await workerMetrics?.close();
    await stack?.close();
  });

  async function scrapeApi() {
    const res = await stack.call('GET', '/metrics', { key: token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return parsePrometheus(await res.text());
  }

  it('is not public: no key 401, a company key 403, METRICS_TOKEN or the operator key 200', async () => {
    const company = await onboardCompany(stack);
    expect((await stack.call('GET', '/metrics')).status).toBe(401);
    const asCompany = await stack.call('GET', '/metrics', { key: company.key });
    expect(asCompany.status).toBe(403);
    expect((await asCompany.json()).error.code).toBe('forbidden');
    expect((await stack.call('GET', '/metrics', { key: stack.operatorKey })).status).toBe(200);
    expect((await fetch(workerMetrics.url)).status).toBe(401);
  });

  it('shows a run’s changes, reads, Graph requests and throttling after a sync', async () => {
    const before = (await scrapeApi()).samples;
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Metrics Co');
    const people = Array.from({ length: 5 }, () => addPerson(stack, tenantId));
    const group = stack.sim.control.addGroup(tenantId, { displayName: 'Staff', members: people.map((p) => p.id) });
    const setup = await createSetup(stack, company, connectionId, group.id);
    stack.sim.control.setFaults(tenantId, {
      throttle: { mode: 'burst', count: 1, retryAfterSeconds: 1, match: 'microsoft.graph.user' },
    });
    const run = await runSetup(stack, company, setup.id);
    stack.sim.control.clearFaults(tenantId);
    expect(run).toMatchObject({ status: 'succeeded', counts: { created: 5 } });

    const after = (await scrapeApi()).samples;
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta('directory_sync_runs_total', { status: 'succeeded', trigger: 'api', mode: 'full' })).toBe(1);
    expect(delta('directory_sync_run_duration_seconds_count', { status: 'succeeded', mode: 'full' })).toBe(1);
    expect(delta('directory_sync_user_changes_total', { action: 'created' })).toBe(5);
    expect(delta('directory_sync_members_read_total')).toBe(5);
    expect(delta('directory_sync_throttled_total')).toBe(1);
    expect(delta('directory_sync_retry_after_seconds_total')).toBe(1);
    expect(delta('directory_sync_directory_requests_total', { provider: 'azure', status: '429' })).toBe(1);
    expect(
      delta('directory_sync_directory_requests_total', { provider: 'azure', status: '200' }),
    ).toBeGreaterThanOrEqual(2);

    // gauges from Postgres: this company's connection is connected; the totals match the table exactly
    const rows = await stack.db.selectFrom('directory_connections').select('status').execute();
    expect(sampleValue(after, 'directory_sync_connections', { status: 'connected' })).toBe(
      rows.filter((r) => r.status === 'connected').length,
    );
    expect(sampleValue(after, 'directory_sync_connections')).toBe(rows.length);
  });

  it('counts a deletion-guard hold, and a setup failing three runs in a row', async () => {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Guarded Co');
    const people = Array.from({ length: 4 }, () => addPerson(stack, tenantId));
    const group = stack.sim.control.addGroup(tenantId, { displayName: 'Staff', members: people.map((p) => p.id) });
    const setup = await createSetup(stack, company, connectionId, group.id, {
      deletionThreshold: { count: 1, percent: 100 },
    });
    expect((await runSetup(stack, company, setup.id)).status).toBe('succeeded');
    const before = (await scrapeApi()).samples;
    for (const p of people.slice(0, 3)) stack.sim.control.removeMember(tenantId, group.id, p.id);
    const held = await runSetup(stack, company, setup.id, { until: 'awaiting_approval' });
    expect(held.status).toBe('awaiting_approval');
    const mid = (await scrapeApi()).samples;
    expect(
      sampleValue(mid, 'directory_sync_guard_holds_total') - sampleValue(before, 'directory_sync_guard_holds_total'),
    ).toBe(1);
    await stack.call('POST', `/api/v1/runs/${held.id}/reject-removals`, { key: company.key, body: {} });

    // a group that vanished fails every run: after three the setup counts as failing
    const failingBefore = sampleValue(before, 'directory_sync_setups_failing');
    const other = await createSetup(
      stack,
      company,
      connectionId,
      stack.sim.control.addGroup(tenantId, { displayName: 'Gone', members: [people[3]!.id] }).id,
    );
    stack.sim.control.setFaults(tenantId, {
      vanishedGroups: [
        (
          await stack.db
            .selectFrom('sync_setups')
            .select('group_id')
            .where('id', '=', other.id)
            .executeTakeFirstOrThrow()
        ).group_id,
      ],
    });
    for (let i = 0; i < 3; i++) {
      await stack.db
        .updateTable('sync_setups')
        .set({ status: 'active', status_reason: null })
        .where('id', '=', other.id)
        .execute();
      expect((await runSetup(stack, company, other.id, { fullSync: true })).status).toBe('failed');
    }
    await stack.db
      .updateTable('sync_setups')
      .set({ status: 'active', status_reason: null })
      .where('id', '=', other.id)
      .execute();
    stack.sim.control.clearFaults(tenantId);
    const end = (await scrapeApi()).samples;
    expect(sampleValue(end, 'directory_sync_setups_failing') - failingBefore).toBe(1);
    expect(
      sampleValue(end, 'directory_sync_runs_total', { status: 'failed' }) -
        sampleValue(before, 'directory_sync_runs_total', { status: 'failed' }),
    ).toBe(3);
  });

  it('the worker’s /metrics has our counters and the Temporal SDK’s worker metrics', async () => {
    const res = await fetch(workerMetrics.url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const { samples, types } = parsePrometheus(await res.text());
    expect(types.get('directory_sync_runs_total')).toBe('counter');
    expect(types.get('directory_sync_run_duration_seconds')).toBe('histogram');
    expect(sampleValue(samples, 'directory_sync_runs_total')).toBeGreaterThanOrEqual(1);
    const temporal = samples.filter((s) => s.name.startsWith('temporal_'));
    expect(temporal.map((s) => s.name)).toEqual(expect.arrayContaining(['temporal_worker_start_total']));
    expect(temporal.some((s) => s.labels.task_queue === stack.config.temporal.taskQueue)).toBe(true);
  });
});
