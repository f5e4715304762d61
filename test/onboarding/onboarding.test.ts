import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnection, setConnectionStatus } from '../../src/db/repositories/connections.js';
import {
  addTenantAdmin,
  confirmPage,
  connectAs,
  followConsent,
  onboardCompany,
  signInAs,
  startTestStack,
  waitFor,
  type TestStack,
} from '../support/stack.js';

describe('onboarding: connect an Entra tenant by tenant ID, admin consent and the admin’s sign-in', () => {
  let stack: TestStack;
  let company: Awaited<ReturnType<typeof onboardCompany>>;

  beforeAll(async () => {
    stack = await startTestStack();
    company = await onboardCompany(stack);
  });
  afterAll(() => stack?.close());

  function newTenant(name: string) {
    const tenant = stack.sim.control.addTenant({ displayName: name });
    const admin = addTenantAdmin(stack, tenant.id);
    return { ...tenant, admin };
  }

  async function connect(tenantId: string, key = company.key, designation?: string) {
    const res = await stack.call('POST', '/api/v1/connections', {
      key,
      body: { provider: 'azure', tenantId, designation },
    });
    return { res, body: await res.json() };
  }

  async function connectionOf(id: string, key = company.key) {
    return (await stack.call('GET', `/api/v1/connections/${id}`, { key })).json();
  }

  it('confirm page → consent → sign-in of a tenant admin (code + PKCE) → connected, with who signed in', async () => {
    const tenant = newTenant('Fabrikam Grant');
    const domain = tenant.domains[0]!;
    const { res, body } = await connect(domain, company.key, 'Fabrikam HQ');
    expect(res.status).toBe(201);
    expect(body.status).toBe('pending_consent');
    // consentUrl is our own confirm page first, in English and Danish
    const consentUrl = new URL(body.consentUrl);
    expect(`${consentUrl.origin}${consentUrl.pathname}`).toBe('http://directory-sync.test/consent/start');
    const page = await confirmPage(stack, body.consentUrl, { 'accept-language': 'en-GB' });
    expect(page.question).toBe(`Connect Microsoft Entra tenant ${domain} to Test Company in this product?`);
    const danish = await confirmPage(stack, body.consentUrl, { 'accept-language': 'da-DK,da;q=0.9' });
    expect(danish.question).toBe(`Forbind Microsoft Entra-lejeren ${domain} med Test Company i dette produkt?`);

    const microsoft = new URL(page.microsoftUrl);
    expect(microsoft.origin).toBe(stack.sim.url);
    expect(microsoft.pathname).toBe(`/${domain}/adminconsent`);
    expect(microsoft.searchParams.get('client_id')).toBe(stack.sim.demo.clientId);
    expect(microsoft.searchParams.get('redirect_uri')).toBe('http://directory-sync.test/consent/callback');
    expect(microsoft.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const { callbackPath } = await followConsent(stack, body.consentUrl);
    const consented = await stack.call('GET', callbackPath);
    expect(consented.status).toBe(302);
    // admin_consent=True proves nothing yet: the browser goes on to Microsoft's sign-in, with PKCE and a nonce
    const signIn = new URL(consented.headers.get('location')!);
    expect(`${signIn.origin}${signIn.pathname}`).toBe(`${stack.sim.url}/${domain}/oauth2/v2.0/authorize`);
    expect(signIn.searchParams.get('response_type')).toBe('code');
    expect(signIn.searchParams.get('code_challenge_method')).toBe('S256');
    expect(signIn.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signIn.searchParams.get('nonce')).toBeTruthy();
    expect(signIn.searchParams.get('scope')!.split(' ')).toContain('openid');
    expect(signIn.searchParams.get('redirect_uri')).toBe('http://directory-sync.test/consent/signin');
    expect(signIn.searchParams.get('state')).not.toBe(microsoft.searchParams.get('state'));
    expect((await connectionOf(body.id)).status).toBe('pending_consent');

    const signedIn = await signInAs(signIn.toString(), tenant.admin.id);
    const callback = await stack.call('GET', signedIn.callbackPath);
    expect(callback.status).toBe(302);
    const notice = new URL(callback.headers.get('location')!);
    expect(notice.pathname).toBe('/admin/system');
    expect(notice.searchParams.get('notice')).toBe('connection_established');

    const connection = await connectionOf(body.id);
    expect(connection).toMatchObject({
      status: 'connected',
      tenantId: tenant.id,
      organizationName: 'Fabrikam Grant',
      designation: 'Fabrikam HQ',
      statusReason: null,
      adminUpn: tenant.admin.userPrincipalName,
    });
    expect(connection.verifiedDomains).toContain(domain);
    // the sign-in code and its state are one-time
    const replay = await stack.call('GET', signedIn.callbackPath);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/already used/);

    // Status is also visible on the workflow in Temporal (search attributes for the Web UI).
    const description = await stack.temporal.workflow.getHandle(`onboarding-${body.id}`).describe();
    expect(description.typedSearchAttributes.get({ name: 'DsConnectionStatus', type: 'KEYWORD' } as never)).toBe(
      'connected',
    );
    expect(description.typedSearchAttributes.get({ name: 'DsCompanyId', type: 'KEYWORD' } as never)).toBe(
      company.companyId,
    );
  });

  it('deny → consent_denied with Microsoft’s error description', async () => {
    const tenant = newTenant('Fabrikam Deny');
    stack.sim.control.setConsentMode(tenant.id, 'deny');
    const { body } = await connect(tenant.id);
    const { callbackPath, params } = await followConsent(stack, body.consentUrl);
    expect(params.get('error')).toBeTruthy();
    const callback = await stack.call('GET', callbackPath);
    expect(new URL(callback.headers.get('location')!).searchParams.get('notice')).toBe('consent_denied');
    const connection = await waitFor(async () => {
      const c = await connectionOf(body.id);
      return c.status === 'consent_denied' ? c : undefined;
    });
    expect(connection.statusReason).toContain(params.get('error_description')!);
  });

  it('a non-admin of the tenant who consents and signs in is refused with the reason', async () => {
    const tenant = newTenant('Fabrikam Staff');
    const clerk = stack.sim.control.addUser(tenant.id, { displayName: 'Clerk', mailNickname: 'clerk' });
    stack.sim.control.setUserRoles(tenant.id, clerk.id, ['User Administrator']); // a role, but not one that grants consent
    const { body } = await connect(tenant.id);
    const { notice } = await connectAs(stack, body.consentUrl, clerk.id);
    expect(notice).toBe('connection_failed');
    const connection = await connectionOf(body.id);
    expect(connection.status).toBe('failed');
    expect(connection.statusReason).toBe(
      `the sign-in was refused: ${clerk.userPrincipalName} holds no directory role that can grant tenant-wide admin consent (Global Administrator, ` +
        'Privileged Role Administrator, Cloud Application Administrator or Application Administrator); ask an admin of the tenant to connect it',
    );
    expect(
      (await stack.call('GET', `/api/v1/connections/${body.id}/groups?search=`, { key: company.key })).status,
    ).toBe(409);
    // the check never turns it into a connected one
    const checked = await stack.call('POST', `/api/v1/connections/${body.id}/check`, { key: company.key });
    expect(checked.status).toBe(409);
    expect((await connectionOf(body.id)).status).toBe('failed');

    // a new attempt by an Application Administrator of the tenant works
    const appAdmin = addTenantAdmin(stack, tenant.id, ['Application Administrator']);
    const retry = await (
      await stack.call('POST', `/api/v1/connections/${body.id}/consent`, { key: company.key })
    ).json();
    expect((await connectAs(stack, retry.consentUrl, appAdmin.id)).notice).toBe('connection_established');
    expect(await connectionOf(body.id)).toMatchObject({ status: 'connected', adminUpn: appAdmin.userPrincipalName });
  });

  it('without wids in the ID token (groupMembershipClaims None) the roles are read through Graph with the delegated token', async () => {
    const tenant = newTenant('Fabrikam NoWids');
    const clerk = stack.sim.control.addUser(tenant.id, { displayName: 'Clerk', mailNickname: 'clerk' });
    stack.sim.control.setGroupMembershipClaims(stack.sim.demo.clientId, 'None');
    try {
      const refused = await connect(tenant.id);
      expect((await connectAs(stack, refused.body.consentUrl, clerk.id)).notice).toBe('connection_failed');
      expect((await connectionOf(refused.body.id)).statusReason).toMatch(/holds no directory role/);
      await stack.call('DELETE', `/api/v1/connections/${refused.body.id}`, { key: company.key });

      const { body } = await connect(tenant.id);
      expect((await connectAs(stack, body.consentUrl, tenant.admin.id)).notice).toBe('connection_established');
      expect((await connectionOf(body.id)).status).toBe('connected');
      expect(stack.sim.control.requests({ urlIncludes: '/me/transitiveMemberOf' }).length).toBeGreaterThanOrEqual(2);
    } finally {
      stack.sim.control.setGroupMembershipClaims(stack.sim.demo.clientId, 'DirectoryRole');
    }
  });

  it('a sign-in into another tenant than the requested one is refused', async () => {
    const tenant = newTenant('Fabrikam Requested');
    const other = newTenant('Fabrikam Other');
    const { body } = await connect(tenant.id);
    const { callbackPath } = await followConsent(stack, body.consentUrl);
    const signIn = new URL((await stack.call('GET', callbackPath)).headers.get('location')!);
    // the admin signs in to the other tenant (its authorize endpoint), coming back with our state
    const elsewhere = new URL(signIn.toString().replace(`/${tenant.id}/oauth2/`, `/${other.id}/oauth2/`));
    const signedIn = await signInAs(elsewhere.toString(), other.admin.id);
    const callback = await stack.call('GET', signedIn.callbackPath);
    expect(new URL(callback.headers.get('location')!).searchParams.get('notice')).toBe('connection_failed');
    const connection = await connectionOf(body.id);
    expect(connection.status).toBe('failed');
    expect(connection.statusReason).toMatch(
      /^the sign-in was refused: Microsoft refused the sign-in code: AADSTS9002313/,
    );
    expect(connection.adminUpn).toBeNull();
  });

  it('PKCE is enforced: with another verifier than the attempt’s, Microsoft refuses the code and nothing is connected', async () => {
    const tenant = newTenant('Fabrikam Pkce');
    const { body } = await connect(tenant.id);
    const { callbackPath } = await followConsent(stack, body.consentUrl);
    const signIn = (await stack.call('GET', callbackPath)).headers.get('location')!;
    const signedIn = await signInAs(signIn, tenant.admin.id);
    // what an attacker injecting a code of their own would amount to: the code and the kept verifier do not match
    await stack.db
      .updateTable('consent_states')
      .set({ code_verifier: 'x'.repeat(64) })
      .where('connection_id', '=', body.id)
      .where('purpose', '=', 'sign_in')
      .execute();
    await stack.call('GET', signedIn.callbackPath);
    const connection = await connectionOf(body.id);
    expect(connection.status).toBe('failed');
    expect(connection.statusReason).toMatch(/AADSTS501481: The Code_Verifier does not match/);
    // the verifier does not outlive its one use
    const kept = await stack.db
      .selectFrom('consent_states')
      .select(['code_verifier', 'nonce_hash', 'used_at'])
      .where('connection_id', '=', body.id)
      .where('purpose', '=', 'sign_in')
      .execute();
    expect(kept).toEqual([
      { code_verifier: null, nonce_hash: expect.stringMatching(/^[0-9a-f]{64}$/), used_at: expect.any(Date) },
    ]);
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
    const { microsoftUrl } = await confirmPage(stack, body.consentUrl);
    const connection = await waitFor(async () => {
      const c = await connectionOf(body.id);
      return c.status === 'consent_expired' ? c : undefined;
    });
    expect(connection.statusReason).toMatch(/in time/);
    expect((await stack.call('GET', new URL(body.consentUrl).pathname + new URL(body.consentUrl).search)).status).toBe(
      400,
    );
    const location = new URL((await fetch(microsoftUrl, { redirect: 'manual' })).headers.get('location')!);
    const late = await stack.call('GET', `${location.pathname}${location.search}`);
    expect(late.status).toBe(400);
    expect(await late.text()).toMatch(/expired/);
    expect((await connectionOf(body.id)).status).toBe('consent_expired');

    // a new consent attempt works
    const retry = await stack.call('POST', `/api/v1/connections/${body.id}/consent`, { key: company.key });
    expect(retry.status).toBe(200);
    const again = await retry.json();
    expect(again.status).toBe('pending_consent');
    await connectAs(stack, again.consentUrl, tenant.admin.id);
    expect((await connectionOf(body.id)).status).toBe('connected');
  });

  it('a new consent attempt replaces a run still finishing the old one, so its decision cannot be lost', async () => {
    const tenant = newTenant('Fabrikam Overlap');
    const { body } = await connect(tenant.id);
    const workflowId = `onboarding-${body.id}`;
    const old = await stack.temporal.workflow.getHandle(workflowId).describe();
    // The old run has recorded its final status but not closed yet: the window a quick retry can fall into.
    await setConnectionStatus(
      stack.db,
      body.id,
      'consent_expired',
      'no admin consent arrived in time; start a new consent attempt',
    );

    const retry = await stack.call('POST', `/api/v1/connections/${body.id}/consent`, { key: company.key });
    expect(retry.status).toBe(200);
    const current = await stack.temporal.workflow.getHandle(workflowId).describe();
    expect(current.runId).not.toBe(old.runId);
    expect((await stack.temporal.workflow.getHandle(workflowId, old.runId).describe()).status.name).toBe('TERMINATED');

    await connectAs(stack, (await retry.json()).consentUrl, tenant.admin.id);
    expect((await connectionOf(body.id)).status).toBe('connected');
  });

  it('refuses forged, missing and replayed state with a 400 page, changing nothing', async () => {
    const tenant = newTenant('Fabrikam State');
    const { body } = await connect(tenant.id);
    const forged = await stack.call(
      'GET',
      `/consent/callback?admin_consent=True&tenant=${tenant.id}&state=forged-${randomUUID()}`,
    );
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-type')).toMatch(/text\/html/);
    expect(await forged.text()).toMatch(/unknown state/);
    const missing = await stack.call('GET', `/consent/callback?admin_consent=True&tenant=${tenant.id}`);
    expect(missing.status).toBe(400);
    const forgedSignIn = await stack.call('GET', `/consent/signin?code=1.Aforged&state=forged-${randomUUID()}`);
    expect(forgedSignIn.status).toBe(400);
    expect((await connectionOf(body.id)).status).toBe('pending_consent');

    const { callbackPath } = await followConsent(stack, body.consentUrl);
    const first = await stack.call('GET', callbackPath);
    expect(first.status).toBe(302);
    const replay = await stack.call('GET', callbackPath);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/already used/);
    // the refusal in the reader's language, from its code
    const danishReplay = await stack.call('GET', callbackPath, { headers: { 'accept-language': 'da' } });
    expect(danishReplay.status).toBe(400);
    expect(await danishReplay.text()).toContain('svaret er allerede brugt');
    expect((await connectionOf(body.id)).status).toBe('pending_consent');
    // the consent state is not a sign-in state: it cannot be passed off as one
    const swapped = await stack.call(
      'GET',
      `/consent/signin?code=x&state=${new URLSearchParams(callbackPath.split('?')[1]).get('state')}`,
    );
    expect(swapped.status).toBe(400);

    const signedIn = await signInAs(first.headers.get('location')!, tenant.admin.id);
    expect((await stack.call('GET', signedIn.callbackPath)).status).toBe(302);
    expect((await connectionOf(body.id)).status).toBe('connected');
  });

  it('refuses a callback naming another tenant than the requested GUID, before spending the state', async () => {
    const tenant = newTenant('Fabrikam Right');
    const other = newTenant('Fabrikam Wrong');
    const { body } = await connect(tenant.id);
    const { params } = await followConsent(stack, body.consentUrl);
    const forgedTenant = new URLSearchParams(params);
    forgedTenant.set('tenant', other.id);
    const refused = await stack.call('GET', `/consent/callback?${forgedTenant}`);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/is for tenant/);
    expect((await connectionOf(body.id)).status).toBe('pending_consent');
    // the genuine response still works afterwards
    const genuine = await stack.call('GET', `/consent/callback?${params}`);
    expect(genuine.status).toBe(302);
    await stack.call('GET', (await signInAs(genuine.headers.get('location')!, tenant.admin.id)).callbackPath);
    expect((await connectionOf(body.id)).status).toBe('connected');
  });

  it('behind a domain, the tenant parameter of the callback proves nothing: the sign-in decides which tenant it is', async () => {
    const tenant = newTenant('Fabrikam Domain');
    const other = newTenant('Fabrikam Elsewhere');
    const { body } = await connect(tenant.domains[0]!);
    const { params } = await followConsent(stack, body.consentUrl);
    params.set('tenant', other.id);
    const consented = await stack.call('GET', `/consent/callback?${params}`);
    const signIn = consented.headers.get('location')!;
    expect(signIn).toContain(`/${tenant.domains[0]}/oauth2/v2.0/authorize`);
    await stack.call('GET', (await signInAs(signIn, tenant.admin.id)).callbackPath);
    const connection = await connectionOf(body.id);
    expect(connection).toMatchObject({ status: 'connected', tenantId: tenant.id, organizationName: 'Fabrikam Domain' });
  });

  it('tenant not found → failed with a reason a person can act on', async () => {
    const ghost = randomUUID();
    const { res, body } = await connect(ghost);
    expect(res.status).toBe(201);
    // Entra shows its own error page for an unknown tenant; a forged success must still not connect.
    const state = new URL(body.consentUrl).searchParams.get('state')!;
    const callback = await stack.call('GET', `/consent/callback?admin_consent=True&tenant=${ghost}&state=${state}`);
    expect(callback.status).toBe(302);
    expect(new URL(callback.headers.get('location')!).searchParams.get('notice')).toBe('connection_failed');
    const connection = await connectionOf(body.id);
    expect(connection.status).toBe('failed');
    expect(connection.statusReason).toMatch(/was not found/);
  });

  it('consent revoked after connecting → consent_revoked on the next check, with the reason', async () => {
    const tenant = newTenant('Fabrikam Revoke');
    const { body } = await connect(tenant.id);
    await connectAs(stack, body.consentUrl, tenant.admin.id);
    expect((await connectionOf(body.id)).status).toBe('connected');

    const healthy = await stack.call('POST', `/api/v1/connections/${body.id}/check`, { key: company.key });
    expect((await healthy.json()).status).toBe('connected');
    const group = stack.sim.control.addGroup(tenant.id, { displayName: 'Staff' });
    const setup = await stack.call('POST', '/api/v1/setups', {
      key: company.key,
      body: {
        connectionId: body.id,
        customerTypeId: company.customerTypeId,
        groupId: group.id,
        updateExisting: true,
        deleteRemoved: false,
        matchOn: 'email',
      },
    });
    expect(setup.status).toBe(201);
    const setupId = (await setup.json()).id;

    stack.sim.control.revokeConsent(tenant.id, stack.sim.demo.clientId);
    const checked = await (
      await stack.call('POST', `/api/v1/connections/${body.id}/check`, { key: company.key })
    ).json();
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
    await connectAs(stack, body.consentUrl, tenant.admin.id);
    const connection = await waitFor(async () => {
      const c = await connectionOf(body.id);
      return c.status === 'connected' ? c : undefined;
    });
    expect(connection.organizationName).toBe('Fabrikam Restart');
  });
});

describe('tenant ownership: one company cannot connect another company’s tenant', () => {
  let stack: TestStack;
  let companyA: Awaited<ReturnType<typeof onboardCompany>>;
  let companyB: Awaited<ReturnType<typeof onboardCompany>>;
  let tenant: { id: string; domains: string[] };
  let admin: { id: string };
  let connectionA: string;

  beforeAll(async () => {
    stack = await startTestStack();
    companyA = await onboardCompany(stack, { name: 'Alpha A/S' });
    companyB = await onboardCompany(stack, { name: 'Beta ApS' });
    tenant = stack.sim.control.addTenant({ displayName: 'Alpha Directory' });
    admin = addTenantAdmin(stack, tenant.id);
    stack.sim.control.addGroup(tenant.id, { displayName: 'All Alpha', members: [] });
    const created = await (
      await stack.call('POST', '/api/v1/connections', {
        key: companyA.key,
        body: { provider: 'azure', tenantId: tenant.id },
      })
    ).json();
    expect((await connectAs(stack, created.consentUrl, admin.id)).notice).toBe('connection_established');
    connectionA = created.id;
  });
  afterAll(() => stack?.close());

  const connectionOf = async (id: string, key: string) =>
    (await stack.call('GET', `/api/v1/connections/${id}`, { key })).json();

  it('a forged callback with company B’s own state leaves its connection unconnected, with nothing readable', async () => {
    // by GUID: refused at once, naming nothing of company A
    const byGuid = await stack.call('POST', '/api/v1/connections', {
      key: companyB.key,
      body: { provider: 'azure', tenantId: tenant.id },
    });
    expect(byGuid.status).toBe(409);
    const refusal = await byGuid.json();
    expect(refusal.error.message).toMatch(/already connected to another company in this product/);
    expect(JSON.stringify(refusal)).not.toContain('Alpha');
    expect(JSON.stringify(refusal)).not.toContain(companyA.companyId);

    // by a verified domain (the GUID is not known yet): the connection is made, the forged callback proves nothing
    const created = await (
      await stack.call('POST', '/api/v1/connections', {
        key: companyB.key,
        body: { provider: 'azure', tenantId: tenant.domains[0] },
      })
    ).json();
    const state = new URL(created.consentUrl).searchParams.get('state')!;
    const forged = await stack.call(
      'GET',
      `/consent/callback?admin_consent=True&tenant=${tenant.id}&state=${encodeURIComponent(state)}`,
    );
    expect(forged.status).toBe(302);
    expect(forged.headers.get('location')).toContain(`${stack.sim.url}/${tenant.domains[0]}/oauth2/v2.0/authorize`);
    await new Promise((r) => setTimeout(r, 1500)); // nothing is verifying in the background either
    expect(await connectionOf(created.id, companyB.key)).toMatchObject({
      status: 'pending_consent',
      organizationName: null,
      adminUpn: null,
    });
    const groups = await stack.call('GET', `/api/v1/connections/${created.id}/groups?search=All`, {
      key: companyB.key,
    });
    expect(groups.status).toBe(409);
    expect(JSON.stringify(await groups.json())).not.toContain('All Alpha');
    expect((await stack.call('POST', `/api/v1/connections/${created.id}/check`, { key: companyB.key })).status).toBe(
      409,
    );

    // even a real admin sign-in does not hand A's tenant to B: the tenant belongs to A
    const signedIn = await signInAs(forged.headers.get('location')!, admin.id);
    const callback = await stack.call('GET', signedIn.callbackPath);
    expect(new URL(callback.headers.get('location')!).searchParams.get('notice')).toBe('connection_failed');
    const connection = await connectionOf(created.id, companyB.key);
    expect(connection.status).toBe('failed');
    expect(connection.statusReason).toMatch(/already connected to another company in this product/);
    expect(connection.statusReason).not.toContain('Alpha');
    expect(
      (await stack.call('GET', `/api/v1/connections/${created.id}/groups?search=All`, { key: companyB.key })).status,
    ).toBe(409);
    expect((await stack.call('POST', `/api/v1/connections/${created.id}/check`, { key: companyB.key })).status).toBe(
      409,
    );
    expect((await connectionOf(connectionA, companyA.key)).status).toBe('connected');
  });

  it('two companies whose sign-ins complete at the same moment: exactly one gets the tenant', async () => {
    const [c, d] = [await onboardCompany(stack, { name: 'Gamma' }), await onboardCompany(stack, { name: 'Delta' })];
    const contested = stack.sim.control.addTenant({ displayName: 'Contested' });
    const contestedAdmin = addTenantAdmin(stack, contested.id);
    const signIns: { key: string; id: string; path: string }[] = [];
    for (const company of [c, d]) {
      const created = await (
        await stack.call('POST', '/api/v1/connections', {
          key: company.key,
          body: { provider: 'azure', tenantId: contested.domains[0] },
        })
      ).json();
      const { callbackPath } = await followConsent(stack, created.consentUrl);
      const signedIn = await signInAs(
        (await stack.call('GET', callbackPath)).headers.get('location')!,
        contestedAdmin.id,
      );
      signIns.push({ key: company.key, id: created.id, path: signedIn.callbackPath });
    }
    await Promise.all(signIns.map((s) => stack.call('GET', s.path)));
    const outcomes = await Promise.all(
      signIns.map((s) =>
        waitFor(async () => {
          const conn = await connectionOf(s.id, s.key);
          return conn.status === 'connected' || conn.status === 'failed' ? conn : undefined;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status).sort()).toEqual(['connected', 'failed']);
    expect(outcomes.find((o) => o.status === 'failed')!.statusReason).toMatch(
      /already connected to another company in this product/,
    );
  });

  it('the database refuses a second company’s connected row for the same tenant (not only the service)', async () => {
    const other = await (
      await stack.call('POST', '/api/v1/connections', {
        key: companyB.key,
        body: { provider: 'azure', tenantId: `x-${randomUUID().slice(0, 8)}.example.com` },
      })
    ).json();
    await expect(
      stack.db
        .updateTable('directory_connections')
        .set({ status: 'connected', tenant_guid: tenant.id })
        .where('id', '=', other.id)
        .execute(),
    ).rejects.toMatchObject({ code: '23505', constraint: 'directory_connections_one_company_per_tenant' });
    expect((await findConnection(stack.db, other.id))!.status).toBe('pending_consent');
  });

  it('the operator can share a tenant between companies (audited); then B’s own admin sign-in connects it', async () => {
    const forbidden = await stack.call('PUT', `/api/v1/tenant-shares/${tenant.id}`, {
      key: companyB.key,
      body: { companyIds: [companyA.companyId, companyB.companyId] },
    });
    expect(forbidden.status).toBe(403);
    const bad = await stack.call('PUT', `/api/v1/tenant-shares/${tenant.id}`, {
      key: stack.operatorKey,
      body: { companyIds: [companyA.companyId, randomUUID()] },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].field).toBe('companyIds');

    const shared = await stack.call('PUT', `/api/v1/tenant-shares/${tenant.id.toUpperCase()}`, {
      key: stack.operatorKey,
      body: { companyIds: [companyA.companyId, companyB.companyId] },
    });
    expect(shared.status).toBe(200);
    expect((await shared.json()).companyIds).toEqual([companyA.companyId, companyB.companyId].sort());

    const created = await stack.call('POST', '/api/v1/connections', {
      key: companyB.key,
      body: { provider: 'azure', tenantId: tenant.id },
    });
    expect(created.status).toBe(201);
    const body = await created.json();
    expect((await connectAs(stack, body.consentUrl, admin.id)).notice).toBe('connection_established');
    expect((await connectionOf(body.id, companyB.key)).status).toBe('connected');
    const groups = await (
      await stack.call('GET', `/api/v1/connections/${body.id}/groups?search=All`, { key: companyB.key })
    ).json();
    expect(groups.items.map((g: { displayName: string }) => g.displayName)).toEqual(['All Alpha']);

    expect((await stack.call('DELETE', `/api/v1/tenant-shares/${tenant.id}`, { key: stack.operatorKey })).status).toBe(
      204,
    );
    const after = await (
      await stack.call('GET', `/api/v1/tenant-shares/${tenant.id}`, { key: stack.operatorKey })
    ).json();
    expect(after.companyIds).toEqual([]);
    expect(after.audit.map((a: { action: string }) => a.action)).toEqual(['set', 'delete']);
    expect(after.audit[0]).toMatchObject({
      actor: 'operator',
      companyIds: [companyA.companyId, companyB.companyId].sort(),
    });
    // the audit is append-only
    await expect(
      stack.db.deleteFrom('tenant_share_audit').where('tenant_guid', '=', tenant.id).execute(),
    ).rejects.toThrow(/append-only/);
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
    Number(
      (
        await stack.db
          .selectFrom('directory_connections')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('company_id', '=', companyId)
          .executeTakeFirstOrThrow()
      ).n,
    );

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
    expect(
      (
        await stack.call('POST', '/api/v1/connections', {
          key: company.key,
          body: { provider: 'azure', tenantId: tenant.id },
        })
      ).status,
    ).toBe(201);
    const duplicate = await stack.call('POST', '/api/v1/connections', {
      key: company.key,
      body: { provider: 'azure', tenantId: tenant.id.toUpperCase() },
    });
    expect(duplicate.status).toBe(409);
    expect((await duplicate.json()).error.details[0].field).toBe('tenantId');
    expect(
      (
        await stack.call('POST', '/api/v1/connections', {
          key: other.key,
          body: { provider: 'azure', tenantId: tenant.id },
        })
      ).status,
    ).toBe(201);
  });

  it("404 (never 403) for another company's connection, on every route", async () => {
    const tenant = stack.sim.control.addTenant({ displayName: 'Private' });
    const theirs = await (
      await stack.call('POST', '/api/v1/connections', {
        key: other.key,
        body: { provider: 'azure', tenantId: tenant.id },
      })
    ).json();
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
    const res = await stack.call('POST', '/api/v1/connections', {
      key: without.key,
      body: { provider: 'azure', tenantId: 'x.onmicrosoft.com' },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('module_not_enabled');
    expect((await stack.call('GET', '/api/v1/setups', { key: without.key })).status).toBe(403);
    const patched = await stack.call('PATCH', `/api/v1/companies/${without.companyId}`, {
      key: stack.operatorKey,
      body: { directorySync: true },
    });
    expect((await patched.json()).directorySync).toBe(true);
    expect((await stack.call('GET', '/api/v1/connections', { key: without.key })).status).toBe(200);
    // only the operator manages companies
    expect(
      (
        await stack.call('PATCH', `/api/v1/companies/${without.companyId}`, {
          key: without.key,
          body: { directorySync: false },
        })
      ).status,
    ).toBe(403);
  });

  it('a new consent attempt is refused while the connection is pending (409), and deleting works', async () => {
    const tenant = stack.sim.control.addTenant({ displayName: 'Pending' });
    const created = await (
      await stack.call('POST', '/api/v1/connections', {
        key: company.key,
        body: { provider: 'azure', tenantId: tenant.id },
      })
    ).json();
    expect((await stack.call('POST', `/api/v1/connections/${created.id}/consent`, { key: company.key })).status).toBe(
      409,
    );
    expect((await stack.call('DELETE', `/api/v1/connections/${created.id}`, { key: company.key })).status).toBe(204);
    expect((await stack.call('GET', `/api/v1/connections/${created.id}`, { key: company.key })).status).toBe(404);
  });
});
