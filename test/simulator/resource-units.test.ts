import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { documentedLimit, ResourceUnitBudget } from '../../src/simulator/resource-budget.js';
import type { Simulator } from '../../src/simulator/server.js';
import { accessToken, eventual, graph, startTestSimulator } from './helpers.js';

/*
 * learn.microsoft.com/graph/throttling-limits, "Identity and access service limits" (microsoft-graph-docs-contrib,
 * concepts/throttling-limits.md):
 *
 *   "Throttling is based on a token bucket algorithm, which works by adding individual costs of requests. The sum
 *   of request costs is then compared against predetermined limits. Only the requests exceeding the limits are
 *   throttled. If any of the limits are exceeded, the response is `429 Too Many Requests`."
 *
 *   | Limit type | Resource unit quota | Write quota |
 *   | application+tenant pair | S: 3,500 ResourceUnits per 10 seconds  M: 5,000 ResourceUnits per 10 seconds
 *     L: 8,000 ResourceUnits per 10 seconds | 3,000 requests per 2 minutes and 30 seconds |
 *
 *   "The application + tenant pair limit varies based on the number of users in the tenant requests are run
 *   against. The tenant sizes are defined as follows: S - under 50 users, M - between 50 and 500 users, and L -
 *   above 500 users."
 *
 *   "The following table lists base request costs. Any requests not listed have a base cost of 1."
 *   | GET | `groups/{id}/members` | 3 |   | GET | `groups/{id}/transitiveMembers` | 5 |   | GET | `users` | 2 |
 *   | POST | `me/checkMemberGroups` | 4 |
 *   "Using `$select` decreases cost by 1 · Using `$expand` increases cost by 1 · Using `$top` with a value of less
 *   than 20 decreases cost by 1" — "A request cost can never be lower than 1. Any request cost that applies to a
 *   request path starting with `me/` also applies to equivalent requests starting with `users/{id |
 *   userPrincipalName}/`."
 *
 *   "x-ms-resource-unit - Indicates the resource unit used for this request." · "x-ms-throttle-scope - for example,
 *   `Tenant_Application/ReadWrite/9a3d526c-…/0785ef7c-…`" · "x-ms-throttle-information … ResourceUnitLimitExceeded"
 *
 * and learn.microsoft.com/graph/throttling: "When throttling occurs, Microsoft Graph returns HTTP status code 429
 * (Too many requests), and the requests fail. A suggested wait time is returned in the response header of the
 * failed request." (Retry-After, fractional in the doc's sample: "Retry-After: 2.128").
 */

let sim: Simulator;
let token: string;
const allStaff = () => sim.demo.groups[0]!.id;

beforeAll(async () => {
  sim = await startTestSimulator({ users: 40 });
  token = await accessToken(sim);
});
afterEach(() => sim.control.enforceResourceUnitLimits(null));
afterAll(() => sim.close());

describe('resource units per request', () => {
  it('charges the documented base costs with the $select, $expand and $top adjustments', async () => {
    const user = sim.control.transitiveUserIds(sim.demo.tenantId, allStaff())[0]!;
    const cases: [string, { method?: string; body?: unknown; headers?: Record<string, string> }, string][] = [
      [`groups/${allStaff()}/transitiveMembers`, {}, '5'],
      [`groups/${allStaff()}/transitiveMembers/microsoft.graph.user?$select=id&$top=999`, { headers: eventual }, '4'],
      [`groups/${allStaff()}/members`, {}, '3'],
      [`groups/${allStaff()}/members?$select=id&$top=5`, {}, '1'],
      ['users', {}, '2'],
      ['users?$select=id', {}, '1'],
      ['organization', {}, '1'],
      [`users/${user}/checkMemberGroups`, { method: 'POST', body: { groupIds: [allStaff()] } }, '4'],
    ];
    for (const [path, options, units] of cases) {
      const answer = await graph(sim, path, { token, ...options });
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get('x-ms-resource-unit'), path).toBe(units);
    }
  });

  it('sizes the app+tenant quota by the tenant’s users: S under 50, M 50–500, L above 500', () => {
    expect([1, 49, 50, 500, 501, 100_000].map(documentedLimit)).toEqual([3500, 3500, 5000, 5000, 8000, 8000]);
  });
});

describe('the app+tenant limit', () => {
  it('answers 429 with Retry-After once the bucket is spent, charges nothing for it, and refills over 10 s', async () => {
    // 50 units per 10 s: ten 5-unit requests empty the bucket; it refills 5 units a second.
    sim.control.enforceResourceUnitLimits({ perTenSeconds: 50 });
    const path = `groups/${allStaff()}/transitiveMembers`;
    for (let i = 0; i < 10; i++) expect((await graph(sim, path, { token })).status).toBe(200);
    const throttled = await graph(sim, path, { token });
    expect(throttled.status).toBe(429);
    expect(throttled.body.error).toMatchObject({ code: 'TooManyRequests', innerError: { status: '429' } });
    expect(throttled.headers.get('x-ms-throttle-scope')).toBe(
      `Tenant_Application/ReadWrite/${sim.demo.clientId}/${sim.demo.tenantId}`,
    );
    expect(throttled.headers.get('x-ms-throttle-information')).toBe('ResourceUnitLimitExceeded');
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(1);
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 50));
    expect((await graph(sim, path, { token })).status).toBe(200);
    expect(sim.control.resourceUnitCounts()).toEqual({ served: 11, throttled: 1 });
  });

  it('meters each app+tenant pair on its own', async () => {
    sim.control.enforceResourceUnitLimits({ perTenSeconds: 5 });
    const fabrikam = sim.control.addTenant({ displayName: 'Fabrikam', users: 3 });
    sim.control.grantConsent(fabrikam.id, sim.demo.clientId);
    const fabrikamToken = await accessToken(sim, sim.demo, fabrikam.id);
    expect((await graph(sim, `groups/${allStaff()}/transitiveMembers`, { token })).status).toBe(200);
    expect((await graph(sim, 'organization', { token })).status).toBe(429);
    expect((await graph(sim, 'organization', { token: fabrikamToken })).status).toBe(200);
  });

  it('uses the documented quota by tenant size unless one is fixed', () => {
    // the bucket itself, at one instant (no refill): how many 4-unit requests a full bucket serves
    const served = (tenantUsers: number, limits: { perTenSeconds?: number }) => {
      const budget = new ResourceUnitBudget();
      budget.enforce(limits);
      const pair = { tenantId: 't', clientId: 'c', tenantUsers };
      let n = 0;
      while (budget.charge(pair, 4, 1_000) === null) n++;
      return n;
    };
    expect(served(40, {})).toBe(875); // S: 3,500
    expect(served(400, {})).toBe(1250); // M: 5,000
    expect(served(100_000, {})).toBe(2000); // L: 8,000
    expect(served(100_000, { perTenSeconds: 3_500 })).toBe(875);
    // and it refills at the quota per 10 s: 1 s later, a tenth of it
    const budget = new ResourceUnitBudget();
    budget.enforce({});
    const pair = { tenantId: 't', clientId: 'c', tenantUsers: 40 };
    while (budget.charge(pair, 4, 1_000) === null);
    expect(budget.charge(pair, 4, 1_000)).toBeCloseTo(0.012, 3); // 4 units at 0.35 a millisecond (rounded up)
    let later = 0;
    while (budget.charge(pair, 4, 2_000) === null) later++;
    expect(later).toBe(87); // 350 units
  });

  it('can be switched on over the control API', async () => {
    const put = await fetch(`${sim.url}/_sim/resource-unit-limits`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ perTenSeconds: 1 }),
    });
    expect(put.status).toBe(200);
    expect((await graph(sim, 'organization', { token })).status).toBe(200);
    expect((await graph(sim, 'organization', { token })).status).toBe(429);
    const bad = await fetch(`${sim.url}/_sim/resource-unit-limits`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ perTenSeconds: -1 }),
    });
    expect(bad.status).toBe(400);
  });
});
