import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import type { ApiDeps } from '../../src/api/context.js';
import { AdminClient } from '../admin/support/admin-client.js';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, createSetup, runSetup } from '../support/sync-fixtures.js';

/**
 * One security suite for every route, generated from the route table: the routes the app registers (the
 * OpenAPI routes and the admin pages), read from the app itself. Every route must have an entry below — a new
 * route without one fails the first test — and each entry's checks run against the real stack:
 *  - JSON API: 401 without a key; 403 with the wrong kind of key (a company key on operator routes, the operator
 *    key on company routes); 403 for a company without the module on module routes; 404 for another company's
 *    connection, setup or run.
 *  - Admin pages: to sign-in without a session, and with the operator key (it gets no session); 403 for a company
 *    without the module; 404 for another company's connection, setup or run.
 * Afterwards the other company's objects are exactly as they were.
 */
type Owned = 'connection' | 'setup' | 'run' | 'target' | 'delivery' | 'apiKey';

interface ApiRule {
  /** public: no key needed; any-key: operator or company; operator; company: a company key; module: a company
   * key of a company with the directory sync module; metrics: METRICS_TOKEN or the operator key (Prometheus). */
  access: 'public' | 'any-key' | 'operator' | 'company' | 'module' | 'metrics';
  /** What `:id` names: another company's object must answer 404. */
  owned?: Owned;
  /** A valid body (so the check reaches the access decision, not the validation). */
  body?: (f: Fixtures) => unknown;
  query?: string;
}

interface AdminRule {
  /** public: answers without a session; signed-in: a company with the module signed in. */
  access: 'public' | 'signed-in';
  owned?: Owned;
}

const setupBody = (f: Fixtures) => ({
  connectionId: randomUUID(),
  customerTypeId: f.mine.customerTypeId,
  groupId: randomUUID(),
  updateExisting: true,
  deleteRemoved: false,
  matchOn: 'email',
});

const apiRules: Record<string, ApiRule> = {
  'GET /healthz': { access: 'public' },
  'GET /readyz': { access: 'public' },
  'GET /openapi.json': { access: 'public' },
  'GET /docs': { access: 'public' },
  'GET /docs/:file': { access: 'public' },
  'GET /consent/start': { access: 'public' },
  'GET /consent/callback': { access: 'public' },
  'GET /consent/signin': { access: 'public' },
  'GET /metrics': { access: 'metrics' },
  'GET /api/v1/me': { access: 'any-key' },
  'POST /api/v1/companies': { access: 'operator', body: () => ({ name: 'Security probe' }) },
  'PATCH /api/v1/companies/:id': { access: 'operator', body: () => ({ name: 'Security probe' }) },
  'POST /api/v1/companies/:id/api-keys': { access: 'operator', body: () => ({ name: 'probe' }) },
  'GET /api/v1/companies/:id/api-keys': { access: 'operator' },
  'DELETE /api/v1/companies/:id/api-keys/:keyId': { access: 'operator' },
  'GET /api/v1/tenant-shares/:tenantId': { access: 'operator' },
  'PUT /api/v1/tenant-shares/:tenantId': {
    access: 'operator',
    body: (f) => ({ companyIds: [f.mine.companyId, f.noModule.companyId] }),
  },
  'DELETE /api/v1/tenant-shares/:tenantId': { access: 'operator' },
  'GET /api/v1/customer-types': { access: 'company' },
  'POST /api/v1/customer-types': { access: 'company', body: () => ({ name: 'Probe' }) },
  'GET /api/v1/users': { access: 'company' },
  'POST /api/v1/connections': { access: 'module', body: () => ({ provider: 'azure', tenantId: randomUUID() }) },
  'GET /api/v1/connections': { access: 'module' },
  'GET /api/v1/connections/:id': { access: 'module', owned: 'connection' },
  'DELETE /api/v1/connections/:id': { access: 'module', owned: 'connection' },
  'POST /api/v1/connections/:id/consent': { access: 'module', owned: 'connection' },
  'POST /api/v1/connections/:id/check': { access: 'module', owned: 'connection' },
  'GET /api/v1/connections/:id/groups': { access: 'module', owned: 'connection', query: '?search=Staff' },
  'POST /api/v1/connections/:id/scope-test': {
    access: 'module',
    owned: 'connection',
    body: () => ({ groupId: randomUUID(), ldapFilter: '(department=Sales)' }),
  },
  'POST /api/v1/setups': { access: 'module', body: setupBody },
  'GET /api/v1/setups': { access: 'module' },
  'GET /api/v1/setups/:id': { access: 'module', owned: 'setup' },
  'PATCH /api/v1/setups/:id': {
    access: 'module',
    owned: 'setup',
    body: () => ({ enabled: false, deleteRemoved: true }),
  },
  'DELETE /api/v1/setups/:id': { access: 'module', owned: 'setup' },
  'POST /api/v1/setups/:id/pause': { access: 'module', owned: 'setup' },
  'POST /api/v1/setups/:id/resume': { access: 'module', owned: 'setup' },
  'POST /api/v1/setups/:id/runs': { access: 'module', owned: 'setup', body: () => ({ dryRun: false }) },
  'POST /api/v1/setups/:id/mapping-preview': {
    access: 'module',
    owned: 'setup',
    body: () => ({ mapping: { employeeId: { attribute: 'employeeId' } } }),
  },
  'GET /api/v1/setups/:id/runs': { access: 'module', owned: 'setup' },
  'GET /api/v1/runs/:id': { access: 'module', owned: 'run' },
  'GET /api/v1/runs/:id/changes': { access: 'module', owned: 'run' },
  'POST /api/v1/runs/:id/approve-removals': { access: 'module', owned: 'run' },
  'POST /api/v1/runs/:id/reject-removals': { access: 'module', owned: 'run' },
  'GET /api/v1/events': { access: 'module' },
  'POST /api/v1/notification-targets': {
    access: 'module',
    body: () => ({ kind: 'email', name: 'Probe', emails: ['probe@example.com'] }),
  },
  'GET /api/v1/notification-targets': { access: 'module' },
  'DELETE /api/v1/notification-targets/:id': { access: 'module', owned: 'target' },
  'POST /api/v1/notification-targets/:id/test': { access: 'module', owned: 'target' },
  'GET /api/v1/notification-deliveries': { access: 'module' },
  'GET /api/v1/notification-deliveries/:id': { access: 'module', owned: 'delivery' },
};

const adminRules: Record<string, AdminRule> = {
  'GET /admin/assets/:name': { access: 'public' },
  'GET /admin/sign-in': { access: 'public' },
  'POST /admin/sign-in': { access: 'public' },
  'POST /admin/sign-out': { access: 'public' },
  'GET /admin': { access: 'signed-in' },
  'GET /admin/system': { access: 'signed-in' },
  'GET /admin/system/new': { access: 'signed-in' },
  'POST /admin/system/connections': { access: 'signed-in' },
  'POST /admin/system/connections/:id/consent': { access: 'signed-in', owned: 'connection' },
  'POST /admin/system/connections/:id/delete': { access: 'signed-in', owned: 'connection' },
  'POST /admin/system/ldap-connections': { access: 'signed-in' },
  'POST /admin/system/connections/:id/check': { access: 'signed-in', owned: 'connection' },
  'GET /admin/system/api-keys': { access: 'signed-in' },
  'POST /admin/system/api-keys/:id/revoke': { access: 'signed-in', owned: 'apiKey' },
  'GET /admin/setup': { access: 'signed-in' },
  'POST /admin/customer-types': { access: 'signed-in' },
  'GET /admin/setup/new': { access: 'signed-in' },
  'POST /admin/setup': { access: 'signed-in' },
  'GET /admin/setup/:id/edit': { access: 'signed-in', owned: 'setup' },
  'POST /admin/setup/:id/edit': { access: 'signed-in', owned: 'setup' },
  'POST /admin/setup/:id/run': { access: 'signed-in', owned: 'setup' },
  'POST /admin/setup/:id/preview': { access: 'signed-in', owned: 'setup' },
  'POST /admin/setup/:id/pause': { access: 'signed-in', owned: 'setup' },
  'POST /admin/setup/:id/resume': { access: 'signed-in', owned: 'setup' },
  'POST /admin/setup/:id/delete': { access: 'signed-in', owned: 'setup' },
  'GET /admin/setup/:id/runs': { access: 'signed-in', owned: 'setup' },
  'GET /admin/runs/:id': { access: 'signed-in', owned: 'run' },
  'GET /admin/runs/:id/progress': { access: 'signed-in', owned: 'run' },
  'POST /admin/runs/:id/approve': { access: 'signed-in', owned: 'run' },
  'POST /admin/runs/:id/reject': { access: 'signed-in', owned: 'run' },
  'GET /admin/users': { access: 'signed-in' },
  'GET /admin/notifications': { access: 'signed-in' },
  'POST /admin/notifications/targets': { access: 'signed-in' },
  'POST /admin/notifications/targets/:id/test': { access: 'signed-in', owned: 'target' },
  'POST /admin/notifications/targets/:id/delete': { access: 'signed-in', owned: 'target' },
};

/** The route table: every method and path the app registers (middleware and catch-alls, method ALL, aside). */
function routeTable(): string[] {
  // Building the app does no I/O; its deps are only used by requests.
  const app = createApp({} as ApiDeps);
  return [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
}

const routes = routeTable();
const apiRoutes = routes.filter((r) => !r.split(' ')[1]!.startsWith('/admin'));
const adminRoutes = routes.filter((r) => r.split(' ')[1]!.startsWith('/admin'));

type Company = Awaited<ReturnType<typeof onboardCompany>>;
interface Fixtures {
  mine: Company;
  noModule: Company;
  theirs: Company;
  their: Record<Owned, string>;
}

let stack: TestStack;
let f: Fixtures;
let before: string;

/** The other company's objects as stored, to show nothing a refused request touched has changed. */
async function theirObjects(): Promise<string> {
  const [connections, setups, runs] = await Promise.all([
    stack.db
      .selectFrom('directory_connections')
      .selectAll()
      .where('company_id', '=', f.theirs.companyId)
      .orderBy('id')
      .execute(),
    stack.db.selectFrom('sync_setups').selectAll().where('company_id', '=', f.theirs.companyId).orderBy('id').execute(),
    stack.db.selectFrom('sync_runs').selectAll().where('company_id', '=', f.theirs.companyId).orderBy('id').execute(),
  ]);
  return JSON.stringify({ connections, setups, runs });
}

beforeAll(async () => {
  stack = await startTestStack();
  const [mine, noModule, theirs] = await Promise.all([
    onboardCompany(stack, { name: 'Mine' }),
    onboardCompany(stack, { name: 'No module', directorySync: false }),
    onboardCompany(stack, { name: 'Theirs' }),
  ]);
  const { tenantId, connectionId } = await connectNewTenant(stack, theirs, 'Their Tenant');
  const group = stack.sim.control.addGroup(tenantId, {
    displayName: 'Staff',
    members: [addPerson(stack, tenantId).id],
  });
  const setupId = (await createSetup(stack, theirs, connectionId, group.id)).id;
  const runId = (await runSetup(stack, theirs, setupId)).id;
  const target = await (
    await stack.call('POST', '/api/v1/notification-targets', {
      key: theirs.key,
      body: { kind: 'email', name: 'Their inbox', emails: ['it@their.example'] },
    })
  ).json();
  const delivery = await (
    await stack.call('POST', `/api/v1/notification-targets/${target.id}/test`, { key: theirs.key })
  ).json();
  const keys = await (
    await stack.call('GET', `/api/v1/companies/${theirs.companyId}/api-keys`, { key: stack.operatorKey })
  ).json();
  f = {
    mine,
    noModule,
    theirs,
    their: {
      connection: connectionId,
      setup: setupId,
      run: runId,
      target: target.id,
      delivery: delivery.deliveryId,
      apiKey: keys.items[0].id,
    },
  };
  before = await theirObjects();
});
afterAll(() => stack?.close());

/** The path with its parameters filled: `:id` is the other company's object (or the caller's own company). */
function pathOf(route: string, owned: Owned | undefined): string {
  const path = route.split(' ')[1]!;
  return path
    .replace(':id', owned ? f.their[owned] : f.mine.companyId)
    .replace(':name', 'admin.css')
    .replace(':file', 'swagger-ui.css')
    .replace(':keyId', randomUUID())
    .replace(':tenantId', randomUUID());
}

function apiCall(route: string, key: string | undefined) {
  const rule = apiRules[route]!;
  return stack.call(route.split(' ')[0]!, `${pathOf(route, rule.owned)}${rule.query ?? ''}`, {
    key,
    body: rule.body?.(f),
  });
}

async function errorOf(response: Response): Promise<{ status: number; code?: string }> {
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code };
}

describe('the route table', () => {
  it('has an expectation for every route the app registers, and no expectation for a route that is gone', () => {
    expect(apiRoutes.length).toBeGreaterThan(20);
    expect(adminRoutes.length).toBeGreaterThan(20);
    expect([...apiRoutes].sort()).toEqual(Object.keys(apiRules).sort());
    expect([...adminRoutes].sort()).toEqual(Object.keys(adminRules).sort());
  });
});

describe('JSON API: every route', () => {
  it.each(apiRoutes.filter((r) => apiRules[r]?.access === 'public'))('%s answers without a key', async (route) => {
    expect([401, 403]).not.toContain((await apiCall(route, undefined)).status);
  });

  it.each(apiRoutes.filter((r) => apiRules[r]?.access === 'metrics'))(
    '%s: 401 without a key, 403 with a wrong or a company key, 200 with the operator key',
    async (route) => {
      expect(await errorOf(await apiCall(route, undefined))).toEqual({ status: 401, code: 'unauthorized' });
      expect(await errorOf(await apiCall(route, 'dsk_not-a-real-key'))).toEqual({ status: 403, code: 'forbidden' });
      expect(await errorOf(await apiCall(route, f.mine.key))).toEqual({ status: 403, code: 'forbidden' });
      expect((await apiCall(route, stack.operatorKey)).status).toBe(200);
    },
  );

  it.each(apiRoutes.filter((r) => apiRules[r] && !['public', 'metrics'].includes(apiRules[r].access)))(
    '%s: 401 without a key, or with a wrong one',
    async (route) => {
      expect(await errorOf(await apiCall(route, undefined))).toEqual({ status: 401, code: 'unauthorized' });
      expect(await errorOf(await apiCall(route, 'dsk_not-a-real-key'))).toEqual({
        status: 401,
        code: 'invalid_api_key',
      });
    },
  );

  it.each(apiRoutes.filter((r) => apiRules[r]?.access === 'operator'))('%s: 403 with a company key', async (route) => {
    expect(await errorOf(await apiCall(route, f.mine.key))).toEqual({ status: 403, code: 'forbidden' });
  });

  it.each(apiRoutes.filter((r) => ['company', 'module'].includes(apiRules[r]?.access ?? '')))(
    '%s: 403 with the operator key',
    async (route) => {
      expect(await errorOf(await apiCall(route, stack.operatorKey))).toEqual({ status: 403, code: 'forbidden' });
    },
  );

  it.each(apiRoutes.filter((r) => apiRules[r]?.access === 'module'))(
    '%s: 403 for a company without the module',
    async (route) => {
      expect(await errorOf(await apiCall(route, f.noModule.key))).toEqual({ status: 403, code: 'module_not_enabled' });
    },
  );

  it.each(apiRoutes.filter((r) => apiRules[r]?.owned))('%s: 404 for another company’s object', async (route) => {
    expect(await errorOf(await apiCall(route, f.mine.key))).toEqual({ status: 404, code: 'not_found' });
  });
});

describe('admin pages: every route', () => {
  const anonymous = () => new AdminClient(stack.app);
  const signedIn = async (company: Company) => {
    const client = new AdminClient(stack.app);
    await client.signIn(company.key);
    return client;
  };
  /** A page or a form post, with the session's CSRF token (a refusal for a missing token is not the point here). */
  async function visit(client: AdminClient, route: string): Promise<Response> {
    const [method] = route.split(' ');
    const path = pathOf(route, adminRules[route]!.owned);
    if (method === 'GET') return (await client.page(path)).response;
    if (!client.csrf) await client.page('/admin/sign-in');
    return client.post(path);
  }
  const toSignIn = (response: Response) => ({
    status: response.status,
    toSignIn: response.headers.get('location')?.startsWith('/admin/sign-in?next=') ?? false,
  });

  it.each(adminRoutes.filter((r) => adminRules[r]?.access === 'public'))(
    '%s answers without a session',
    async (route) => {
      const response = await visit(anonymous(), route);
      expect(toSignIn(response).toSignIn).toBe(false);
      expect(response.status).toBeLessThan(500);
    },
  );

  it.each(adminRoutes.filter((r) => adminRules[r]?.access === 'signed-in'))(
    '%s: to sign-in without a session and with the operator key',
    async (route) => {
      expect(toSignIn(await visit(anonymous(), route))).toEqual({ status: 303, toSignIn: true });
      const operator = anonymous();
      await operator.signIn(stack.operatorKey); // refused: the operator key is not a company's
      expect(toSignIn(await visit(operator, route))).toEqual({ status: 303, toSignIn: true });
    },
  );

  it.each(adminRoutes.filter((r) => adminRules[r]?.access === 'signed-in'))(
    '%s: 403 for a company without the module',
    async (route) => {
      expect((await visit(await signedIn(f.noModule), route)).status).toBe(403);
    },
  );

  it.each(adminRoutes.filter((r) => adminRules[r]?.owned))('%s: 404 for another company’s object', async (route) => {
    expect((await visit(await signedIn(f.mine), route)).status).toBe(404);
  });
});

describe('after every refusal', () => {
  it('the other company’s connection, setup and run are as they were', async () => {
    expect(await theirObjects()).toBe(before);
  });
});
