import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from '../admin/support/browser.js';
import { startSmtpSink, startWebhookReceiver } from '../support/receivers.js';
import { onboardCompany, startTestStack, waitFor, type TestStack } from '../support/stack.js';

/** The Notifications tab in a real browser (Debian Chromium): add targets, the secret once, a test send, history, Danish. */
describe('admin pages: notifications', () => {
  let stack: TestStack;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    smtp = await startSmtpSink();
    stack = await startTestStack({
      listen: true,
      config: {
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
        SECRETS_KEY: randomBytes(32).toString('base64'),
        SMTP_URL: smtp.url,
      },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await receiver?.close();
    await smtp?.close();
  });

  it('adds a webhook and an e-mail target, sends a test, shows the delivery; in English and Danish', async () => {
    const company = await onboardCompany(stack, { name: 'Pages Co' });
    const page = await browser.newPage({ locale: 'en-GB' });
    const url = (p: string) => `${stack.apiUrl}${p}`;
    await page.goto(url('/admin'));
    await page.fill('#apiKey', company.key);
    await page.click('#sign-in');
    await page.click('#tab-notifications');
    expect(new URL(page.url()).pathname).toBe('/admin/notifications');
    expect(await page.textContent('#targets')).toContain('No targets yet');

    // refused beside the field, nothing stored
    await page.fill('#webhook-name', 'Ops');
    await page.fill('#webhook-url', 'http://insecure.example/hook');
    await page.click('#add-webhook');
    expect(await page.textContent('#webhook-url-error')).toBe(
      'Enter an https:// address without a user name or password.',
    );
    expect(await page.inputValue('#webhook-name')).toBe('Ops');

    await page.fill('#webhook-url', receiver.url);
    await page.check('#webhook-event-run-failed');
    await page.check('#webhook-event-run-held');
    await page.click('#add-webhook');
    const secret = (await page.textContent('#webhook-secret'))!;
    expect(secret).toMatch(/^whsec_/);
    receiver.setSecret(secret);
    expect(await page.textContent('#target-list')).toContain('Run failed, Run held for approval');
    await page.goto(url('/admin/notifications'));
    expect(await page.locator('#webhook-secret').count()).toBe(0); // shown once

    await page.fill('#email-name', 'IT');
    await page.fill('#email-emails', 'it@example.test, ops@example.test');
    await page.click('#add-email');
    expect(await page.textContent('#notice')).toContain('The target was added.');
    expect(await page.textContent('#target-list')).toContain('it@example.test, ops@example.test');

    const hook = await stack.db
      .selectFrom('notification_targets')
      .select('id')
      .where('company_id', '=', company.companyId)
      .where('kind', '=', 'webhook')
      .executeTakeFirstOrThrow();
    const before = receiver.requests.length;
    await page.click(`#test-${hook.id}`);
    expect(await page.textContent('#notice')).toContain('The test notification is on its way');
    await waitFor(async () => (receiver.requests.length > before ? true : undefined), { what: 'the test webhook' });
    expect(receiver.requests[receiver.requests.length - 1]!.signatureValid).toBe(true);
    const row = await waitFor(
      async () => {
        await page.reload();
        const status = await page.getAttribute('#delivery-list tbody tr', 'data-status');
        return status === 'delivered' ? page.locator('#delivery-list tbody tr').first() : undefined;
      },
      { what: 'the delivery in the history' },
    );
    expect(await row.textContent()).toContain('Test notification');
    expect(await row.textContent()).toContain('Delivered');
    await screenshot(page, 'notifications-en');

    await page.click('#lang-da');
    expect(await page.textContent('#tab-notifications')).toBe('Notifikationer');
    expect(await page.textContent('#delivery-list')).toContain('Testnotifikation');
    expect(await page.textContent('#delivery-list')).toContain('Leveret');
    expect(await page.textContent('#target-list')).toContain('Kørsel fejlede');
    await screenshot(page, 'notifications-da');

    await page.click(`#delete-${hook.id}`);
    expect(await page.textContent('#notice')).toContain('Modtageren er slettet.');
    expect(await page.textContent('#target-list')).not.toContain(receiver.url);
    await page.close();
  });
});
