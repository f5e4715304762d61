import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyGraphError } from '../../src/directory/entra/errors.js';
import type { Simulator } from '../../src/simulator/server.js';
import { connect, graph, postForm, requestToken, startTestSimulator } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());

function decodeJwtPayload(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

describe('OpenID configuration', () => {
  it('is served per tenant, by id and by verified domain, naming the tenant id in its endpoints', async () => {
    for (const ref of [sim.demo.tenantId, sim.demo.domain, 'CONTOSO.com']) {
      const answer = await fetch(`${sim.url}/${ref}/v2.0/.well-known/openid-configuration`);
      expect(answer.status).toBe(200);
      const doc = (await answer.json()) as Record<string, string>;
      expect(doc.token_endpoint).toBe(`${sim.url}/${sim.demo.tenantId}/oauth2/v2.0/token`);
      expect(doc.issuer).toBe(`${sim.url}/${sim.demo.tenantId}/v2.0`);
      expect(doc.authorization_endpoint).toContain(sim.demo.tenantId);
      expect(doc.jwks_uri).toBe(`${sim.url}/${sim.demo.tenantId}/discovery/v2.0/keys`);
    }
  });

  it('answers an unknown tenant with 400 invalid_tenant AADSTS90002, as Entra does', async () => {
    const answer = await fetch(`${sim.url}/nowhere.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as Record<string, any>;
    expect(body.error).toBe('invalid_tenant');
    expect(body.error_codes).toEqual([90002]);
    expect(body.error_description).toMatch(/^AADSTS90002: Tenant 'nowhere.onmicrosoft.com' not found/);
  });

  it('publishes the key that verifies its access tokens', async () => {
    const keys = (await (await fetch(`${sim.url}/${sim.demo.tenantId}/discovery/v2.0/keys`)).json()) as {
      keys: { kid: string; kty: string; n: string }[];
    };
    const token = (await requestToken(sim)).body.access_token as string;
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(keys.keys.map((k) => k.kid)).toContain(header.kid);
    expect(keys.keys[0]!.kty).toBe('RSA');
  });
});

describe('client-credentials token endpoint', () => {
  it('issues a bearer token that names tenant, app, roles and issue time', async () => {
    const answer = await requestToken(sim);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const claims = decodeJwtPayload(answer.body.access_token);
    expect(claims.tid).toBe(sim.demo.tenantId);
    expect(claims.appid).toBe(sim.demo.clientId);
    expect(claims.roles).toEqual(expect.arrayContaining(['GroupMember.Read.All', 'User.Read.All']));
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(60);
    expect(claims.exp - claims.iat).toBe(3599);
  });

  it('accepts the tenant as a verified domain', async () => {
    const answer = await requestToken(sim, sim.demo, sim.demo.domain);
    expect(answer.status).toBe(200);
    expect(decodeJwtPayload(answer.body.access_token).tid).toBe(sim.demo.tenantId);
  });

  it.each([
    ['a wrong secret', { secret: 'wrong' }, 401, 'invalid_client', 7000215],
    ['an unknown app', { clientId: '0badc0de-0000-4000-8000-000000000000' }, 400, 'unauthorized_client', 700016],
    ['an unknown tenant', { tenant: '11111111-2222-4333-8444-555555555555' }, 400, 'invalid_tenant', 90002],
    [
      'a scope other than Graph .default',
      { scope: 'https://graph.microsoft.com/User.Read' },
      400,
      'invalid_scope',
      70011,
    ],
    ['another grant type', { grant: 'password' }, 400, 'unsupported_grant_type', 70003],
  ])('refuses %s with Entra’s error and AADSTS code', async (_label, change, status, error, code) => {
    const c = change as { secret?: string; clientId?: string; tenant?: string; scope?: string; grant?: string };
    const answer = await postForm(`${sim.url}/${c.tenant ?? sim.demo.tenantId}/oauth2/v2.0/token`, {
      grant_type: c.grant ?? 'client_credentials',
      client_id: c.clientId ?? sim.demo.clientId,
      client_secret: c.secret ?? sim.demo.clientSecret,
      scope: c.scope ?? 'https://graph.microsoft.com/.default',
    });
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
    expect(answer.body.error_codes).toEqual([code]);
    expect(answer.body.error_description).toMatch(
      new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: .+\\r\\nCorrelation ID: .+\\r\\nTimestamp: `),
    );
    expect(answer.body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses an app registered elsewhere but never consented in this tenant with AADSTS7000229', async () => {
    const other = sim.control.registerApp({ displayName: 'Not consented' });
    const answer = await requestToken(sim, other);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_client');
    expect(answer.body.error_codes).toEqual([7000229]);
  });

  it('issues tokens that expire after the configured lifetime (Graph then answers 401)', async () => {
    // JWT times are whole seconds (iat is the second it was issued in, exp = iat + lifetime), so a token of 2 s
    // stays valid for 1–2 s: enough for the first call on a loaded machine, where one of 1 s may already be gone
    sim.control.updateSettings({ tokenLifetimeSeconds: 2 });
    try {
      const answer = await requestToken(sim);
      expect(answer.body.expires_in).toBe(2);
      const token = answer.body.access_token as string;
      expect((await graph(sim, 'organization', { token })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const expired = await graph(sim, 'organization', { token });
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('InvalidAuthenticationToken');
      expect(expired.body.error.message).toMatch(/expired/);
    } finally {
      sim.control.updateSettings({ tokenLifetimeSeconds: 3599 });
    }
  });
});

describe('the real @azure/identity credentials against the simulator', () => {
  const options = () => ({ authorityHost: sim.url, disableInstanceDiscovery: true });

  it('ClientSecretCredential gets a token', async () => {
    const credential = new ClientSecretCredential(
      sim.demo.tenantId,
      sim.demo.clientId,
      sim.demo.clientSecret,
      options(),
    );
    const token = await credential.getToken('https://graph.microsoft.com/.default');
    expect(decodeJwtPayload(token.token).tid).toBe(sim.demo.tenantId);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
  });

  it('ClientCertificateCredential gets a token with a certificate-signed assertion', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string);
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 86_400_000);
    cert.setSubject([{ name: 'commonName', value: 'directory-sync test app' }]);
    cert.setIssuer([{ name: 'commonName', value: 'directory-sync test app' }]);
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
    const certificatePem = forge.pki.certificateToPem(cert);
    const app = sim.control.registerApp({ displayName: 'Certificate app', certificatePem });
    sim.control.grantConsent(sim.demo.tenantId, app.clientId);
    const path = join(mkdtempSync(join(tmpdir(), 'sim-cert-')), 'app.pem');
    writeFileSync(path, keyPem + certificatePem);

    const credential = new ClientCertificateCredential(
      sim.demo.tenantId,
      app.clientId,
      { certificatePath: path },
      options(),
    );
    const token = await credential.getToken('https://graph.microsoft.com/.default');
    expect(decodeJwtPayload(token.token).appid).toBe(app.clientId);

    const other = new ClientCertificateCredential(
      sim.demo.tenantId,
      sim.demo.clientId,
      { certificatePath: path },
      options(),
    );
    const refused = await other.getToken('https://graph.microsoft.com/.default').catch((e: unknown) => e);
    expect(classifyGraphError(refused)).toMatchObject({ kind: 'invalid_client', aadsts: 700027 });
  });

  it('surfaces each token failure so that the classifier names it', async () => {
    const unconsented = sim.control.registerApp();
    const cases = [
      [{ clientSecret: 'wrong' }, 'invalid_client', 7000215],
      [{ tenantId: 'nowhere.onmicrosoft.com' }, 'tenant_not_found', 90002],
      [
        { clientId: unconsented.clientId, clientSecret: unconsented.clientSecret },
        'consent_missing_or_revoked',
        7000229,
      ],
      [{ clientId: '0badc0de-0000-4000-8000-000000000000' }, 'consent_missing_or_revoked', 700016],
    ] as const;
    for (const [overrides, kind, aadsts] of cases) {
      const { credential, client } = connect(sim, overrides);
      const fromCredential = await credential.getToken('https://graph.microsoft.com/.default').catch((e: unknown) => e);
      expect(classifyGraphError(fromCredential)).toMatchObject({ kind, aadsts });
      const fromClient = await client
        .api('/organization')
        .get()
        .catch((e: unknown) => e);
      expect(classifyGraphError(fromClient)).toMatchObject({ kind, aadsts });
    }
  });
});
