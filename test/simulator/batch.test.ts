import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { accessToken, connect, graph, startTestSimulator } from './helpers.js';

let sim: Simulator;
let token: string;
const allStaff = () => sim.demo.groups[0]!.id;

beforeAll(async () => {
  sim = await startTestSimulator({ users: 50 });
  token = await accessToken(sim);
});
afterAll(() => sim.close());

const batch = (requests: unknown[]) => graph(sim, '$batch', { token, method: 'POST', body: { requests } });

describe('$batch', () => {
  it('runs each request with its own status and headers; the outer answer is 200', async () => {
    const answer = await batch([
      { id: '1', method: 'GET', url: '/organization?$select=id' },
      {
        id: '2',
        method: 'GET',
        url: `/groups/${allStaff()}/transitiveMembers/microsoft.graph.user?$count=true&$top=5`,
        headers: { ConsistencyLevel: 'eventual' },
      },
      { id: '3', method: 'GET', url: `groups/${allStaff()}/transitiveMembers/microsoft.graph.user` },
      { id: '4', method: 'GET', url: '/groups/6a1a5cbb-0000-4000-8000-000000000000' },
    ]);
    expect(answer.status).toBe(200);
    const byId = Object.fromEntries(answer.body.responses.map((r: any) => [r.id, r]));
    expect(byId['1']).toMatchObject({ status: 200, body: { value: [{ id: sim.demo.tenantId }] } });
    expect(byId['1'].headers['Content-Type']).toMatch(/^application\/json/);
    expect(byId['2'].status).toBe(200);
    expect(byId['2'].body['@odata.count']).toBe(50);
    expect(byId['2'].body.value).toHaveLength(5);
    expect(byId['2'].body['@odata.nextLink']).toMatch(new RegExp(`^${sim.url}/v1\\.0/groups/`));
    // Without its own ConsistencyLevel header the advanced query fails, as in Graph.
    expect(byId['3']).toMatchObject({ status: 400, body: { error: { code: 'Request_BadRequest' } } });
    expect(byId['4']).toMatchObject({ status: 404, body: { error: { code: 'Request_ResourceNotFound' } } });
  });

  it('answers 424 for a request whose dependency failed', async () => {
    const answer = await batch([
      { id: 'a', method: 'GET', url: '/groups/6a1a5cbb-0000-4000-8000-000000000000' },
      { id: 'b', method: 'GET', url: '/organization', dependsOn: ['a'] },
      { id: 'c', method: 'GET', url: '/organization' },
      { id: 'd', method: 'GET', url: '/organization', dependsOn: ['c'] },
    ]);
    expect(answer.body.responses.map((r: any) => [r.id, r.status])).toEqual([
      ['a', 404],
      ['b', 424],
      ['c', 200],
      ['d', 200],
    ]);
  });

  it('throttles requests inside a batch on their own', async () => {
    sim.control.clearRequests();
    sim.control.setFaults(sim.demo.tenantId, {
      throttle: { mode: 'burst', count: 1, retryAfterSeconds: 2, match: '/organization' },
    });
    try {
      const answer = await batch([
        { id: '1', method: 'GET', url: '/organization' },
        { id: '2', method: 'GET', url: '/organization' },
      ]);
      expect(answer.status).toBe(200);
      expect(answer.body.responses[0]).toMatchObject({
        status: 429,
        headers: { 'Retry-After': '2' },
        body: { error: { code: 'TooManyRequests' } },
      });
      expect(answer.body.responses[1].status).toBe(200);
      expect(sim.control.requests({ urlIncludes: '/organization' }).filter((r) => r.batchRequestId).length).toBe(2);
    } finally {
      sim.control.clearFaults();
    }
  });

  it('refuses more than 20 requests, repeated ids and absolute urls', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/organization' }));
    const tooMany = await batch(many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('BadRequest');
    expect(
      (
        await batch([
          { id: '1', method: 'GET', url: '/organization' },
          { id: '1', method: 'GET', url: '/organization' },
        ])
      ).status,
    ).toBe(400);
    const absolute = await batch([{ id: '1', method: 'GET', url: `${sim.url}/v1.0/organization` }]);
    expect(absolute.body.responses[0].status).toBe(400);
  });

  it('works through the real Graph client', async () => {
    const { client } = connect(sim);
    const answer = await client
      .api('/$batch')
      .post({ requests: [{ id: '1', method: 'GET', url: `/groups/${allStaff()}?$select=displayName` }] });
    expect(answer.responses[0].body.displayName).toBe('All Staff');
  });
});
