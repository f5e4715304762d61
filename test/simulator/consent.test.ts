import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyGraphError } from '../../src/directory/entra/errors.js';
import type { Simulator } from '../../src/simulator/server.js';
import { accessToken, connect, graph, postForm, requestToken, startTestSimulator } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());

const redirectUri = 'https://app.example.test/connections/callback';

function consentUrl(tenant: string, clientId: string, state = 'state-123', path = 'adminconsent'): string {
  return `${sim.url}/${tenant}/${path}?client_id=${clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&state=${state}`;
}

async function follow(url: string): Promise<{ status: number; location: URL | null; text: string }> {
  const answer = await fetch(url, { redirect: 'manual' });
  const location = answer.headers.get('location');
  return { status: answer.status, location: location ? new URL(location) : null, text: await answer.text() };
}

describe('admin consent', () => {
  it('grants by default: redirects back with admin_consent=True, the tenant guid and the state, and records consent', async () => {
    const app = sim.control.registerApp({ displayName: 'Onboarding app' });
    expect((await requestToken(sim, app)).body.error_codes).toEqual([7000229]);

    const answer = await follow(consentUrl(sim.demo.domain, app.clientId));
    expect(answer.status).toBe(302);
    expect(`${answer.location!.origin}${answer.location!.pathname}`).toBe(redirectUri);
    expect(Object.fromEntries(answer.location!.searchParams)).toEqual({
      admin_consent: 'True',
      tenant: sim.demo.tenantId,
      state: 'state-123',
    });
    expect(sim.control.consentState(sim.demo.tenantId, app.clientId)).toBe('granted');

    const token = await accessToken(sim, app);
    expect((await graph(sim, 'organization', { token })).status).toBe(200);
  });

  it('the v2.0 endpoint also returns the scope', async () => {
    const app = sim.control.registerApp();
    const answer = await follow(consentUrl(sim.demo.tenantId, app.clientId, 'v2', 'v2.0/adminconsent'));
    expect(answer.location!.searchParams.get('scope')).toBe('https://graph.microsoft.com/.default');
    expect(answer.location!.searchParams.get('admin_consent')).toBe('True');
  });

  it('deny mode redirects back with error=access_denied, a description and the state, and grants nothing', async () => {
    const tenant = sim.control.addTenant({ displayName: 'Fabrikam', users: 5 });
    sim.control.setConsentMode(tenant.id, 'deny');
    const answer = await follow(consentUrl(tenant.id, sim.demo.clientId, 'deny-state'));
    expect(answer.status).toBe(302);
    const params = answer.location!.searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('error_description')).toMatch(/^AADSTS65004: /);
    expect(params.get('state')).toBe('deny-state');
    expect(params.get('tenant')).toBeNull();
    expect(sim.control.consentState(tenant.id, sim.demo.clientId)).toBe('none');
  });

  it('interactive mode shows a page whose Accept and Cancel buttons decide', async () => {
    const tenant = sim.control.addTenant({
      displayName: 'Northwind Traders',
      initialDomain: 'northwind.onmicrosoft.com',
    });
    sim.control.setConsentMode('northwind.onmicrosoft.com', 'interactive');
    const page = await follow(consentUrl('northwind.onmicrosoft.com', sim.demo.clientId, 'ui'));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Northwind Traders');
    expect(page.text).toMatch(/<button[^>]*value="accept"[^>]*id="accept"/);
    expect(page.text).toMatch(/<button[^>]*value="cancel"[^>]*id="cancel"/);
    expect(sim.control.consentState(tenant.id, sim.demo.clientId)).toBe('none');

    const fields = { client_id: sim.demo.clientId, redirect_uri: redirectUri, state: 'ui' };
    const cancelled = await postForm(consentUrl('northwind.onmicrosoft.com', sim.demo.clientId, 'ui'), {
      ...fields,
      decision: 'cancel',
    });
    expect(cancelled.status).toBe(302);
    expect(new URL(cancelled.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    expect(sim.control.consentState(tenant.id, sim.demo.clientId)).toBe('none');

    const accepted = await postForm(consentUrl('northwind.onmicrosoft.com', sim.demo.clientId, 'ui'), {
      ...fields,
      decision: 'accept',
    });
    expect(accepted.status).toBe(302);
    expect(new URL(accepted.headers.get('location')!).searchParams.get('tenant')).toBe(tenant.id);
    expect(sim.control.consentState(tenant.id, sim.demo.clientId)).toBe('granted');
  });

  it('shows an error page, not a redirect, for an unknown tenant, app or unregistered redirect URI', async () => {
    const strict = sim.control.registerApp({ redirectUris: ['https://only.example.test/cb'] });
    for (const [url, code] of [
      [consentUrl('nowhere.onmicrosoft.com', sim.demo.clientId), 90002],
      [consentUrl(sim.demo.tenantId, '0badc0de-0000-4000-8000-000000000000'), 700016],
      [consentUrl(sim.demo.tenantId, strict.clientId), 50011],
    ] as const) {
      const answer = await follow(url);
      expect(answer.status).toBe(400);
      expect(answer.location).toBeNull();
      expect(answer.text).toContain(`AADSTS${code}`);
    }
  });
});

describe('revoking consent', () => {
  it('takes effect on the next token: the old token keeps working, a new one gets 403 Authorization_RequestDenied', async () => {
    const app = sim.control.registerApp();
    sim.control.grantConsent(sim.demo.tenantId, app.clientId);
    const before = await accessToken(sim, app);
    expect((await graph(sim, `groups/${sim.demo.groups[0]!.id}`, { token: before })).status).toBe(200);

    sim.control.revokeConsent(sim.demo.tenantId, app.clientId);
    expect(sim.control.consentState(sim.demo.tenantId, app.clientId)).toBe('revoked');
    expect((await graph(sim, `groups/${sim.demo.groups[0]!.id}`, { token: before })).status).toBe(200);

    const after = await accessToken(sim, app);
    const denied = await graph(sim, `groups/${sim.demo.groups[0]!.id}`, { token: after });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('Authorization_RequestDenied');
    expect(denied.body.error.message).toBe('Insufficient privileges to complete the operation.');

    const { client } = connect(sim, { clientId: app.clientId, clientSecret: app.clientSecret });
    expect(
      classifyGraphError(
        await client
          .api('/organization')
          .get()
          .catch((e: unknown) => e),
      ).kind,
    ).toBe('forbidden');
  });

  it('removing the service principal makes the token endpoint refuse the app (AADSTS7000229)', async () => {
    const app = sim.control.registerApp();
    sim.control.grantConsent(sim.demo.tenantId, app.clientId);
    expect((await requestToken(sim, app)).status).toBe(200);
    sim.control.revokeConsent(sim.demo.tenantId, app.clientId, { removeServicePrincipal: true });
    const refused = await requestToken(sim, app);
    expect(refused.status).toBe(400);
    expect(refused.body.error_codes).toEqual([7000229]);
  });

  it('an app with only GroupMember.Read.All sees member users as id and type with null values (limited information)', async () => {
    const app = sim.control.registerApp({ permissions: ['GroupMember.Read.All'] });
    sim.control.grantConsent(sim.demo.tenantId, app.clientId);
    const token = await accessToken(sim, app);
    const page = await graph(sim, `groups/${sim.demo.groups[0]!.id}/members?$select=id,mail,displayName`, { token });
    expect(page.status).toBe(200);
    const user = page.body.value.find((m: any) => m['@odata.type'] === '#microsoft.graph.user');
    expect(user).toMatchObject({ mail: null, displayName: null });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await graph(sim, 'users', { token })).status).toBe(403);
  });
});
