import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnection, setConnectionStatus } from '../../src/db/repositories/connections.js';
import { onboardCompany, followConsent, startTestStack, waitFor, type TestStack } from '../support/stack.js';

describe('onboarding: connect an Entra tenant by tenant ID and admin consent', () => {
  let stack: TestStack;
  let company: Awaited<ReturnType<typeof onboardCompany>>;

  beforeAll(async () => {
    stack = await startTestStack();
    company = await onboardCompany(stack);
  });
  afterAll(() => stack?.close());

  function newTenant(name: string) {
    return stack.sim.control.addTenant({ displayName: name });
  }

  async function connect(tenantId: string, key = company.key, designation?: string) {
    const res = await stack.call('POST', '/api/v1/connections', { key, body: { provider: 'azure', tenantId, designation } });
    return { res, body: await res.json() };
  }

  async function connectionOf(id: string, key = company.key) {
    return (await stack.call('GET', `/api/v1/connections/${id}`, { key })).json();
  }

  it('grant → connected, with the organisation name, verified domains and the tenant GUID', async () => {
    const tenant = newTenant('Fabrikam Grant');
    const domain = tenant.domains[0]!;
    const { res, body } = await connect(domain, company.key, 'Fabrikam HQ');
    expect(res.status).toBe(201);
    expect(body.status).toBe('pending_consent');
    const consentUrl = new URL(body.consentUrl);
    expect(consentUrl.origin).toBe(stack.sim.url);
    expect(consentUrl.pathname).toBe(`/${domain}/adminconsent`);
    expect(consentUrl.searchParams.get('client_id')).toBe(stack.sim.demo.clientId);
    expect(consentUrl.searchParams.get('redirect_uri')).toBe('http://directory-sync.test/consent/callback');
    expect(consentUrl.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const { callbackPath } = await followConsent(body.consentUrl);
    const callback = await stack.call('GET', callbackPath);
    expect(callback.status).toBe(302);
    const notice = new URL(callback.headers.get('location')!);
    expect(notice.pathname).toBe('/admin/system');
    expect(notice.searchParams.get('notice')).toBe('connection_established');

    const connection = await connectionOf(body.id);
    expect(connection).toMatchObject({ status: 'connected', tenantId: tenant.id, organizationName: 'Fabrikam Grant', designation: 'Fabrikam HQ', statusReason: null });
    expect(connection.verifiedDomains).toContain(domain);

    // Status is also visible on the workflow in Temporal (search attributes for the Web UI).
    const description = await stack.temporal.workflow.getHandle(`onboarding-${body.id}`).describe();
    expect(description.typedSearchAttributes.get({ name: 'DsConnectionStatus', type: 'KEYWORD' } as never)).toBe('connected');
    expect(description.typedSearchAttributes.get({ name: 'DsCompanyId', type: 'KEYWORD' } as never)).toBe(company.companyId);
  });

  it('deny → consent_denied with Microsoft’s error description', async () => {
    const tenant = newTenant('Fabrikam Deny');
    stack.sim.control.setConsentMode(tenant.id, 'deny');
    const { body } = await connect(tenant.id);
    const { callbackPath, params } = await followConsent(body.consentUrl);
    expect(params.get('error')).toBeTruthy();
    const callback = await stack.call('GET', callbackPath);
    expect(new URL(callback.headers.get('location')!).searchParams.get('notice')).toBe('consent_denied');
    const connection = await waitFor(async () => {
      const c = await connectionOf(body.id);
      return c.status === 'consent_denied' ? c : undefined;
    });
    expect(connection.statusReason).toContain(params.get('error_description')!);
  });

  it('timeout → consent_expired, and the old state is refused afterwards', async () => {
    const quick = stack.appWith({ CONSENT_TIMEOUT: '2s' });
    const tenant = newTenant('Fabrikam Slow');
    const res = await quick.app.request('/api/v1/connections', {
      method: 'POST',
      headers: { authorization: `Bearer ${company.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'azure', tenantId: tenant.id }),
    });
    const body = await res.json();
    const connection = await waitFor(async () => {
      const c = await connectionOf(body.id);
      return c.status === 'consent_expired' ? c : undefined;
    });
    expect(connection.statusReason).toMatch(/in time/);
    const { callbackPath } = await followConsent(body.consentUrl);
    const late = await stack.call('GET', callbackPath);
    expect(late.status).toBe(400);
    expect(await late.text()).toMatch(/expired/);
    expect((await connectionOf(body.id)).status).toBe('consent_expired');

    // a new consent attempt works
    const retry = await stack.call('POST', `/api/v1/connections/${body.id}/consent`, { key: company.key });
    expect(retry.status).toBe(200);
    const again = await retry.json();
    expect(again.status).toBe('pending_consent');
    const { callbackPath: second } = await followConsent(again.consentUrl);
    await stack.call('GET', second);
    expect((await connectionOf(body.id)).status).toBe('connected');
  });

  it('a new consent attempt replaces a run still finishing the old one, so its decision cannot be lost', async () => {
    const tenant = newTenant('Fabrikam Overlap');
    const { body } = await connect(tenant.id);
    const workflowId = `onboarding-${body.id}`;
    const old = await stack.temporal.workflow.getHandle(workflowId).describe();
    // The old run has recorded its final status but not closed yet: the window a quick retry can fall into.
    await setConnectionStatus(stack.db, body.id, 'consent_expired', 'no admin consent arrived in time; start a new consent attempt');

    const retry = await stack.call('POST', `/api/v1/connections/${body.id}/consent`, { key: company.key });
    expect(retry.status).toBe(200);
    const current = await stack.temporal.workflow.getHandle(workflowId).describe();
    expect(current.runId).not.toBe(old.runId);
    expect((await stack.temporal.workflow.getHandle(workflowId, old.runId).describe()).status.name).toBe('TERMINATED');

    await stack.call('GET', (await followConsent((await retry.json()).consentUrl)).callbackPath);
    expect((await connectionOf(body.id)).status).toBe('connected');
  });

  it('refuses forged, missing and replayed state with a 400 page, changing nothing', async () => {
    const tenant = newTenant('Fabrikam State');
    const { body } = await connect(tenant.id);
    const forged = await stack.call('GET', `/consent/callback?admin_consent=True&tenant=${tenant.id}&state=forged-${randomUUID()}`);
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-type')).toMatch(/text\/html/);
    expect(await forged.text()).toMatch(/unknown state/);
    const missing = await stack.call('GET', `/consent/callback?admin_consent=True&tenant=${tenant.id}`);
    expect(missing.status).toBe(400);
    expect((await connectionOf(body.id)).status).toBe('pending_consent');

    const { callbackPath } = await followConsent(body.consentUrl);
    expect((await stack.call('GET', callbackPath)).status).toBe(302);
    const replay = await stack.call('GET', callbackPath);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/already used/);
    expect((await connectionOf(body.id)).status).toBe('connected');
  });

  it('refuses a callback naming another tenant than the requested GUID, before spending the state', async () => {
    const tenant = newTenant('Fabrikam Right');
    const other = newTenant('Fabrikam Wrong');
    const { body } = await connect(tenant.id);
    const { params } = await followConsent(body.consentUrl);
    const forgedTenant = new URLSearchParams(params);
    forgedTenant.set('tenant', other.id);
    const refused = await stack.call('GET', `/consent/callback?${forgedTenant}`);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/is for tenant/);
    expect((await connectionOf(body.id)).status).toBe('pending_consent');
    // the genuine response still works afterwards
    expect((await stack.call('GET', `/consent/callback?${params}`)).status).toBe(302);
    expect((await connectionOf(body.id)).status).toBe('connected');
  });

  it('wrong tenant behind a domain: consent in another tenant fails verification with the reason', async () => {
    const tenant = newTenant('Fabrikam Domain');
    const other = newTenant('Fabrikam Elsewhere');
    const { body } = await connect(tenant.domains[0]!);
    const { params } = await followConsent(body.consentUrl);
    params.set('tenant', other.id); // the admin consented while signed in to another tenant
    const callback = await stack.call('GET', `/consent/callback?${params}`);
    expect(new URL(callback.headers.get('location')!).searchParams.get('notice')).toBe('connection_failed');
    const connection = await connectionOf(body.id);
    expect(connection.status).toBe('failed');
    expect(connection.statusReason).toMatch(/wrong tenant/);
  });

  it('tenant not found → failed with a reason a person can act on', async () => {
    const ghost = randomUUID();
    const { res, body } = await connect(ghost);
    expect(res.status).toBe(201);
    // Entra shows its own error page for an unknown tenant; a forged success must still not connect.
    const state = new URL(body.consentUrl).searchParams.get('state')!;
    const callback = await stack.call('GET', `/consent/callback?admin_consent=True&tenant=${ghost}&state=${state}`);
    expect(callback.status).toBe(302);
    const connection = await connectionOf(body.id);
    expect(connection.status).toBe('failed');
    expect(connection.statusReason).toMatch(/was not found/);
  });

  it('consent revoked after connecting → consent_revoked on the next check, with the reason', async () => {
    const tenant = newTenant('Fabrikam Revoke');
    const { body } = await connect(tenant.id);
    await stack.call('GET', (await followConsent(body.consentUrl)).callbackPath);
    expect((await connectionOf(body.id)).status).toBe('connected');

    const healthy = await stack.call('POST', `/api/v1/connections/${body.id}/check`, { key: company.key });
    expect((await healthy.json()).status).toBe('connected');
    const group = stack.sim.control.addGroup(tenant.id, { displayName: 'Staff' });
    const setup = await stack.call('POST', '/api/v1/setups', {
      key: company.key,
      body: { connectionId: body.id, customerTypeId: company.customerTypeId, groupId: group.id, updateExisting: true, deleteRemoved: false, matchOn: 'email' },
    });
    expect(setup.status).toBe(201);
    const setupId = (await setup.json()).id;

    stack.sim.control.revokeConsent(tenant.id, stack.sim.demo.clientId);
    const checked = await (await stack.call('POST', `/api/v1/connections/${body.id}/check`, { key: company.key })).json();
    expect(checked.status).toBe('consent_revoked');
    expect(checked.statusReason).toMatch(/consent was revoked/);
    const paused = await (await stack.call('GET', `/api/v1/setups/${setupId}`, { key: company.key })).json();
    expect(paused.status).toBe('paused');
    expect(paused.statusReason).toMatch(/consent was revoked/);
    expect(paused.nextRunAt).toBeNull();
    const schedule = await stack.temporal.schedule.getHandle(`setup-sync-${setupId}`).describe();
    expect(schedule.state.paused).toBe(true);
  });

  it('survives a worker restart while waiting for consent', async () => {
    const tenant = newTenant('Fabrikam Restart');
    const { body } = await connect(tenant.id);
    await stack.restartWorker();
    await stack.call('GET', (await followConsent(body.consentUrl)).callbackPath);
    const connection = await waitFor(async () => {
      const c = await connectionOf(body.id);
      return c.status === 'connected' ? c : undefined;
    });
    expect(connection.organizationName).toBe('Fabrikam Restart');
  });
});

describe('connections API: bad input gets a clear 4xx and changes nothing', () => {
  let stack: TestStack;
  let company: Awaited<ReturnType<typeof onboardCompany>>;
  let other: Awaited<ReturnType<typeof onboardCompany>>;

  beforeAll(async () => {
    stack = await startTestStack();
    company = await onboardCompany(stack);
    other = await onboardCompany(stack, { name: 'Other' });
  });
  afterAll(() => stack?.close());

  const count = async (companyId: string) =>
    Number((await stack.db.selectFrom('directory_connections').select((eb) => eb.fn.countAll().as('n')).where('company_id', '=', companyId).executeTakeFirstOrThrow()).n);

  it.each([
    ['a malformed tenant id', { provider: 'azure', tenantId: 'not a tenant' }, 'tenantId'],
    ['the empty GUID', { provider: 'azure', tenantId: '00000000-0000-0000-0000-000000000000' }, 'tenantId'],
    ['"common"', { provider: 'azure', tenantId: 'common' }, 'tenantId'],
    ['an unknown provider', { provider: 'okta', tenantId: 'contoso.onmicrosoft.com' }, 'provider'],
    ['a missing tenant id', { provider: 'azure' }, 'tenantId'],
    ['an unknown field', { provider: 'azure', tenantId: 'contoso.onmicrosoft.com', extra: 1 }, '(body)'],
  ])('400 for %s, naming the field', async (_what, body, field) => {
    const before = await count(company.companyId);
    const res = await stack.call('POST', '/api/v1/connections', { key: company.key, body });
    expect(res.status).toBe(400);
    const error = (await res.json()).error;
    expect(error.code).toBe('validation_failed');
    expect(error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(error.details[0].reason).toBeTruthy();
    expect(await count(company.companyId)).toBe(before);
  });

  it('409 for a second connection to the same tenant in one company; another company may connect it', async () => {
    const tenant = stack.sim.control.addTenant({ displayName: 'Dup' });
    expect((await stack.call('POST', '/api/v1/connections', { key: company.key, body: { provider: 'azure', tenantId: tenant.id } })).status).toBe(201);
    const duplicate = await stack.call('POST', '/api/v1/connections', { key: company.key, body: { provider: 'azure', tenantId: tenant.id.toUpperCase() } });
    expect(duplicate.status).toBe(409);
    expect((await duplicate.json()).error.details[0].field).toBe('tenantId');
    expect((await stack.call('POST', '/api/v1/connections', { key: other.key, body: { provider: 'azure', tenantId: tenant.id } })).status).toBe(201);
  });

  it("404 (never 403) for another company's connection, on every route", async () => {
    const tenant = stack.sim.control.addTenant({ displayName: 'Private' });
    const theirs = await (await stack.call('POST', '/api/v1/connections', { key: other.key, body: { provider: 'azure', tenantId: tenant.id } })).json();
    for (const [method, path] of [
      ['GET', `/api/v1/connections/${theirs.id}`],
      ['DELETE', `/api/v1/connections/${theirs.id}`],
      ['POST', `/api/v1/connections/${theirs.id}/consent`],
      ['POST', `/api/v1/connections/${theirs.id}/check`],
      ['GET', `/api/v1/connections/${theirs.id}/groups`],
    ] as const) {
      const res = await stack.call(method, path, { key: company.key });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(await findConnection(stack.db, theirs.id)).toBeDefined();
  });

  it('403 module_not_enabled for a company without the add-on; the operator switches it on', async () => {
    const without = await onboardCompany(stack, { directorySync: false, name: 'No module' });
    const res = await stack.call('POST', '/api/v1/connections', { key: without.key, body: { provider: 'azure', tenantId: 'x.onmicrosoft.com' } });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('module_not_enabled');
    expect((await stack.call('GET', '/api/v1/setups', { key: without.key })).status).toBe(403);
    const patched = await stack.call('PATCH', `/api/v1/companies/${without.companyId}`, { key: stack.operatorKey, body: { directorySync: true } });
    expect((await patched.json()).directorySync).toBe(true);
    expect((await stack.call('GET', '/api/v1/connections', { key: without.key })).status).toBe(200);
    // only the operator manages companies
    expect((await stack.call('PATCH', `/api/v1/companies/${without.companyId}`, { key: without.key, body: { directorySync: false } })).status).toBe(403);
  });

  it('a new consent attempt is refused while the connection is pending (409), and deleting works', async () => {
    const tenant = stack.sim.control.addTenant({ displayName: 'Pending' });
    const created = await (await stack.call('POST', '/api/v1/connections', { key: company.key, body: { provider: 'azure', tenantId: tenant.id } })).json();
    expect((await stack.call('POST', `/api/v1/connections/${created.id}/consent`, { key: company.key })).status).toBe(409);
    expect((await stack.call('DELETE', `/api/v1/connections/${created.id}`, { key: company.key })).status).toBe(204);
    expect((await stack.call('GET', `/api/v1/connections/${created.id}`, { key: company.key })).status).toBe(404);
  });
});
