import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { classifyGraphError } from '../../src/directory/entra/errors.js';
import { pageGroupUsers } from '../../src/directory/entra/members.js';
import type { Simulator } from '../../src/simulator/server.js';
import { accessToken, connect, eventual, graph, startTestSimulator } from './helpers.js';

let sim: Simulator;
let token: string;
const tenant = () => sim.demo.tenantId;
const allStaff = () => sim.demo.groups[0]!.id;

beforeAll(async () => {
  sim = await startTestSimulator({ users: 250 });
  token = await accessToken(sim);
});
afterEach(() => {
  sim.control.clearFaults();
  sim.control.clearRequests();
});
afterAll(() => sim.close());

describe('throttling', () => {
  it('burst: the next N requests get 429 with Retry-After; the real client waits and retries', async () => {
    sim.control.setFaults(tenant(), { throttle: { mode: 'burst', count: 2, retryAfterSeconds: 0.05 } });
    const { client } = connect(sim);
    const started = Date.now();
    const group = await client.api(`/groups/${allStaff()}`).get();
    expect(group.id).toBe(allStaff());
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    const statuses = sim.control.requests({ urlIncludes: '/v1.0/groups/' }).map((r) => r.status);
    expect(statuses).toEqual([429, 429, 200]);
    expect(sim.control.faults(tenant()).throttle).toMatchObject({ count: 0 });
  });

  it('answers in Graph’s 429 shape, and past the client’s retries the error classifies as throttled', async () => {
    sim.control.setFaults(tenant(), { throttle: { mode: 'burst', count: 10, retryAfterSeconds: 0.01 } });
    const raw = await graph(sim, 'organization', { token });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('0.01');
    expect(raw.body.error).toMatchObject({
      code: 'TooManyRequests',
      message: 'Please retry again later.',
      innerError: { code: '429', status: '429' },
    });
    const error = await connect(sim)
      .client.api('/organization')
      .get()
      .catch((e: unknown) => e);
    expect(classifyGraphError(error)).toMatchObject({ kind: 'throttled', status: 429, retryAfterMs: 10 });
  });

  it('rate: at most N requests per window, Retry-After until the window ends', async () => {
    sim.control.setFaults(tenant(), { throttle: { mode: 'rate', limit: 3, windowMs: 2000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await graph(sim, 'organization', { token })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const retryAfter = Number((await graph(sim, 'organization', { token })).headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(2);
  });

  it('only hits requests that match, and only the tenant it is set on', async () => {
    const fabrikam = sim.control.addTenant({ displayName: 'Fabrikam', users: 3 });
    sim.control.grantConsent(fabrikam.id, sim.demo.clientId);
    sim.control.setFaults(fabrikam.id, { throttle: { mode: 'burst', count: 5 } });
    expect((await graph(sim, 'organization', { token })).status).toBe(200);
    expect((await graph(sim, 'organization', { token: await accessToken(sim, sim.demo, fabrikam.id) })).status).toBe(
      429,
    );

    sim.control.setFaults(tenant(), { throttle: { mode: 'burst', count: 5, match: 'transitiveMembers' } });
    expect((await graph(sim, 'organization', { token })).status).toBe(200);
    expect((await graph(sim, `groups/${allStaff()}/transitiveMembers`, { token })).status).toBe(429);
  });
});

describe('server errors, slowness, dropped connections', () => {
  it('503 and 504 for the next N requests; the client retries them', async () => {
    sim.control.setFaults(tenant(), { serverErrors: { status: 504, count: 1 } });
    const raw = await graph(sim, 'organization', { token });
    expect(raw.status).toBe(504);
    expect(raw.body.error.innerError['request-id']).toBe(raw.headers.get('request-id'));

    sim.control.setFaults(tenant(), { serverErrors: { status: 503, count: 2, retryAfterSeconds: 0.02 } });
    const organization = await connect(sim).client.api('/organization').get();
    expect(organization.value[0].id).toBe(tenant());
    expect(sim.control.requests({ urlIncludes: '/v1.0/organization' }).map((r) => r.status)).toEqual([
      504, 503, 503, 200,
    ]);
  });

  it('slow responses', async () => {
    sim.control.setFaults(tenant(), { slow: { delayMs: 300, count: 1 } });
    let started = Date.now();
    expect((await graph(sim, 'organization', { token })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    started = Date.now();
    await graph(sim, 'organization', { token });
    expect(Date.now() - started).toBeLessThan(290);
  });

  it('dropped connections: the socket is destroyed, the client sees a transient failure, the next call works', async () => {
    sim.control.setFaults(tenant(), { dropConnections: { count: 1 } });
    const { client } = connect(sim);
    const error = await client
      .api('/organization')
      .get()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(classifyGraphError(error).kind).toBe('transient');
    expect((await client.api('/organization').get()).value).toHaveLength(1);
  });
});

describe('member-list faults', () => {
  it('an empty-but-200 first page: the group looks empty (count 0, no nextLink)', async () => {
    sim.control.setFaults(tenant(), { emptyMemberPages: { count: 1 } });
    const page = await graph(sim, `groups/${allStaff()}/transitiveMembers/microsoft.graph.user?$count=true`, {
      token,
      headers: eventual,
    });
    expect(page.status).toBe(200);
    expect(page.body.value).toEqual([]);
    expect(page.body['@odata.count']).toBe(0);
    expect(page.body).not.toHaveProperty('@odata.nextLink');
    const again = await graph(sim, `groups/${allStaff()}/transitiveMembers/microsoft.graph.user?$count=true`, {
      token,
      headers: eventual,
    });
    expect(again.body['@odata.count']).toBe(250);
  });

  it('empty pages that keep the nextLink: paging goes on and nothing is lost', async () => {
    sim.control.setFaults(tenant(), { emptyMemberPages: { count: 2, keepNextLink: true } });
    const pages = [];
    for await (const page of pageGroupUsers(connect(sim).client, allStaff(), { top: 100 })) pages.push(page);
    expect(pages.slice(0, 2).map((p) => p.users.length)).toEqual([0, 0]);
    expect(pages.flatMap((p) => p.users)).toHaveLength(250);
  });

  it('a vanished group answers 404 Request_ResourceNotFound until the fault is cleared', async () => {
    const engineering = sim.demo.groups[1]!.id;
    sim.control.setFaults(tenant(), { vanishedGroups: [engineering] });
    for (const path of [
      `groups/${engineering}`,
      `groups/${engineering}/members`,
      `groups/${engineering}/transitiveMembers/microsoft.graph.user`,
    ]) {
      const answer = await graph(sim, path, { token, headers: eventual });
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('Request_ResourceNotFound');
    }
    const error = await connect(sim)
      .client.api(`/groups/${engineering}`)
      .get()
      .catch((e: unknown) => e);
    expect(classifyGraphError(error)).toMatchObject({ kind: 'not_found', code: 'Request_ResourceNotFound' });
    expect((await graph(sim, `groups/${allStaff()}`, { token })).status).toBe(200);
    sim.control.clearFaults(tenant());
    expect((await graph(sim, `groups/${engineering}`, { token })).status).toBe(200);
  });
});
