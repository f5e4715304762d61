import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import {
  accessToken,
  eventual,
  graph,
  postForm,
  requestToken,
  startTestSimulator,
  type RawResponse,
} from './helpers.js';
import { linkForm, loadFixture, shapeDifferences, type ShapeMode } from './shapes.js';

/**
 * The simulator against Microsoft's documented example responses (test/fixtures/graph-docs): same keys,
 * `@odata.*` annotations, value types and link forms. Values differ, of course.
 */
let sim: Simulator;
let token: string;
let groupId: string;
let userId: string;
const tenant = () => sim.demo.tenantId;
const isUser = (m: any) => m['@odata.type'] === '#microsoft.graph.user';

beforeAll(async () => {
  sim = await startTestSimulator({ users: 40 });
  token = await accessToken(sim);
  groupId = sim.demo.groups[0]!.id;
  userId = sim.control.transitiveUserIds(tenant(), groupId)[0]!;
});
afterAll(() => sim.close());

function expectShape(actual: unknown, fixture: string, mode: ShapeMode = 'exact', ignore: string[] = []): void {
  expect(shapeDifferences(actual, loadFixture(fixture).body, mode, ignore), fixture).toEqual([]);
}

/** One documented page whose `value` lists the item variants of several examples of the same round. */
function combined(page: string, ...itemsFrom: string[]): object {
  return { ...loadFixture(page).body, value: itemsFrom.flatMap((f) => loadFixture(f).body.value) };
}

async function get(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const answer = await graph(sim, path, { token, headers });
  return answer;
}

/** Runs a delta request to the end of its round; returns every page. */
async function deltaRound(start: string): Promise<RawResponse[]> {
  const pages = [await get(start)];
  while (pages[pages.length - 1]!.body['@odata.nextLink'])
    pages.push(await get(pages[pages.length - 1]!.body['@odata.nextLink']));
  return pages;
}

describe('directory objects', () => {
  it.each([
    ['organization-list', (): string => 'organization', 'exact', []],
    ['organization-get', (): string => `organization/${sim.demo.tenantId}`, 'exact', []],
    ['group-get.example1', (): string => `groups/${groupId}`, 'exact', []],
    ['user-get.example1', (): string => `users/${userId}`, 'exact', ['@odata.context']],
    [
      'user-get.example3-select',
      (): string => `users/${userId}?$select=displayName,givenName`,
      'subset',
      ['postalCode', 'identities', '@odata.context'],
    ],
    ['auth-v2-service.users-list', (): string => 'users', 'exact', []],
  ] as const)('%s', async (fixture, path, mode, ignore) => {
    const answer = await get(path());
    expect(answer.status).toBe(loadFixture(fixture).status ?? 200);
    expectShape(answer.body, fixture, mode, [...ignore]);
  });

  it('$select on a single object keeps Graph’s context form (…(props)/$entity)', async () => {
    const answer = await get(`users/${userId}?$select=displayName,givenName`);
    expect(answer.body['@odata.context'].split('#')[1]).toBe('users(displayName,givenName)/$entity');
    expect(loadFixture('user-get.example3-select').body['@odata.context']).toMatch(/#users\(.+\)\/\$entity$/);
  });

  it('sends the response headers the docs show for GET /users', async () => {
    const documented = loadFixture('auth-v2-service.users-list').headers;
    const answer = await get('users');
    expect(answer.headers.get('content-type')).toBe(documented['Content-Type']);
    expect(answer.headers.get('odata-version')).toBe(documented['OData-Version']);
    for (const name of ['request-id', 'client-request-id']) expect(answer.headers.get(name)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('pages /users with a nextLink that keeps $top and adds $skiptoken', async () => {
    const answer = await get('users?$top=5');
    expectShape(answer.body, 'paging.users-top5-nextlink', 'subset');
    expect(answer.body['@odata.nextLink'].startsWith(`${sim.url}/v1.0/users?`)).toBe(true);
  });
});

describe('member lists', () => {
  it.each([
    [
      'group-list-members.example1',
      (): string => `groups/${groupId}/members?$select=id,mail`,
      {},
      'subset',
      (b: any) => ({ ...b, value: b.value.filter(isUser) }),
    ],
    [
      'group-list-transitivemembers.example1',
      (): string => `groups/${groupId}/transitiveMembers?$select=id,mail`,
      {},
      'exact',
      (b: any) => ({ value: b.value.filter(isUser) }),
    ],
    [
      'group-list-transitivemembers.cast-user-filter',
      (): string => `groups/${groupId}/transitiveMembers/microsoft.graph.user?$count=true&$select=displayName,mail`,
      eventual,
      'exact',
      (b: any) => b,
    ],
    [
      'group-list-members.cast-user-search',
      (): string => `groups/${groupId}/members/microsoft.graph.user?$count=true&$select=displayName,id`,
      eventual,
      'exact',
      (b: any) => b,
    ],
  ] as const)('%s', async (fixture, path, headers, mode, pick) => {
    const answer = await get(path(), headers);
    expect(answer.status).toBe(200);
    expectShape(pick(answer.body), fixture, mode);
  });

  it('group-list-transitivemembers.cast-group (the doc’s @odata.id and organizationId are storage artefacts)', async () => {
    const answer = await get(`groups/${groupId}/transitiveMembers/microsoft.graph.group?$count=true`, eventual);
    expectShape(answer.body, 'group-list-transitivemembers.cast-group', 'subset', ['@odata.id', 'organizationId']);
    expect(answer.body['@odata.context'].split('#')[1]).toBe(
      loadFixture('group-list-transitivemembers.cast-group').body['@odata.context'].split('#')[1],
    );
  });

  it.each([
    ['group-list-members.count', (): string => `groups/${groupId}/members/$count`],
    ['group-list-transitivemembers.count', (): string => `groups/${groupId}/transitiveMembers/$count`],
    ['group-list-members.cast-user-count', (): string => `groups/${groupId}/members/microsoft.graph.user/$count`],
  ] as const)('%s answers a bare number as text/plain', async (fixture, path) => {
    const documented = loadFixture(fixture);
    const answer = await get(path(), eventual);
    expect(answer.headers.get('content-type')).toMatch(new RegExp(`^${documented.headers['Content-type']}`));
    expect(answer.text).toMatch(/^\d+$/);
    expect(documented.body).toMatch(/^\d+$/);
  });
});

describe('delta', () => {
  it('groups: first page (default properties), selected properties, a large group split over pages', async () => {
    sim.control.updateSettings({ deltaPageSize: 5 });
    try {
      const first = await get('groups/delta');
      expectShape(first.body, 'group-delta.response1-default', 'subset');
      expect(Object.keys(first.body)).toEqual(Object.keys(loadFixture('group-delta.response1-default').body));
      const selected = await get('groups/delta?$select=displayName,description,mailNickname');
      expectShape(selected.body, 'group-delta.response2-select', 'subset', ['@odata.context']);
      const large = await get(
        `groups/delta?$filter=id eq '${groupId}'&$select=displayName,description&$expand=members`,
      );
      // The doc's large-group page comes from a later round (one member removed): ours must use its item forms.
      expectShape(large.body, 'delta-query-groups.6-large-group-page1', 'ours-in-docs', ['@odata.context']);
    } finally {
      sim.control.updateSettings({ deltaPageSize: 500 });
    }
  });

  it('groups: initial round with $expand=members, final page, no change, membership changes', async () => {
    const tracked = sim.control.addGroup(tenant(), {
      displayName: 'Tracked for fidelity',
      description: 'Employees in test group 1',
    });
    sim.control.addGroup(tenant(), { displayName: 'Tracked, no members', description: 'Employees in test group 2' });
    const [a, b] = sim.control.transitiveUserIds(tenant(), groupId);
    sim.control.addMember(tenant(), tracked.id, a!);
    const initial = await deltaRound('groups/delta?$select=displayName,description&$expand=members');
    const firstPage = initial[0]!.body;
    expectShape(
      { ...firstPage, '@odata.nextLink': 'https://x/v1.0/groups/delta?$skiptoken=x', value: firstPage.value },
      'delta-query-groups.1-initial',
      'exact',
      ['@odata.deltaLink'],
    );
    expect(firstPage['@odata.context'].split('#')[1]).toBe('groups(displayName,description)');
    const last = initial[initial.length - 1]!.body;
    const finalPage = combined(
      'delta-query-groups.3-final-nextlink',
      'delta-query-groups.1-initial',
      'delta-query-groups.3-final-nextlink',
    );
    expect(shapeDifferences(last, finalPage, 'ours-in-docs', ['@odata.context'])).toEqual([]);

    const noChange = await get(last['@odata.deltaLink']);
    expectShape(noChange.body, 'delta-query-groups.4-deltalink-nochange', 'exact');

    sim.control.removeMember(tenant(), tracked.id, a!);
    sim.control.addMember(tenant(), tracked.id, b!);
    const changes = await get(noChange.body['@odata.deltaLink']);
    expectShape(changes.body, 'delta-query-groups.5-deltalink-changes', 'exact');
  });

  it('users: initial round, final page, no change, changes with @removed', async () => {
    sim.control.updateSettings({ deltaPageSize: 10 });
    try {
      const initial = await deltaRound('users/delta?$select=displayName,givenName,surname');
      expectShape(initial[0]!.body, 'delta-query-users.1-initial', 'ours-in-docs');
      expect(initial[0]!.body['@odata.context'].split('#')[1]).toBe('users(displayName,givenName,surname)');
      expectShape(initial[initial.length - 1]!.body, 'delta-query-users.3-final-nextlink', 'ours-in-docs', [
        '@odata.context',
      ]);
      const noChange = await get(initial[initial.length - 1]!.body['@odata.deltaLink']);
      expectShape(noChange.body, 'delta-query-users.4-deltalink-nochange', 'exact');
      const [renamed, deleted] = sim.control.tenant(tenant()).sortedActiveUserIds();
      sim.control.updateUser(tenant(), renamed!, {
        displayName: 'MOD Administrator',
        givenName: 'MOD',
        surname: 'Administrator',
      });
      sim.control.deleteUser(tenant(), deleted!);
      const changes = await get(noChange.body['@odata.deltaLink']);
      expectShape(changes.body, 'delta-query-users.5-deltalink-changes', 'exact');
      sim.control.restoreUser(tenant(), deleted!);
    } finally {
      sim.control.updateSettings({ deltaPageSize: 500 });
    }
  });

  it('users: default properties, and $select (Graph adds id)', async () => {
    sim.control.updateSettings({ deltaPageSize: 10 });
    try {
      expectShape((await get('users/delta')).body, 'user-delta.example1-default', 'exact');
      expectShape(
        (await get('users/delta?$select=displayName,jobTitle,mobilePhone')).body,
        'user-delta.example2-select',
        'subset',
      );
    } finally {
      sim.control.updateSettings({ deltaPageSize: 500 });
    }
  });

  it('an expired token: 410 Gone with a Location header and Graph’s error body', async () => {
    const latest = await get('users/delta?$deltatoken=latest');
    sim.control.advanceClock(8 * 24 * 60 * 60 * 1000);
    const expired = await get(latest.body['@odata.deltaLink']);
    const documented = loadFixture('delta-query-overview.410-sync-reset');
    expect(expired.status).toBe(documented.status);
    expect(Object.keys(documented.headers)).toEqual(['Location']);
    expect(expired.headers.get('location')).toMatch(/\$deltatoken=$/);
    expectShape(expired.body, 'errors.example-error-body', 'subset');
    expect(expired.body.error.code).toBe('syncStateNotFound');
  });
});

describe('errors', () => {
  it('404 follows Graph’s error body', async () => {
    expectShape((await get('groups/6a1a5cbb-0000-4000-8000-000000000000')).body, 'errors.example-error-body', 'subset');
  });

  it('403 Authorization_RequestDenied as in the $batch example', async () => {
    const app = sim.control.registerApp();
    sim.control.grantConsent(tenant(), app.clientId);
    sim.control.revokeConsent(tenant(), app.clientId);
    const answer = await graph(sim, 'organization', { token: await accessToken(sim, app) });
    const documented = loadFixture('json-batching.inner-403-authorization-requestdenied');
    expect(answer.status).toBe(documented.status);
    expectShape(answer.body, 'json-batching.inner-403-authorization-requestdenied', 'exact');
    expect(answer.body.error.code).toBe(documented.body.error.code);
    expect(answer.body.error.message).toBe(documented.body.error.message);
  });

  it.each([
    ['aad-advanced-queries.count-without-consistencylevel', (): string => `groups/${groupId}/transitiveMembers/$count`],
    ['aad-advanced-queries.search-without-consistencylevel', (): string => 'groups?$search="displayName:staff"'],
  ] as const)('%s: same code and message', async (fixture, path) => {
    const documented = loadFixture(fixture);
    const answer = await get(path());
    expect(answer.status).toBe(documented.status);
    expectShape(answer.body, fixture, 'exact');
    expect(answer.body.error.code).toBe(documented.body.error.code);
    expect(answer.body.error.message).toBe(documented.body.error.message);
  });

  it('429 follows the throttling sample, with Retry-After', async () => {
    sim.control.setFaults(tenant(), { throttle: { mode: 'burst', count: 1, retryAfterSeconds: 2.128 } });
    const answer = await get('organization');
    const documented = loadFixture('throttling.429');
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe(documented.headers['Retry-After']);
    expectShape(answer.body, 'throttling.429', 'exact');
  });

  it('$batch answers in the documented envelope', async () => {
    const answer = await graph(sim, '$batch', {
      token,
      method: 'POST',
      body: {
        requests: [
          { id: '1', method: 'GET', url: '/organization' },
          { id: '3', method: 'GET', url: '/groups/6a1a5cbb-0000-4000-8000-000000000000' },
        ],
      },
    });
    const documented = loadFixture('json-batching.response').body;
    expect(Object.keys(answer.body)).toEqual(Object.keys(documented));
    for (const response of answer.body.responses) {
      expect(Object.keys(response).sort()).toEqual(Object.keys(documented.responses[0]).sort());
      expect(response.headers['Content-Type']).toMatch(/^application\/json/);
    }
    expectShape(answer.body.responses[1].body, 'json-batching.inner-403-authorization-requestdenied', 'exact');
  });
});

describe('Entra', () => {
  it('token responses', async () => {
    const answer = await requestToken(sim);
    expectShape(answer.body, 'auth-v2-service.token-response', 'exact');
    expectShape(answer.body, 'entra.client-credentials.token-success', 'subset');
  });

  it('token error response (error_uri is what Entra adds in practice)', async () => {
    const answer = await postForm(`${sim.url}/${tenant()}/oauth2/v2.0/token`, {
      grant_type: 'client_credentials',
      client_id: sim.demo.clientId,
      client_secret: sim.demo.clientSecret,
      scope: 'https://foo.microsoft.com/.default',
    });
    const documented = loadFixture('entra.client-credentials.token-error-invalid-scope');
    expect(answer.status).toBe(documented.status);
    expectShape(answer.body, 'entra.client-credentials.token-error-invalid-scope', 'exact', ['error_uri']);
    expect(answer.body.error).toBe(documented.body.error);
    expect(answer.body.error_codes).toEqual(documented.body.error_codes);
  });

  it('OpenID configuration has every documented key', async () => {
    const answer = await fetch(`${sim.url}/${tenant()}/v2.0/.well-known/openid-configuration`);
    expectShape(await answer.json(), 'entra.openid-configuration', 'subset');
  });

  it('admin consent redirects carry the documented parameters', async () => {
    const app = sim.control.registerApp();
    const url = `${sim.url}/${tenant()}/adminconsent?client_id=${app.clientId}&state=12345&redirect_uri=${encodeURIComponent('https://localhost/myapp/permissions')}`;
    const granted = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    const documented = new URL(loadFixture('auth-v2-service.admin-consent-redirect').redirectTo!);
    expect([...granted.searchParams.keys()].sort()).toEqual([...documented.searchParams.keys()].sort());
    expect(granted.searchParams.get('admin_consent')).toBe('True');

    sim.control.setConsentMode(tenant(), 'deny');
    const denied = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    const documentedError = new URL(loadFixture('entra.admin-consent.redirects').redirectToOnError!);
    for (const key of ['error', 'error_description']) expect(denied.searchParams.has(key)).toBe(true);
    expect([...documentedError.searchParams.keys()].sort()).toEqual(['error', 'error_description']);
    sim.control.setConsentMode(tenant(), 'grant');
  });

  it('the link-form comparison itself tells different links apart', () => {
    expect(linkForm('https://a/v1.0/users?$top=5&$skiptoken=x')).toBe(
      linkForm('https://b:1/v1.0/users?$skiptoken=y&$top=9'),
    );
    expect(linkForm('https://a/v1.0/users?$top=5&$skiptoken=x')).not.toBe(
      linkForm('https://a/v1.0/users?$skiptoken=x'),
    );
    expect(shapeDifferences({ a: 1, b: 'x' }, { a: 2 }, 'exact')).toEqual(['$.b: not in the docs']);
    expect(shapeDifferences({ a: '1' }, { a: 2 }, 'subset')).toEqual(['$.a: string where the docs have number']);
  });
});
