import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoleOf, hashSecret, validateIdToken } from '../../src/directory/entra/admin-sign-in.js';
import type { Config } from '../../src/config.js';
import { startSimulator, type Simulator } from '../../src/simulator/server.js';
import { testConfig } from '../support/context.js';

/**
 * Our validation of the sign-in's ID token, fed real tokens of the simulator's sign-in (authorize → code → token).
 * Each check must refuse on its own: the tenant, the nonce, the audience, the signature.
 */
describe('ID token validation of the admin sign-in', () => {
  let sim: Simulator;
  let config: Config;
  let other: { id: string };
  let otherAdmin: { id: string };
  const redirectUri = 'https://directory-sync.test/consent/signin';

  beforeAll(async () => {
    sim = await startSimulator({ users: 3, seed: 'id-token' });
    config = testConfig({
      AZURE_CLIENT_ID: sim.demo.clientId,
      AZURE_CLIENT_SECRET: sim.demo.clientSecret,
      AZURE_AUTHORITY_HOST: sim.url,
      GRAPH_BASE_URL: sim.url,
    });
    other = sim.control.addTenant({ displayName: 'Elsewhere' });
    otherAdmin = sim.control.addAdmin(other.id);
  });
  afterAll(() => sim?.close());

  /** Signs in at the simulator as `userId` in `tenant` and redeems the code; returns the token response. */
  async function tokensFor(
    tenant: string,
    userId: string,
    nonce: string,
    clientId = sim.demo.clientId,
    secret = sim.demo.clientSecret,
  ) {
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(`${sim.url}/${tenant}/oauth2/v2.0/authorize`);
    const fields = {
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid profile',
      state: 's',
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      user: userId,
    };
    const picked = await fetch(authorize, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
    const code = new URL(picked.headers.get('location')!).searchParams.get('code')!;
    const token = await fetch(`${sim.url}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: clientId,
        client_secret: secret,
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }),
    });
    return (await token.json()) as { id_token: string; access_token: string };
  }

  const demoAdmin = () => sim.control.tenant(sim.demo.tenantId).activeUser(sim.demo.adminUpn!)!.id;

  it('accepts the admin’s token for the requested tenant (by GUID and by domain)', async () => {
    const { id_token } = await tokensFor(sim.demo.tenantId, demoAdmin(), 'nonce-1');
    for (const tenantRef of [sim.demo.tenantId, sim.demo.domain]) {
      const claims = await validateIdToken(config, { idToken: id_token, tenantRef, nonceHash: hashSecret('nonce-1') });
      expect(claims).toMatchObject({ tid: sim.demo.tenantId, preferred_username: sim.demo.adminUpn });
    }
  });

  it('refuses a token of another tenant than the requested one', async () => {
    const { id_token } = await tokensFor(other.id, otherAdmin.id, 'nonce-2');
    await expect(
      validateIdToken(config, { idToken: id_token, tenantRef: sim.demo.tenantId, nonceHash: hashSecret('nonce-2') }),
    ).rejects.toMatchObject({
      kind: 'wrong_tenant',
      message: `you signed in to tenant ${other.id}, but this connection is for tenant ${sim.demo.tenantId}: sign in with an admin account of that tenant`,
    });
    await expect(
      validateIdToken(config, { idToken: id_token, tenantRef: sim.demo.domain, nonceHash: hashSecret('nonce-2') }),
    ).rejects.toMatchObject({ kind: 'wrong_tenant' });
  });

  it('refuses another attempt’s nonce, another app’s token and a tampered signature', async () => {
    const { id_token } = await tokensFor(sim.demo.tenantId, demoAdmin(), 'nonce-3');
    await expect(
      validateIdToken(config, {
        idToken: id_token,
        tenantRef: sim.demo.tenantId,
        nonceHash: hashSecret('nonce-other'),
      }),
    ).rejects.toThrow(/nonce mismatch/);

    const app = sim.control.registerApp({ displayName: 'Someone else' });
    const foreign = await tokensFor(sim.demo.tenantId, demoAdmin(), 'nonce-4', app.clientId, app.clientSecret);
    await expect(
      validateIdToken(config, {
        idToken: foreign.id_token,
        tenantRef: sim.demo.tenantId,
        nonceHash: hashSecret('nonce-4'),
      }),
    ).rejects.toThrow(/"aud"/);

    const [header, payload, signature] = id_token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, tid: other.id })).toString('base64url')}.${signature}`;
    await expect(
      validateIdToken(config, { idToken: forged, tenantRef: other.id, nonceHash: hashSecret('nonce-3') }),
    ).rejects.toThrow(/signature/);
  });

  it('reads the role from wids, and through Graph /me when the token has none', async () => {
    const admin = await tokensFor(sim.demo.tenantId, demoAdmin(), 'n');
    const adminClaims = await validateIdToken(config, {
      idToken: admin.id_token,
      tenantRef: sim.demo.tenantId,
      nonceHash: hashSecret('n'),
    });
    expect(await adminRoleOf(config, adminClaims, admin.access_token)).toBe('Global Administrator');
    expect(await adminRoleOf(config, { ...adminClaims, wids: undefined }, admin.access_token)).toBe(
      'Global Administrator',
    );
    const user = sim.control.tenant(sim.demo.tenantId).activeUser(sim.demo.userUpn!)!;
    const plain = await tokensFor(sim.demo.tenantId, user.id, 'n');
    const plainClaims = await validateIdToken(config, {
      idToken: plain.id_token,
      tenantRef: sim.demo.tenantId,
      nonceHash: hashSecret('n'),
    });
    expect(await adminRoleOf(config, plainClaims, plain.access_token)).toBeNull();
    expect(await adminRoleOf(config, { ...plainClaims, wids: undefined }, plain.access_token)).toBeNull();
  });
});
