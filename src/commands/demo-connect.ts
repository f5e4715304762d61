import type { Simulator } from '../simulator/server.js';
import { entraKind } from '../directory/entra/kind.js';

/**
 * `demo --connected`: the demo company's connection to the demo tenant made through the real flow, over HTTP
 * as a browser would do it — our confirm page, Microsoft's (the simulator's) admin consent, our consent callback,
 * the sign-in as the tenant's Global Administrator, our sign-in callback. Returns the connection id.
 */
export async function connectDemoTenant(input: {
  apiUrl: string;
  publicBaseUrl: string;
  companyKey: string;
  sim: Simulator;
}): Promise<string> {
  const { apiUrl, companyKey, sim } = input;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${companyKey}`, 'content-type': 'application/json', ...init.headers },
    });
  /** Our own URLs name PUBLIC_BASE_URL; this process reaches the API at apiUrl. */
  const ours = (url: string) =>
    url.startsWith(input.publicBaseUrl) ? `${apiUrl}${url.slice(input.publicBaseUrl.length)}` : url;
  const redirectOf = async (response: Response, what: string) => {
    const location = response.headers.get('location');
    if (response.status !== 302 && response.status !== 303)
      throw new Error(`${what} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    if (!location) throw new Error(`${what} redirected nowhere`);
    return new URL(location, response.url).toString();
  };
  const postForm = (url: string, fields: URLSearchParams) =>
    fetch(url, { method: 'POST', body: fields, redirect: 'manual' });

  const existing =
    (
      (await (await api('/api/v1/connections')).json()) as {
        items?: { id: string; tenantId: string; status: string }[];
      }
    ).items ?? [];
  const mine = existing.find((c) => c.tenantId === sim.demo.tenantId || c.tenantId === sim.demo.domain);
  if (mine?.status === 'connected') return mine.id;
  let connection: { id: string; consentUrl: string };
  if (mine && mine.status !== 'pending_consent' && mine.status !== 'verifying') {
    connection = (await (
      await api(`/api/v1/connections/${mine.id}/consent`, { method: 'POST' })
    ).json()) as typeof connection;
  } else {
    if (mine) await api(`/api/v1/connections/${mine.id}`, { method: 'DELETE' });
    const created = await api('/api/v1/connections', {
      method: 'POST',
      body: JSON.stringify({ provider: entraKind, tenantId: sim.demo.tenantId, designation: 'Demo' }),
    });
    if (created.status !== 201)
      throw new Error(`creating the demo connection answered ${created.status}: ${await created.text()}`);
    connection = (await created.json()) as typeof connection;
  }

  const confirm = await (await fetch(ours(connection.consentUrl))).text();
  const microsoftUrl = /id="continue-to-microsoft" href="([^"]+)"/.exec(confirm)?.[1]?.replace(/&amp;/g, '&');
  if (!microsoftUrl) throw new Error('the confirm page has no link to Microsoft');
  // the demo tenant's consent page is interactive: Accept, as the admin would click it
  const consentFields = new URL(microsoftUrl).searchParams;
  consentFields.set('decision', 'accept');
  const consentCallback = await redirectOf(await postForm(microsoftUrl, consentFields), 'the admin-consent page');
  const signInUrl = await redirectOf(
    await fetch(ours(consentCallback), { redirect: 'manual' }),
    'our consent callback',
  );
  const admin = sim.demo.adminUpn ? sim.control.tenant(sim.demo.tenantId).activeUser(sim.demo.adminUpn) : undefined;
  if (!admin) throw new Error('the demo tenant has no admin to sign in as');
  const signInFields = new URL(signInUrl).searchParams;
  signInFields.set('user', admin.id);
  const signInCallback = await redirectOf(await postForm(signInUrl, signInFields), 'the sign-in page');
  const done = new URL(
    await redirectOf(await fetch(ours(signInCallback), { redirect: 'manual' }), 'our sign-in callback'),
  );
  const status = (await (await api(`/api/v1/connections/${connection.id}`)).json()) as {
    status: string;
    statusReason: string | null;
  };
  if (status.status !== 'connected')
    throw new Error(
      `the demo connection is ${status.status} (${done.searchParams.get('notice')}): ${status.statusReason}`,
    );
  return connection.id;
}
