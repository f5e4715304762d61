import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../src/notifications/address-guard.js';
import { postWebhook } from '../../src/notifications/webhook.js';
import { startSmtpSink, startWebhookReceiver } from '../support/receivers.js';
import { onboardCompany, startTestStack, waitFor, type TestStack } from '../support/stack.js';

type Company = Awaited<ReturnType<typeof onboardCompany>>;

/**
 * Notification targets through the API, delivered by the Temporal workflow to a real HTTPS receiver (checks the
 * Standard Webhooks signature, dedups on webhook-id) and a real SMTP server (message read back with mailparser).
 */
describe('notification delivery', () => {
  let stack: TestStack;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  const secretsKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    smtp = await startSmtpSink();
    stack = await startTestStack({
      config: {
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
        SECRETS_KEY: secretsKey,
        SMTP_URL: smtp.url,
        NOTIFICATION_RETRY_INITIAL: '200ms',
        NOTIFICATION_RETRY_MAX: '1s',
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
    await smtp?.close();
  });

  async function addWebhook(company: Company, body: Record<string, unknown> = {}) {
    const res = await stack.call('POST', '/api/v1/notification-targets', {
      key: company.key,
      body: { kind: 'webhook', name: 'Ops hook', url: receiver.url, ...body },
    });
    const json = await res.json();
    expect(res.status, JSON.stringify(json)).toBe(201);
    receiver.setSecret(json.secret);
    return json as { id: string; secret: string };
  }

  async function delivery(company: Company, id: string, until: 'delivered' | 'failed' = 'delivered') {
    return waitFor(
      async () => {
        const d = await (await stack.call('GET', `/api/v1/notification-deliveries/${id}`, { key: company.key })).json();
        return d.status === until ? d : undefined;
      },
      { timeoutMs: 30_000, what: `delivery ${id} ${until}` },
    );
  }

  it('a webhook target: the secret is shown once and stored encrypted; a test notification arrives signed', async () => {
    const company = await onboardCompany(stack);
    const target = await addWebhook(company);
    expect(target.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await (await stack.call('GET', '/api/v1/notification-targets', { key: company.key })).json();
    expect(listed.items).toEqual([
      expect.objectContaining({ id: target.id, kind: 'webhook', url: receiver.url, enabled: true }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(target.secret.slice(6, 20));
    const row = await stack.db
      .selectFrom('notification_targets')
      .select('secret_encrypted')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_encrypted).toMatch(/^v1\./);
    expect(row.secret_encrypted).not.toContain(target.secret.slice(6, 20));

    const before = receiver.requests.length;
    const test = await (
      await stack.call('POST', `/api/v1/notification-targets/${target.id}/test`, { key: company.key })
    ).json();
    const done = await delivery(company, test.deliveryId);
    expect(done).toMatchObject({
      status: 'delivered',
      attempts: 1,
      eventType: 'notification.test',
      attemptLog: [{ attempt: 1, ok: true, statusCode: 200 }],
    });
    const got = receiver.requests.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      signatureValid: true,
      id: `evt_${done.eventId}`,
      body: { type: 'notification.test', id: `evt_${done.eventId}` },
    });
  });

  it('a receiver answering 500 is retried with backoff until it takes the message; every attempt is recorded', async () => {
    const company = await onboardCompany(stack);
    const target = await addWebhook(company);
    const before = receiver.requests.length;
    receiver.answerWith((n) => (n - before <= 2 ? 500 : 200));
    try {
      const test = await (
        await stack.call('POST', `/api/v1/notification-targets/${target.id}/test`, { key: company.key })
      ).json();
      const done = await delivery(company, test.deliveryId);
      expect(done.attempts).toBe(3);
      expect(done.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
      expect(done.attemptLog[0].error).toMatch(/500/);
      const got = receiver.requests.slice(before);
      expect(got.map((r) => r.status)).toEqual([500, 500, 200]);
      expect(new Set(got.map((r) => r.id)).size).toBe(1); // the same webhook-id on every retry
      expect(got.every((r) => r.signatureValid)).toBe(true);
      expect(got[1]!.timestamp).toBeGreaterThanOrEqual(got[0]!.timestamp);
    } finally {
      receiver.answerWith(() => 200);
    }
  });

  it('a receiver that never takes it: retried until the give-up time, then recorded as failed with the reason', async () => {
    const company = await onboardCompany(stack);
    const target = await addWebhook(company);
    const before = receiver.requests.length;
    receiver.answerWith((n) => (n > before ? 503 : 200));
    try {
      // an API process configured to give up after 3 s starts this delivery's workflow
      const { app } = stack.appWith({
        SECRETS_KEY: secretsKey,
        NOTIFICATION_RETRY_INITIAL: '200ms',
        NOTIFICATION_RETRY_MAX: '500ms',
        NOTIFICATION_GIVE_UP_AFTER: '3s',
      });
      const res = await app.request(`/api/v1/notification-targets/${target.id}/test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${company.key}` },
      });
      const { deliveryId } = await res.json();
      const failed = await delivery(company, deliveryId, 'failed');
      expect(failed.attempts).toBeGreaterThanOrEqual(3);
      // Temporal ends with the schedule-to-close timeout or the last attempt's own error, whichever comes first
      expect(failed.lastError).toMatch(
        /^gave up \(.+\) after \d+ attempt\(s\); the last: the receiver answered HTTP 503$/,
      );
      expect(failed.attemptLog.every((a: { statusCode: number }) => a.statusCode === 503)).toBe(true);
      expect(receiver.requests.length - before).toBe(failed.attempts);
    } finally {
      receiver.answerWith(() => 200);
    }
  });

  it('an e-mail target gets the message through a real SMTP server', async () => {
    const company = await onboardCompany(stack);
    const res = await stack.call('POST', '/api/v1/notification-targets', {
      key: company.key,
      body: { kind: 'email', name: 'IT', emails: ['it@example.test', 'Boss@Example.test'] },
    });
    const target = await res.json();
    expect(res.status).toBe(201);
    expect(target.secret).toBeUndefined();
    expect(target.emails).toEqual(['it@example.test', 'boss@example.test']);
    const test = await (
      await stack.call('POST', `/api/v1/notification-targets/${target.id}/test`, { key: company.key })
    ).json();
    const done = await delivery(company, test.deliveryId);
    const mail = await waitFor(
      async () => smtp.messages.find((m) => m.headers.get('x-directory-sync-event') === `evt_${done.eventId}`),
      { what: 'the test e-mail' },
    );
    expect(mail.subject).toBe('Directory sync test notification');
    expect(mail.text).toContain('test notification');
    expect(mail.messageId).toBe(`<evt_${done.eventId}@directory-sync>`);
    const to = (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a!.value.map((v) => v.address));
    expect(to.sort()).toEqual(['boss@example.test', 'it@example.test']);
  });

  it('without WEBHOOK_ALLOW_PRIVATE_ADDRESSES nothing is sent to a private or local address, literal or resolved', async () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '140.82.112.3', '2606:4700::1111']) expect(isPrivateAddress(a), a).toBe(false);

    const company = await onboardCompany(stack);
    const { app } = stack.appWith({ SECRETS_KEY: secretsKey, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'false' });
    for (const url of [
      'https://127.0.0.1/hook',
      'https://localhost/hook',
      'https://[::1]/hook',
      'https://169.254.169.254/latest',
    ]) {
      const res = await app.request('/api/v1/notification-targets', {
        method: 'POST',
        headers: { authorization: `Bearer ${company.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'webhook', name: 'x', url }),
      });
      expect(res.status, url).toBe(400);
      expect((await res.json()).error.details).toEqual([
        { field: 'url', reason: expect.stringMatching(/private or local/) },
      ]);
    }
    // a name that resolves to a private address (the machine's own name does) is refused when it is looked up
    const name = hostname();
    const resolved = (await lookup(name)).address;
    expect(isPrivateAddress(resolved), `${name} → ${resolved}`).toBe(true);
    const before = receiver.requests.length;
    const viaName = receiver.url.replace('127.0.0.1', name);
    const refused = await postWebhook({
      url: viaName,
      secret: 'whsec_AAAA',
      id: 'evt_1',
      body: '{}',
      timeoutMs: 5000,
      allowPrivate: false,
    });
    expect(refused).toEqual({
      ok: false,
      error: `could not deliver: refused: ${name} is ${resolved}, a private or local address (set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true to allow)`,
    });
    expect(receiver.requests.length).toBe(before);
    const allowed = await postWebhook({
      url: receiver.url,
      secret: 'whsec_AAAA',
      id: 'evt_1',
      body: '{"type":"x"}',
      timeoutMs: 5000,
      allowPrivate: true,
    });
    expect(allowed).toEqual({ ok: true, status: 200 });
  });

  it('bad input is 400 naming the field; other companies and missing keys are refused', async () => {
    const company = await onboardCompany(stack);
    const other = await onboardCompany(stack);
    const bad = [
      [{ kind: 'webhook', name: 'x', url: 'http://example.com/hook' }, 'url'],
      [{ kind: 'webhook', name: 'x', url: 'https://user:pw@example.com/hook' }, 'url'],
      [{ kind: 'webhook', name: '', url: 'https://example.com/hook' }, 'name'],
      [{ kind: 'email', name: 'x', emails: ['not-an-address'] }, 'emails.0'],
      [{ kind: 'email', name: 'x', emails: ['a@b.test'], eventTypes: ['user.exploded'] }, 'eventTypes.0'],
      [{ kind: 'pigeon', name: 'x' }, 'kind'],
    ] as const;
    for (const [body, field] of bad) {
      const res = await stack.call('POST', '/api/v1/notification-targets', { key: company.key, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(
      (await (await stack.call('GET', '/api/v1/notification-targets', { key: company.key })).json()).items,
    ).toEqual([]);

    const target = await addWebhook(company);
    for (const [method, path] of [
      ['POST', `/api/v1/notification-targets/${target.id}/test`],
      ['DELETE', `/api/v1/notification-targets/${target.id}`],
    ] as const) {
      expect((await stack.call(method, path, { key: other.key })).status).toBe(404);
      expect((await stack.call(method, path)).status).toBe(401);
      expect((await stack.call(method, path, { key: stack.operatorKey })).status).toBe(403);
    }
    const test = await (
      await stack.call('POST', `/api/v1/notification-targets/${target.id}/test`, { key: company.key })
    ).json();
    expect(
      (await stack.call('GET', `/api/v1/notification-deliveries/${test.deliveryId}`, { key: other.key })).status,
    ).toBe(404);
    expect(
      (await (await stack.call('GET', '/api/v1/notification-deliveries', { key: other.key })).json()).items,
    ).toEqual([]);
    const off = await onboardCompany(stack, { directorySync: false });
    expect((await stack.call('GET', '/api/v1/notification-targets', { key: off.key })).status).toBe(403);

    const { app } = stack.appWith({ SECRETS_KEY: '' });
    const noKey = await app.request('/api/v1/notification-targets', {
      method: 'POST',
      headers: { authorization: `Bearer ${company.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'webhook', name: 'x', url: receiver.url }),
    });
    expect(noKey.status).toBe(503);
    expect((await noKey.json()).error.message).toMatch(/SECRETS_KEY/);

    expect((await stack.call('DELETE', `/api/v1/notification-targets/${target.id}`, { key: company.key })).status).toBe(
      204,
    );
    expect(
      (await (await stack.call('GET', '/api/v1/notification-targets', { key: company.key })).json()).items,
    ).toEqual([]);
  });
});
