import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { postForm, startTestSimulator } from './helpers.js';

/**
 * The OpenID Connect sign-in (authorization code + PKCE) as Microsoft's identity platform documents it; the
 * doc's examples and sentences are kept in test/fixtures/graph-docs/entra.auth-code.flow.json.
 */
const doc = JSON.parse(
  readFileSync(new URL('../fixtures/graph-docs/entra.auth-code.flow.json', import.meta.url), 'utf8'),
);

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());

const redirectUri = 'https://app.example.test/consent/signin';
const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

function authorizeUrl(tenant: string, fields: Record<string, string> = {}): string {
  const url = new URL(`${sim.url}/${tenant}/oauth2/v2.0/authorize`);
  const params = {
    client_id: sim.demo.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid profile offline_access',
    state: 's-1',
    nonce: 'n-1',
    ...fields,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Picks the user on the sign-in page; returns the code the redirect carries. */
async function signIn(
  tenant: string,
  userId: string,
  fields: Record<string, string> = {},
): Promise<{ code: string; location: URL }> {
  const url = authorizeUrl(tenant, fields);
  const form = Object.fromEntries(new URL(url).searchParams);
  const answer = await postForm(url, { ...form, user: userId });
  expect(answer.status, answer.text).toBe(302);
  const location = new URL(answer.headers.get('location')!);
  return { code: location.searchParams.get('code')!, location };
}

function redeem(tenant: string, fields: Record<string, string>) {
  return postForm(`${sim.url}/${tenant}/oauth2/v2.0/token`, {
    client_id: sim.demo.clientId,
    client_secret: sim.demo.clientSecret,
    grant_type: 'authorization_code',
    redirect_uri: redirectUri,
    scope: 'openid profile offline_access',
    ...fields,
  });
}

const adminId = () => sim.control.tenant(sim.demo.tenantId).activeUser(sim.demo.adminUpn!)!.id;
const userId = () => sim.control.tenant(sim.demo.tenantId).activeUser(sim.demo.userUpn!)!.id;

describe('OpenID Connect sign-in: authorization code with PKCE', () => {
  it('shows a sign-in page listing the tenant’s users, admins first with their roles', async () => {
    const page = await fetch(authorizeUrl(sim.demo.domain));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Pick an account');
    const first =
      /<li><button type="submit" name="user" value="([^"]+)" data-upn="([^"]+)">[\s\S]*?<span class="roles">([^<]*)<\/span>/.exec(
        html,
      )!;
    expect(first[2]).toBe(sim.demo.adminUpn);
    expect(first[3]).toBe('Global Administrator');
  });

  it('redirects back with code, state and session_state, as the doc’s successful response', async () => {
    const { challenge } = pkce();
    const { location } = await signIn(sim.demo.tenantId, adminId(), {
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const documented = new URL(doc.authorizeRedirect);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    for (const key of documented.searchParams.keys()) expect(location.searchParams.has(key)).toBe(true);
    expect(location.searchParams.get('state')).toBe('s-1');
    expect(location.searchParams.get('session_state')).toBeTruthy();
  });

  it('redeems the code once for an RS256 ID token verifiable with the discovery document’s jwks_uri', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await signIn(sim.demo.domain, adminId(), {
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const answer = await redeem(sim.demo.domain, { code, code_verifier: verifier });
    expect(answer.status, answer.text).toBe(200);
    for (const key of Object.keys(doc.tokenResponse)) expect(answer.body).toHaveProperty(key);
    expect(answer.body.token_type).toBe('Bearer');

    const discovery = await (await fetch(`${sim.url}/${sim.demo.domain}/v2.0/.well-known/openid-configuration`)).json();
    const { payload, protectedHeader } = await jwtVerify(
      answer.body.id_token,
      createRemoteJWKSet(new URL(discovery.jwks_uri)),
      {
        issuer: discovery.issuer,
        audience: sim.demo.clientId,
      },
    );
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      ver: '2.0',
      tid: sim.demo.tenantId,
      oid: adminId(),
      nonce: 'n-1',
      preferred_username: sim.demo.adminUpn,
    });
    // groupMembershipClaims includes directory roles: wids names Global Administrator (and the member "User" role)
    expect(payload.wids).toContain('62e90394-69f5-4237-9190-012177145e10');

    // "OAuth2 Authorization code was already redeemed" (AADSTS54005)
    const again = await redeem(sim.demo.domain, { code, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
    expect(again.body.error_description).toMatch(
      new RegExp(`^AADSTS54005: ${doc.quotes.AADSTS54005.replace(/[.?*+()]/g, '\\$&')}`),
    );
    for (const key of Object.keys(doc.tokenErrorResponse)) expect(again.body).toHaveProperty(key);
  });

  it('a user without roles gets no admin role in wids; the delegated token reads the roles from Graph /me', async () => {
    const { code } = await signIn(sim.demo.tenantId, userId());
    const answer = await redeem(sim.demo.tenantId, { code });
    expect(decodeJwt(answer.body.id_token).wids).toEqual(['b79fbf4d-3ef9-4689-8143-76b194e85509']);

    sim.control.setUserRoles(sim.demo.tenantId, userId(), ['Cloud Application Administrator']);
    try {
      const roles = await fetch(`${sim.url}/v1.0/me/transitiveMemberOf/microsoft.graph.directoryRole`, {
        headers: { authorization: `Bearer ${answer.body.access_token}` },
      });
      expect(roles.status).toBe(200);
      const body = await roles.json();
      expect(body.value).toEqual([
        expect.objectContaining({
          '@odata.type': '#microsoft.graph.directoryRole',
          roleTemplateId: '158c047a-c907-4556-b7ef-446551a6b5f7',
          displayName: 'Cloud Application Administrator',
        }),
      ]);
      // a delegated token is no app-only token: Graph's application endpoints refuse it
      expect(
        (await fetch(`${sim.url}/v1.0/groups`, { headers: { authorization: `Bearer ${answer.body.access_token}` } }))
          .status,
      ).toBe(401);
    } finally {
      sim.control.setUserRoles(sim.demo.tenantId, userId(), []);
    }
  });

  it('without directory roles in groupMembershipClaims the ID token carries no wids', async () => {
    sim.control.setGroupMembershipClaims(sim.demo.clientId, 'None');
    try {
      const { code } = await signIn(sim.demo.tenantId, adminId());
      expect(decodeJwt((await redeem(sim.demo.tenantId, { code })).body.id_token)).not.toHaveProperty('wids');
    } finally {
      sim.control.setGroupMembershipClaims(sim.demo.clientId, 'DirectoryRole');
    }
  });

  it.each([
    ['a wrong PKCE verifier', 501481, async () => ({ ...(await pkceCode()), code_verifier: pkce().verifier })],
    ['no verifier for a PKCE code', 900144, async () => ({ code: (await pkceCode()).code })],
    ['a code we never issued', 9002313, async () => ({ code: '1.Anot-a-code' })],
    [
      'another redirect URI than the code’s',
      50011,
      async () => ({ ...(await pkceCode()), redirect_uri: 'https://app.example.test/elsewhere' }),
    ],
    [
      'a code of another tenant',
      9002313,
      async () => ({
        ...(await pkceCode(sim.control.addTenant({ displayName: 'Other' }).id)),
        tenant: sim.demo.tenantId,
      }),
    ],
  ])('answers AADSTS errors in Entra’s shape for %s', async (_what, code, fields) => {
    const { tenant = sim.demo.tenantId, ...rest } = (await fields()) as Record<string, string>;
    const answer = await redeem(tenant, rest);
    expect(answer.status).toBe(400);
    expect(answer.body.error_codes).toEqual([code]);
    expect(answer.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  });

  async function pkceCode(tenant = sim.demo.tenantId) {
    const { verifier, challenge } = pkce();
    const userIdOf = tenant === sim.demo.tenantId ? adminId() : sim.control.addAdmin(tenant).id;
    const { code } = await signIn(tenant, userIdOf, { code_challenge: challenge, code_challenge_method: 'S256' });
    return { code, code_verifier: verifier, tenant };
  }

  it('the authorize endpoint refuses an unregistered redirect URI on its error page (AADSTS50011)', async () => {
    const strict = sim.control.registerApp({ redirectUris: ['https://registered.example.test/cb'] });
    const page = await fetch(authorizeUrl(sim.demo.tenantId, { client_id: strict.clientId }));
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/AADSTS50011/);
  });

  it('roles are set through the control API too', async () => {
    const res = await fetch(`${sim.url}/_sim/tenants/${sim.demo.tenantId}/users/${userId()}/roles`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ roles: ['Privileged Role Administrator'] }),
    });
    expect(await res.json()).toEqual({
      roles: ['Privileged Role Administrator'],
      roleTemplateIds: ['e8611ab8-c189-46e8-94e1-60213ab1f814'],
    });
    expect(sim.control.userRoles(sim.demo.tenantId, userId())).toEqual(['Privileged Role Administrator']);
    sim.control.setUserRoles(sim.demo.tenantId, userId(), []);
  });
});
