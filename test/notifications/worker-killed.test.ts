import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../support/receivers.js';
import { onboardCompany, startTestStack, waitFor, type TestStack } from '../support/stack.js';

/**
 * A worker process killed (SIGKILL) while its webhook request is in flight: the attempt's heartbeat stops, Temporal
 * retries it on another worker, and the receiver gets the same webhook-id again — a deduplicating receiver acts
 * once; we keep one delivery with both attempts (the first never finished).
 */
describe('a worker killed mid-delivery', () => {
  let stack: TestStack;
  let child: ChildProcess | undefined;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    stack = await startTestStack({
      config: {
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
        SECRETS_KEY: randomBytes(32).toString('base64'),
        NOTIFICATION_RETRY_INITIAL: '200ms',
        NOTIFICATION_RETRY_MAX: '1s',
      },
    });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await stack?.close();
    await receiver?.close();
  });

  it('delivers once more on another worker, with the same webhook-id; one delivery, two attempts', async () => {
    const company = await onboardCompany(stack);
    const target = await (
      await stack.call('POST', '/api/v1/notification-targets', {
        key: company.key,
        body: { kind: 'webhook', name: 'hook', url: receiver.url },
      })
    ).json();
    receiver.setSecret(target.secret);
    receiver.answerWith((n) => (n === 1 ? 'hang' : 200));

    await stack.stopWorker();
    child = spawn(process.execPath, ['bin/directory-sync.js', 'worker'], {
      env: { ...process.env, ...stack.workerEnv() },
      stdio: 'ignore',
    });
    const { deliveryId } = await (
      await stack.call('POST', `/api/v1/notification-targets/${target.id}/test`, { key: company.key })
    ).json();
    await waitFor(async () => (receiver.requests.length >= 1 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the child worker to send',
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    await stack.startWorker();

    const done = await waitFor(
      async () => {
        const d = await (
          await stack.call('GET', `/api/v1/notification-deliveries/${deliveryId}`, { key: company.key })
        ).json();
        return d.status === 'delivered' ? d : undefined;
      },
      { timeoutMs: 60_000, what: 'the delivery after the kill' },
    );
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[0]!.id).toBe(receiver.requests[1]!.id);
    expect(receiver.requests.every((r) => r.signatureValid)).toBe(true);
    expect([...receiver.processed.keys()]).toEqual([`evt_${done.eventId}`]);
    expect(done.attempts).toBe(2);
    expect(done.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, finishedAt: null, ok: null }),
      expect.objectContaining({ attempt: 2, ok: true, statusCode: 200 }),
    ]);
    const rows = await stack.db
      .selectFrom('notification_deliveries')
      .select('id')
      .where('event_id', '=', Number(done.eventId))
      .execute();
    expect(rows).toHaveLength(1);
  }, 150_000); // a child worker bundles its workflows first: slow on a busy two-core machine
});
