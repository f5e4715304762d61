/**
 * The System tab's "Active Directory (LDAP)" connection form, in English and Danish, against the real Samba DC:
 * a refused field shown beside it (and the password never put back into the page), a connection that fails
 * with its reason in the row, one that connects, and "Test again".
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { AdminClient, textOf } from '../admin/support/admin-client.js';
import { dcInfo } from './fixtures.js';

const dc = dcInfo();
let stack: TestStack;
let admin: AdminClient;

const form = (overrides: Record<string, string> = {}) => ({
  designation: 'Head office',
  url: dc.ldapsUrl,
  bindDn: dc.adminDn,
  bindPassword: dc.adminPassword,
  caCertificatePem: readFileSync(dc.caFile, 'utf8'),
  baseDn: dc.baseDn,
  ...overrides,
});
const errorOf = (html: string, field: string) =>
  textOf(new RegExp(`id="${field}-error"[^>]*>([^<]*)<`).exec(html)?.[1] ?? '');

beforeAll(async () => {
  stack = await startTestStack({ config: { SECRETS_KEY: randomBytes(32).toString('base64') } });
  const company = await onboardCompany(stack, { name: 'AD Co' });
  admin = new AdminClient(stack.app);
  await admin.signIn(company.key);
});
afterAll(() => stack?.close());

describe('the Active Directory (LDAP) connection form', () => {
  it('is offered beside Microsoft Azure, with its fields and help text in English and Danish', async () => {
    const english = await admin.page('/admin/system/new?provider=ldap');
    expect(english.status).toBe(200);
    expect(textOf(english.html)).toContain('Microsoft Azure (Entra ID) Active Directory (LDAP)');
    for (const text of ['Bind DN or UPN', 'Base DN', 'CA certificate (PEM)', 'Stored encrypted'])
      expect(textOf(english.html)).toContain(text);
    const azure = await admin.page('/admin/system/new');
    expect(azure.html).toContain('href="/admin/system/new?provider=ldap"');
    const danish = await admin.page('/admin/system/new?provider=ldap&lang=da');
    for (const text of ['Basis-DN', 'Bind-DN eller UPN', 'Gemmes krypteret', 'Opret og test'])
      expect(textOf(danish.html)).toContain(text);
    await admin.page('/admin/system/new?provider=ldap&lang=en');
  });

  it('shows a refused field beside it and never puts the password back into the page', async () => {
    const response = await admin.post('/admin/system/ldap-connections', form({ baseDn: 'DC=contoso,,DC=test' }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(errorOf(html, 'baseDn')).toMatch(/malformed at character 12/);
    expect(html).not.toContain(dc.adminPassword);
    const empty = await admin.post('/admin/system/ldap-connections', form({ url: '', bindPassword: '' }));
    const emptyHtml = await empty.text();
    expect(errorOf(emptyHtml, 'url')).toBe('This field is required.');
    expect(errorOf(emptyHtml, 'bindPassword')).toBe('This field is required.');
  });

  it('creates a connection that fails with its reason in the row, and one that connects; Test again re-checks', async () => {
    const untrusted = await admin.post(
      '/admin/system/ldap-connections',
      form({ caCertificatePem: '', baseDn: `CN=Users,${dc.baseDn}` }),
    );
    expect(untrusted.status).toBe(303);
    const failedPage = await admin.page(untrusted.headers.get('location')!);
    const failedRow = /<tr id="connection-[^"]+" data-status="failed" data-provider="ldap">[\s\S]*?<\/tr>/.exec(
      failedPage.html,
    )?.[0];
    expect(textOf(failedRow ?? '')).toContain("The domain controller's certificate is not trusted");
    expect(textOf(failedPage.html)).toContain('The connection could not be established');

    const good = await admin.post('/admin/system/ldap-connections', form());
    expect(good.status).toBe(303);
    const connectionId = new URL(good.headers.get('location')!, 'http://x').searchParams.get('connection')!;
    const page = await admin.page(good.headers.get('location')!);
    expect(textOf(page.html)).toContain('contoso.test');
    expect(page.html).toContain(`id="connection-${connectionId}" data-status="connected" data-provider="ldap"`);
    expect(page.html).not.toContain(dc.adminPassword);

    const again = await admin.post(`/admin/system/connections/${connectionId}/check`);
    expect(again.status).toBe(303);
    const danish = await admin.page('/admin/system?lang=da');
    expect(textOf(danish.html)).toContain('Test igen');
    expect(danish.html).toContain(`id="connection-${connectionId}" data-status="connected"`);
  });
});
