import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, waitFor, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, createSetup, runSetup, waitForRun } from '../support/sync-fixtures.js';
import { AdminClient, textOf } from './support/admin-client.js';

/** While Graph is unavailable and the run retries, the run page says it is waiting, and why (issue 11). */
describe('admin run page: a run waiting to retry', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  it('shows progress.retrying in English and in Danish, and nothing once the run is through', async () => {
    const company = await onboardCompany(stack, { name: 'Retry Co' });
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Retry Tenant');
    const group = stack.sim.control.addGroup(tenantId, {
      displayName: 'Team',
      members: [addPerson(stack, tenantId).id, addPerson(stack, tenantId).id],
    });
    const setup = await createSetup(stack, company, connectionId, group.id);
    await runSetup(stack, company, setup.id);

    stack.sim.control.setFaults(tenantId, {
      serverErrors: { status: 503, count: 8, retryAfterSeconds: 1, match: 'microsoft.graph.user' },
    });
    const started = await (
      await stack.call('POST', `/api/v1/setups/${setup.id}/runs`, { key: company.key, body: { fullSync: true } })
    ).json();
    const english = new AdminClient(stack.app);
    await english.signIn(company.key);
    const danish = new AdminClient(stack.app, { 'accept-language': 'da' });
    await danish.signIn(company.key);

    const page = await waitFor(
      async () => {
        const { html } = await english.page(`/admin/runs/${started.runId}`);
        return /id="run-retrying"[^>]*>[^<]*Waiting to retry/.test(html) ? html : undefined;
      },
      { timeoutMs: 30_000, what: 'the retrying notice' },
    );
    expect(textOf(page)).toMatch(/Waiting to retry \(attempt \d+, at .+\): Microsoft Graph answered 503/);
    const progress = await waitFor(
      async () => {
        const body = await (await danish.request('GET', `/admin/runs/${started.runId}/progress`)).json();
        return body.retrying ? body : undefined;
      },
      { timeoutMs: 30_000, what: 'the Danish retrying line' },
    );
    expect(progress.retrying).toMatch(/^Venter på at prøve igen \(forsøg \d+, kl\. .+\): Microsoft Graph answered 503/);

    const done = await waitForRun(stack, company, started.runId);
    stack.sim.control.clearFaults(tenantId);
    expect(done.status).toBe('succeeded');
    const after = await english.page(`/admin/runs/${started.runId}`);
    expect(after.html).not.toContain('Waiting to retry');
    expect(
      (await english.request('GET', `/admin/runs/${started.runId}/progress`).then((r) => r.json())).retrying,
    ).toBeNull();
  });
});
