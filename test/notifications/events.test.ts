import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribableEventTypes } from '../../src/events/types.js';
import { startSmtpSink, startWebhookReceiver } from '../support/receivers.js';
import { onboardCompany, startTestStack, waitFor, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, createSetup, runSetup, waitForRun } from '../support/sync-fixtures.js';

/**
 * Every event of the issue, caused by real runs (worker, Temporal, Graph client against the simulator), reaches a
 * webhook (subscribed to everything) and an inbox (the default alerts): run failed, run held (removals and the
 * approve link), access lost, setup failing three runs in a row, recovered; the webhook also gets the feed's events.
 */
describe('every event reaches a webhook and an inbox', () => {
  let stack: TestStack;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    smtp = await startSmtpSink();
    stack = await startTestStack({
      config: {
        NOTIFICATION_RELAY: 'on',
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
        SECRETS_KEY: randomBytes(32).toString('base64'),
        SMTP_URL: smtp.url,
        PUBLIC_BASE_URL: 'https://sync.example.test',
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
    await smtp?.close();
  });

  it('run held, failed, failing, recovered, access lost; succeeded and user events to the webhook', async () => {
    const company = await onboardCompany(stack);
    const hook = await (
      await stack.call('POST', '/api/v1/notification-targets', {
        key: company.key,
        body: { kind: 'webhook', name: 'all', url: receiver.url, eventTypes: [...subscribableEventTypes] },
      })
    ).json();
    receiver.setSecret(hook.secret);
    const mailbox = `ops-${randomBytes(3).toString('hex')}@example.test`;
    expect(
      (
        await stack.call('POST', '/api/v1/notification-targets', {
          key: company.key,
          body: { kind: 'email', name: 'ops', emails: [mailbox] },
        })
      ).status,
    ).toBe(201);

    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Alerts Co');
    const people = [addPerson(stack, tenantId), addPerson(stack, tenantId)];
    const group = stack.sim.control.addGroup(tenantId, {
      displayName: 'Alert Staff',
      members: people.map((p) => p.id),
    });
    const setup = await createSetup(stack, company, connectionId, group.id, {
      deletionThreshold: { count: 1, percent: 100 },
    });
    const reactivate = () =>
      stack.db
        .updateTable('sync_setups')
        .set({ status: 'active', status_reason: null })
        .where('id', '=', setup.id)
        .execute();

    expect((await runSetup(stack, company, setup.id)).status).toBe('succeeded');
    for (const p of people) stack.sim.control.removeMember(tenantId, group.id, p.id);
    const held = await runSetup(stack, company, setup.id, { until: 'awaiting_approval' });
    expect(held.status).toBe('awaiting_approval');
    await stack.call('POST', `/api/v1/runs/${held.id}/reject-removals`, { key: company.key, body: {} });
    expect((await waitForRun(stack, company, held.id)).status).toBe('succeeded'); // continues without the removals
    for (const p of people) stack.sim.control.addMember(tenantId, group.id, p.id);

    stack.sim.control.setFaults(tenantId, { vanishedGroups: [group.id] });
    for (let i = 0; i < 3; i++) {
      await reactivate();
      expect((await runSetup(stack, company, setup.id, { fullSync: true })).status).toBe('failed');
    }
    stack.sim.control.clearFaults(tenantId);
    await reactivate();
    expect((await runSetup(stack, company, setup.id, { fullSync: true })).status).toBe('succeeded');
    stack.sim.control.revokeConsent(tenantId, stack.sim.demo.clientId);
    expect((await runSetup(stack, company, setup.id, { fullSync: true })).status).toBe('failed');

    const alerts = ['run.failed', 'run.held', 'connection.access_lost', 'setup.failing', 'setup.recovered'];
    const hooks = await waitFor(
      async () => {
        const mine = [...receiver.processed.values()].filter(
          (h) => h.body.data.setupId === setup.id || h.body.data.connectionId === connectionId,
        );
        const types = new Set(mine.map((h) => h.body.type));
        return [...alerts, 'run.succeeded', 'user.created'].every((t) => types.has(t)) &&
          mine.filter((h) => h.body.type === 'run.failed').length === 4
          ? mine
          : undefined;
      },
      { timeoutMs: 45_000, what: 'every event at the webhook' },
    );
    const count = (t: string) => hooks.filter((h) => h.body.type === t).length;
    expect(count('setup.failing')).toBe(1);
    expect(count('setup.recovered')).toBe(1);
    expect(count('connection.access_lost')).toBe(1);
    expect(count('run.held')).toBe(1);
    expect(count('user.created')).toBe(2);
    const heldHook = hooks.find((h) => h.body.type === 'run.held')!;
    expect(heldHook.body.data).toMatchObject({
      runId: held.id,
      removals: 2,
      links: { approve: `https://sync.example.test/admin/runs/${held.id}` },
    });
    expect(hooks.find((h) => h.body.type === 'setup.failing')!.body.data).toMatchObject({ failedRuns: 3 });
    expect(hooks.find((h) => h.body.type === 'connection.access_lost')!.body.data).toMatchObject({
      connectionId,
      reason: expect.stringMatching(/access lost/),
    });

    const mails = await waitFor(
      async () => {
        const mine = smtp.messages.filter((m) => m.text?.includes(mailbox) || JSON.stringify(m.to).includes(mailbox));
        return mine.length >= 8 ? mine : undefined; // held, 4 failed, failing, recovered, access lost
      },
      { timeoutMs: 45_000, what: 'the alert e-mails' },
    );
    const subjects = mails.map((m) => m.subject ?? '');
    expect(subjects.filter((s) => s.startsWith('Directory sync failed'))).toHaveLength(4);
    expect(subjects.filter((s) => s.startsWith('Directory sync keeps failing'))).toHaveLength(1);
    expect(subjects.filter((s) => s.startsWith('Directory sync recovered'))).toHaveLength(1);
    expect(subjects.filter((s) => s.startsWith('Directory sync lost access'))).toHaveLength(1);
    const heldMail = mails.find((m) => m.subject?.startsWith('Directory sync waits for approval'))!;
    expect(heldMail.subject).toContain('2 removals');
    expect(heldMail.text).toContain(`https://sync.example.test/admin/runs/${held.id}`);
    expect(mails.some((m) => m.subject?.includes('user'))).toBe(false); // the inbox only has the alerts it subscribed to

    const deliveries = await (
      await stack.call('GET', '/api/v1/notification-deliveries?status=delivered', { key: company.key })
    ).json();
    expect(deliveries.total).toBe(hooks.length + mails.length);
  });
});
