import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../src/directory/entra/client.js';
import { estimateResourceUnits } from '../../../src/directory/entra/pacing.js';
import type { Simulator } from '../../../src/simulator/server.js';
import { accessToken, eventual, graph, startTestSimulator } from '../../simulator/helpers.js';

/*
 * The limit paced on is Graph's identity-and-access token bucket per application+tenant pair
 * (learn.microsoft.com/graph/throttling-limits: "S: 3,500 ResourceUnits per 10 seconds", costs per request in its
 * table; the simulator's enforcement of it is tested with the quotes in test/simulator/resource-units.test.ts).
 * learn.microsoft.com/graph/throttling, best practices: "Reduce the number of operations per request · Reduce the
 * frequency of calls · Avoid immediate retries, because all requests accrue against your usage limits".
 */

let sim: Simulator;
const allStaff = () => sim.demo.groups[0]!.id;
const page = () => `/groups/${allStaff()}/transitiveMembers/microsoft.graph.user?$select=id,mail&$top=999`;

beforeAll(async () => {
  sim = await startTestSimulator({ users: 40 });
});
afterEach(() => sim.control.enforceResourceUnitLimits(null));
afterAll(() => sim.close());

function client(tenantId: string, resourceUnitsPer10s: number | null) {
  return createGraphClient({
    tenantId,
    clientId: sim.demo.clientId,
    clientSecret: sim.demo.clientSecret,
    authorityHost: sim.url,
    graphBaseUrl: sim.url,
    resourceUnitsPer10s,
  }).client;
}

function readPages(c: ReturnType<typeof client>, n: number) {
  return Promise.allSettled(
    Array.from({ length: n }, () => c.api(page()).header('ConsistencyLevel', 'eventual').get()),
  );
}

describe('resource-unit estimate', () => {
  it('is what the simulator charges for the requests a sync makes', async () => {
    const token = await accessToken(sim);
    const user = sim.control.transitiveUserIds(sim.demo.tenantId, allStaff())[0]!;
    const requests: [string, string, unknown?][] = [
      ['GET', page()],
      ['GET', `/groups/${allStaff()}/transitiveMembers/microsoft.graph.user/$count`],
      ['GET', `/groups/${allStaff()}/members?$select=id`],
      ['GET', `/groups/${allStaff()}`],
      ['GET', '/users?$top=5'],
      ['GET', '/users/delta?$select=id,mail'],
      ['GET', `/groups/delta?$filter=id eq '${allStaff()}'&$select=members`],
      ['POST', `/users/${user}/checkMemberGroups`, { groupIds: [allStaff()] }],
    ];
    for (const [method, url, body] of requests) {
      const answer = await graph(sim, url, { token, method, body, headers: eventual });
      expect(answer.status, url).toBe(200);
      expect(estimateResourceUnits(method, `${sim.url}/v1.0${url}`, body), url).toBe(
        Number(answer.headers.get('x-ms-resource-unit')),
      );
    }
    // a JSON batch is metered per inner request
    const batch = { requests: requests.slice(0, 3).map(([method, url], i) => ({ id: String(i), method, url })) };
    expect(estimateResourceUnits('POST', '/v1.0/$batch', JSON.stringify(batch))).toBe(1 + 4 + 1 + 2);
  });
});

describe('pacing on the app+tenant limit', () => {
  // 400 units per 10 s in the simulator; 150 pages of 4 units = 600 units, half again what a full bucket holds.
  const quota = 400;
  const pages = 150;

  it('without pacing, the same load bounces off the limit (what the pacer prevents)', async () => {
    // a tighter quota, so that even a slow machine sends faster than it refills: 60 pages, 240 units, 100 per 10 s
    sim.control.enforceResourceUnitLimits({ perTenSeconds: 100 });
    await readPages(client(sim.demo.tenantId, null), 60);
    const { served, throttled } = sim.control.resourceUnitCounts();
    expect(throttled / (served + throttled)).toBeGreaterThan(0.1);
  });

  it('keeps 429s under 1 %, with two clients of one tenant drawing on one bucket', async () => {
    sim.control.enforceResourceUnitLimits({ perTenSeconds: quota });
    // a fresh pacer: key the tenant by its domain (the pacer of the GUID-keyed clients of other tests is not shared)
    const started = Date.now();
    const results = [
      ...(await Promise.all([
        readPages(client(sim.demo.domain, quota), pages / 2),
        readPages(client(sim.demo.domain, quota), pages / 2),
      ])),
    ].flat();
    const seconds = (Date.now() - started) / 1000;
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const { served, throttled } = sim.control.resourceUnitCounts();
    expect(throttled / (served + throttled)).toBeLessThan(0.01);
    // it waited for the units rather than being lucky: 90 % of 400 at once, the other 240 units at 36 a second
    expect(seconds).toBeGreaterThan((pages * 4 - quota * 0.9) / (quota * 0.09) - 1);
  });

  it('paces JSON batches by their inner requests (the envelope’s own units do not refund them)', async () => {
    sim.control.enforceResourceUnitLimits({ perTenSeconds: quota });
    const users = sim.control.transitiveUserIds(sim.demo.tenantId, allStaff()).slice(0, 20);
    const body = {
      requests: users.map((id, i) => ({
        id: String(i),
        method: 'POST',
        url: `/users/${id}/checkMemberGroups`,
        headers: { 'Content-Type': 'application/json' },
        body: { groupIds: [allStaff()] },
      })),
    };
    // 8 batches of 20 × 4 units (+1 each) = 648 units: beyond what the bucket holds, so the pacer must wait
    const c = client('contoso.com', quota); // the custom domain: a pacer of its own
    for (let i = 0; i < 8; i++) {
      const answer = (await c.api('/$batch').post(body)) as { responses: { status: number }[] };
      expect(answer.responses.every((r) => r.status === 200)).toBe(true);
    }
    const { served, throttled } = sim.control.resourceUnitCounts();
    expect(throttled / (served + throttled)).toBeLessThan(0.01);
  });
});
