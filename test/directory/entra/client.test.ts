import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../src/directory/entra/client.js';
import { classifyGraphError } from '../../../src/directory/entra/errors.js';
import type { Simulator } from '../../../src/simulator/server.js';
import { startTestSimulator } from '../../simulator/helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator({ users: 10 });
});
afterAll(() => sim.close());

describe('createGraphClient', () => {
  it('talks to the configured authority and Graph host, with the bearer token attached', async () => {
    sim.control.clearRequests();
    const { client, credential } = createGraphClient({
      tenantId: sim.demo.domain,
      clientId: sim.demo.clientId,
      clientSecret: sim.demo.clientSecret,
      authorityHost: `${sim.url}/`,
      graphBaseUrl: `${sim.url}/`,
    });
    const organization = await client.api('/organization').get();
    expect(organization.value[0].id).toBe(sim.demo.tenantId);
    expect((await credential.getToken('https://graph.microsoft.com/.default'))!.token).toMatch(/^ey/);
    const urls = sim.control.requests().map((r) => `${r.method} ${r.url.split('?')[0]}`);
    // MSAL keeps the tenant as configured (here the domain) in the token endpoint it posts to.
    expect(urls).toEqual([
      `GET /${sim.demo.domain}/v2.0/.well-known/openid-configuration`,
      `POST /${sim.demo.domain}/oauth2/v2.0/token`,
      'GET /v1.0/organization',
    ]);
  });

  it('also works with the host name `localhost` (the CA certificate names it too)', async () => {
    const url = sim.url.replace('127.0.0.1', 'localhost');
    const { client } = createGraphClient({
      tenantId: sim.demo.tenantId,
      clientId: sim.demo.clientId,
      clientSecret: sim.demo.clientSecret,
      authorityHost: url,
      graphBaseUrl: url,
    });
    expect((await client.api(`/groups/${sim.demo.groups[0]!.id}`).select('displayName').get()).displayName).toBe(
      'All Staff',
    );
  });

  it('keeps instance discovery for Microsoft’s own authority (no request leaves for it here)', () => {
    const { credential } = createGraphClient({
      tenantId: sim.demo.tenantId,
      clientId: sim.demo.clientId,
      clientSecret: 'x',
      authorityHost: 'https://login.microsoftonline.com',
      graphBaseUrl: 'https://graph.microsoft.com',
    });
    expect(credential).toBeDefined();
  });

  it('needs a secret or a certificate', () => {
    expect(() =>
      createGraphClient({ tenantId: 't', clientId: 'c', authorityHost: sim.url, graphBaseUrl: sim.url }),
    ).toThrow(/clientSecret or certificatePath/);
  });

  it('turns a tenant that Entra does not know into tenant_not_found, not an outage', async () => {
    const { credential } = createGraphClient({
      tenantId: 'typo.onmicrosoft.com',
      clientId: sim.demo.clientId,
      clientSecret: sim.demo.clientSecret,
      authorityHost: sim.url,
      graphBaseUrl: sim.url,
    });
    const error = await credential.getToken('https://graph.microsoft.com/.default').catch((e: unknown) => e);
    expect(classifyGraphError(error)).toMatchObject({ kind: 'tenant_not_found', aadsts: 90002 });
  });

  it('an unreachable authority stays transient', async () => {
    const { credential } = createGraphClient({
      tenantId: sim.demo.tenantId,
      clientId: sim.demo.clientId,
      clientSecret: 'x',
      authorityHost: 'https://127.0.0.1:1',
      graphBaseUrl: sim.url,
    });
    const error = await credential.getToken('https://graph.microsoft.com/.default').catch((e: unknown) => e);
    expect(classifyGraphError(error).kind).toBe('transient');
  });
});
