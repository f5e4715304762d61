/**
 * LDAP connections through the API and the connection-check workflow, against the real Samba DC: created,
 * verified at once (connected with what the DC said, or failed with the reason), the bind password stored only
 * encrypted and never answered; bad input refused with the field named and nothing stored.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { dcInfo } from './fixtures.js';

const dc = dcInfo();
const ca = readFileSync(dc.caFile, 'utf8');
let stack: TestStack;
let key: string;
let companyId: string;

const goodBody = (overrides: Record<string, unknown> = {}) => ({
  provider: 'ldap',
  url: dc.ldapsUrl,
  bindDn: dc.adminDn,
  bindPassword: dc.adminPassword,
  caCertificatePem: ca,
  baseDn: dc.baseDn,
  ...overrides,
});

beforeAll(async () => {
  stack = await startTestStack({ config: { SECRETS_KEY: randomBytes(32).toString('base64') } });
  ({ key, companyId } = await onboardCompany(stack));
});
afterAll(async () => {
  await stack?.close();
});

async function create(body: Record<string, unknown>) {
  const response = await stack.call('POST', '/api/v1/connections', { key, body });
  return { status: response.status, body: await response.json() };
}

describe('an LDAP connection', () => {
  it('is verified on creation: connected, with the DC facts; the password is stored encrypted and never answered', async () => {
    const { status, body } = await create(goodBody({ designation: 'Head office AD' }));
    expect(status).toBe(201);
    expect(body).toMatchObject({
      provider: 'ldap',
      status: 'connected',
      statusReason: null,
      organizationName: 'contoso.test',
      verifiedDomains: ['contoso.test'],
      ldap: { url: dc.ldapsUrl, bindDn: dc.adminDn, baseDn: dc.baseDn, caCertificate: true, failureReason: null },
    });
    expect(body.ldap.facts.dnsHostName).toBe(dc.dnsHostName);
    expect(body.ldap.facts.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.ldap.facts.usersUnderBase).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toContain(dc.adminPassword);

    const stored = await stack.db
      .selectFrom('directory_connections')
      .selectAll()
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(stored.ldap_bind_password_encrypted).toMatch(/^dsx1\./);
    expect(JSON.stringify(stored)).not.toContain(dc.adminPassword);

    const listed = await (await stack.call('GET', '/api/v1/connections', { key })).json();
    expect(JSON.stringify(listed)).not.toContain(dc.adminPassword);
    expect(listed.items.find((c: { id: string }) => c.id === body.id).ldap.bindDn).toBe(dc.adminDn);

    // A second connection to the same base DN (written differently) is refused.
    const again = await create(goodBody({ baseDn: dc.baseDn.toUpperCase().replace(',', ', ') }));
    expect(again.status).toBe(409);
    expect(again.body.error.details).toEqual([{ field: 'baseDn', reason: 'already connected' }]);
  });

  it.each([
    ['a wrong password', { bindPassword: 'not-the-password' }, 'invalid_credentials', /result 49/],
    ['no CA for the self-signed DC', { caCertificatePem: null }, 'certificate_not_trusted', /not trusted/],
    ['a host nobody listens on', { url: 'ldaps://127.0.0.1:1' }, 'host_unreachable', /Could not reach/],
  ])('with %s fails with that reason', async (_, overrides, reason, message) => {
    const suffix = randomBytes(3).toString('hex');
    const { status, body } = await create(goodBody({ ...overrides, baseDn: `OU=x${suffix},${dc.baseDn}` }));
    expect(status).toBe(201);
    expect(body.status).toBe('failed');
    expect(body.ldap.failureReason).toBe(reason);
    expect(body.statusReason).toMatch(message);
    expect(JSON.stringify(body)).not.toContain(
      (overrides as { bindPassword?: string }).bindPassword ?? dc.adminPassword,
    );
  });

  it('names a base DN that does not exist', async () => {
    const { body } = await create(goodBody({ baseDn: `OU=Nowhere,${dc.baseDn}` }));
    expect(body).toMatchObject({ status: 'failed', ldap: { failureReason: 'base_dn_not_found' } });
  });

  it('is checked again on demand: after the DC trusts nothing new, the same answer', async () => {
    const { body } = await create(goodBody({ baseDn: `CN=Users,${dc.baseDn}` }));
    expect(body.status).toBe('connected');
    const checked = await stack.call('POST', `/api/v1/connections/${body.id}/check`, { key });
    expect(checked.status).toBe(200);
    expect((await checked.json()).status).toBe('connected');
  });

  it.each([
    ['url', { url: 'https://dc01.contoso.test' }, /ldaps:\/\//],
    ['bindDn', { bindDn: 'not a dn' }, /neither a DN/],
    ['caCertificatePem', { caCertificatePem: 'hello' }, /PEM/],
    ['baseDn', { baseDn: 'DC=contoso,,DC=test' }, /malformed at character/],
    ['bindPassword', { bindPassword: '' }, /required/],
  ])('refuses a bad %s with the field named, storing nothing', async (field, overrides, reason) => {
    // this company's rows only: other test files write connections into the same database meanwhile
    const ours = () =>
      stack.db.selectFrom('directory_connections').select('id').where('company_id', '=', companyId).execute();
    const before = await ours();
    const { status, body } = await create(goodBody(overrides));
    expect(status).toBe(400);
    const problem = body.error.details.find((d: { field: string }) => d.field === field);
    expect(problem?.reason).toMatch(reason);
    expect((await ours()).length).toBe(before.length);
  });

  it('needs SECRETS_KEY on the service (503, nothing stored)', async () => {
    const { app } = stack.appWith({ SECRETS_KEY: '' });
    const response = await app.request('/api/v1/connections', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(goodBody({ baseDn: `OU=Keyless,${dc.baseDn}` })),
    });
    expect(response.status).toBe(503);
    expect((await response.json()).error.message).toContain('SECRETS_KEY');
  });
});
