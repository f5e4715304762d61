import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GraphPermission } from './apps.js';
import type { FaultDecision } from './faults.js';
import { odataJsonContentType, type GraphCall, type GraphResult } from './graph-call.js';
import { batch } from './graph-batch.js';
import { delta } from './graph-delta.js';
import {
  checkMemberGroups,
  getGroup,
  getManager,
  getOrganization,
  getUser,
  listGroups,
  listUsers,
} from './graph-directory.js';
import { graphErrorBody, graphErrors, GraphHttpError, throttledBody, type RequestIds } from './graph-errors.js';
import { listMembers } from './graph-members.js';
import type { RequestRecord } from './request-log.js';
import type { SimulatorRuntime } from './runtime.js';
import type { Tenant } from './tenant.js';

interface GraphRoute {
  method: 'GET' | 'POST';
  /** Lowercased segments below /v1.0; `:name` matches any segment, `:name(a|b)` only those listed. */
  pattern: string;
  /** Any one of these application permissions lets the call through; null = no check (`$batch` checks per request). */
  needs: readonly GraphPermission[] | null;
  /** Resource units Graph charges (throttling.md), reported in `x-ms-resource-unit`. */
  cost: number | ((call: GraphCall) => number);
  handler: (call: GraphCall) => GraphResult | Promise<GraphResult>;
}

const readGroups: GraphPermission[] = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'];
const readUsers: GraphPermission[] = ['User.Read.All', 'Directory.Read.All'];
const readOrganization: GraphPermission[] = ['Organization.Read.All', 'Directory.Read.All'];
const memberListCost = (call: GraphCall) => (call.params.relation === 'transitivemembers' ? 5 : 3);

/**
 * A request's resource units: the route's base cost, then the documented adjustments (throttling-limits, "other
 * factors that affect a request cost"): `$select` −1, `$expand` +1, `$top` under 20 −1, never below 1.
 */
function requestCost(route: GraphRoute, call: GraphCall): number {
  const base = typeof route.cost === 'function' ? route.cost(call) : route.cost;
  const top = Number(call.query.get('$top'));
  const adjustment =
    (call.query.has('$select') ? -1 : 0) +
    (call.query.has('$expand') ? 1 : 0) +
    (call.query.has('$top') && top < 20 ? -1 : 0);
  return Math.max(1, base + adjustment);
}
const members = 'groups/:id/:relation(members|transitivemembers)';
const cast = ':cast(microsoft.graph.user|microsoft.graph.group)';

const routes: GraphRoute[] = [
  { method: 'GET', pattern: 'organization', needs: readOrganization, cost: 1, handler: getOrganization },
  { method: 'GET', pattern: 'organization/:id', needs: readOrganization, cost: 1, handler: getOrganization },
  { method: 'GET', pattern: 'groups', needs: readGroups, cost: 1, handler: listGroups },
  { method: 'GET', pattern: 'groups/delta', needs: readGroups, cost: 1, handler: delta('groups') },
  { method: 'GET', pattern: 'groups/:id', needs: readGroups, cost: 1, handler: getGroup },
  { method: 'GET', pattern: members, needs: readGroups, cost: memberListCost, handler: listMembers },
  { method: 'GET', pattern: `${members}/:count($count)`, needs: readGroups, cost: 1, handler: listMembers },
  { method: 'GET', pattern: `${members}/${cast}`, needs: readGroups, cost: memberListCost, handler: listMembers },
  { method: 'GET', pattern: `${members}/${cast}/:count($count)`, needs: readGroups, cost: 1, handler: listMembers },
  { method: 'GET', pattern: 'users', needs: readUsers, cost: 2, handler: listUsers },
  { method: 'GET', pattern: 'users/delta', needs: readUsers, cost: 1, handler: delta('users') },
  { method: 'GET', pattern: 'users/:id', needs: readUsers, cost: 1, handler: getUser },
  { method: 'GET', pattern: 'users/:id/manager', needs: readUsers, cost: 1, handler: getManager },
  // me/checkMemberGroups costs 4, and a cost for `me/` applies to `users/{id}/` alike (throttling-limits)
  { method: 'POST', pattern: 'users/:id/checkmembergroups', needs: readGroups, cost: 4, handler: checkMemberGroups },
  { method: 'POST', pattern: '$batch', needs: null, cost: 1, handler: batch },
];

/** Functions and actions may be named with or without the `microsoft.graph.` namespace and `()`: `delta()`, `microsoft.graph.delta`… */
function normalizeSegment(segment: string): string {
  const lower = decodeURIComponent(segment).toLowerCase();
  const operation = /^(?:microsoft\.graph\.)?(delta|checkmembergroups)(?:\(\))?$/.exec(lower);
  return operation ? (operation[1] as string) : lower;
}

function matchRoute(method: string, segments: string[]): { route: GraphRoute; params: Record<string, string> } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const parts = route.pattern.split('/');
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = parts.every((part, i) => {
      const segment = segments[i] as string;
      const param = /^:(\w+)(?:\((.*)\))?$/.exec(part);
      if (!param) return part === segment;
      if (param[2] !== undefined && !param[2].split('|').includes(segment)) return false;
      params[param[1] as string] = segment;
      return true;
    });
    if (ok) return { route, params };
  }
  return null;
}

export type GraphEnv = { Bindings: HttpBindings; Variables: { record: Partial<RequestRecord> } };

/** Per request: authenticate, find the endpoint, apply the tenant's faults, check permissions, answer in Graph's shapes. */
export function graphHandler(runtime: SimulatorRuntime) {
  return async (c: Context<GraphEnv>): Promise<Response> => {
    const world = runtime.world;
    const ids: RequestIds = { requestId: randomUUID(), clientRequestId: c.req.header('client-request-id') ?? '' };
    ids.clientRequestId ||= ids.requestId;
    const record = c.get('record');
    let response: Response;
    try {
      response = await handle(runtime, c, ids, record);
    } catch (error) {
      if (!(error instanceof GraphHttpError)) {
        runtime.logger?.error({ err: error }, 'simulator: unexpected error in a Graph handler');
      }
      const failure =
        error instanceof GraphHttpError
          ? error
          : new GraphHttpError(500, 'generalException', 'An unexpected error occurred in the simulator.');
      response = new Response(JSON.stringify(graphErrorBody(failure.code, failure.message, ids, world.clock.now())), {
        status: failure.status,
        headers: { 'Content-Type': 'application/json', ...failure.headers },
      });
    }
    response.headers.set('request-id', ids.requestId);
    response.headers.set('client-request-id', ids.clientRequestId);
    response.headers.set('Cache-Control', 'no-cache');
    return response;
  };
}

function authenticate(
  runtime: SimulatorRuntime,
  c: Context<GraphEnv>,
  origin: string,
): { tenant: Tenant; clientId: string; permissions: Set<string> } {
  const challenge = {
    'WWW-Authenticate': `Bearer realm="", authorization_uri="${origin}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
  };
  const fail = (message: string) => new GraphHttpError(401, 'InvalidAuthenticationToken', message, challenge);
  const header = c.req.header('authorization') ?? '';
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (!token) throw fail('Access token is empty.');
  const check = runtime.tokens.check(token);
  if (!check.ok) {
    throw fail(
      check.reason === 'expired'
        ? 'Lifetime validation failed, the token is expired.'
        : check.reason === 'malformed'
          ? 'IDX14100: JWT is not well formed, there are no dots (.).'
          : 'Access token validation failure.',
    );
  }
  const tenant = runtime.world.directory.resolve(check.claims.tid);
  if (!tenant) throw fail('Access token validation failure. The tenant in the token does not exist.');
  return { tenant, clientId: check.claims.appid, permissions: new Set(check.claims.roles) };
}

/** Graph's 429: its body, Retry-After, and the scope and reason headers (throttling-limits, throttled responses). */
function throttledResponse(
  ids: RequestIds,
  caller: { tenant: Tenant; clientId: string },
  now: number,
  retryAfterSeconds: number,
): Response {
  return new Response(JSON.stringify(throttledBody(ids, now)), {
    status: 429,
    headers: {
      'Content-Type': 'application/json',
      'Retry-After': String(retryAfterSeconds),
      'x-ms-throttle-scope': `Tenant_Application/ReadWrite/${caller.clientId}/${caller.tenant.id}`,
      'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
    },
  });
}

/** Waits out a slow fault, then answers for a fault that fires instead of the endpoint (null: go on). */
async function applyFault(
  decision: FaultDecision,
  c: Context<GraphEnv>,
  ids: RequestIds,
  caller: { tenant: Tenant; clientId: string },
  record: Partial<RequestRecord>,
  now: number,
): Promise<Response | null> {
  if (decision.delayMs > 0) await sleep(decision.delayMs);
  if (decision.action === 'pass') return null;
  if (decision.action === 'drop') {
    record.fault = 'drop';
    c.env?.incoming?.socket?.destroy();
    return new Response(null, { status: 444 });
  }
  if (decision.action === 'throttle') {
    record.fault = 'throttle';
    return throttledResponse(ids, caller, now, decision.retryAfterSeconds);
  }
  record.fault = `error ${decision.status}`;
  const codes: Record<number, string> = {
    500: 'generalException',
    502: 'badGateway',
    503: 'serviceNotAvailable',
    504: 'gatewayTimeout',
  };
  throw new GraphHttpError(
    decision.status,
    codes[decision.status] ?? 'generalException',
    'The service is temporarily unavailable. Please retry later.',
    decision.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(decision.retryAfterSeconds) },
  );
}

async function handle(
  runtime: SimulatorRuntime,
  c: Context<GraphEnv>,
  ids: RequestIds,
  record: Partial<RequestRecord>,
): Promise<Response> {
  const world = runtime.world;
  const url = new URL(c.req.url);
  const path = url.pathname.replace(/^\/v1\.0\/?/i, '');
  const caller = authenticate(runtime, c, url.origin);
  Object.assign(record, { tenantId: caller.tenant.id, clientId: caller.clientId });

  const segments = path.split('/').filter(Boolean).map(normalizeSegment);
  const matched = matchRoute(c.req.method, segments);
  if (!matched)
    throw graphErrors.noSegment(
      segments.find((s) => !['groups', 'users', 'organization'].includes(s)) ?? segments[0] ?? '',
    );

  const target = `${url.pathname}${url.search}`;
  const faulted = await applyFault(
    world.faults.decide(caller.tenant.id, target),
    c,
    ids,
    caller,
    record,
    world.clock.now(),
  );
  if (faulted) return faulted;

  const { route, params } = matched;
  const query = new Map<string, string>();
  for (const [key, value] of url.searchParams) if (!query.has(key.toLowerCase())) query.set(key.toLowerCase(), value);
  const consistencyLevel = c.req.header('consistencylevel');
  if (consistencyLevel) record.consistencyLevel = consistencyLevel;
  const call: GraphCall = {
    world,
    links: runtime.links,
    tenant: caller.tenant,
    clientId: caller.clientId,
    permissions: caller.permissions,
    method: c.req.method,
    path,
    target,
    segments,
    params,
    query,
    rawQuery: url.search.replace(/^\?/, ''),
    origin: url.origin,
    header: (name) => c.req.header(name),
    eventual: consistencyLevel?.toLowerCase() === 'eventual',
    body: () => c.req.json().catch(() => null),
    dispatch: (request) => {
      request.headers.set('x-simulator-batch', ids.requestId);
      return runtime.dispatch(request, c.env);
    },
  };
  const cost = requestCost(route, call);
  const retryAfter = world.resourceUnits.charge(
    { tenantId: caller.tenant.id, clientId: caller.clientId, tenantUsers: caller.tenant.users.size },
    cost,
  );
  if (retryAfter !== null) {
    record.fault = 'resource-unit limit';
    return throttledResponse(ids, caller, world.clock.now(), retryAfter);
  }
  if (route.needs && !route.needs.some((p) => caller.permissions.has(p))) throw graphErrors.denied();

  const result = await route.handler(call);
  world.faults.rewriteLinks(caller.tenant.id, target, result.body, url.origin);
  const contentType = result.contentType ?? odataJsonContentType;
  const body =
    typeof result.body === 'string' && !contentType.includes('json') ? result.body : JSON.stringify(result.body);
  return new Response(body, {
    status: result.status ?? 200,
    headers: {
      'Content-Type': contentType,
      'OData-Version': '4.0',
      'x-ms-resource-unit': String(cost),
      ...result.headers,
    },
  });
}
