import type { GraphPermission } from './apps.js';
import { graphErrors } from './graph-errors.js';
import type { OpaqueTokenCodec } from './opaque-token.js';
import type { Tenant } from './tenant.js';
import type { SimulatorWorld } from './world.js';

/** One authenticated Graph request, as the endpoint handlers see it. */
export interface GraphCall {
  world: SimulatorWorld;
  links: OpaqueTokenCodec;
  tenant: Tenant;
  clientId: string;
  permissions: ReadonlySet<string>;
  method: string;
  /** Path below `/v1.0/` as sent (case kept, for links) and split into lowercased segments (for matching). */
  path: string;
  /** Full path and query (`/v1.0/groups/…?$top=5`): what fault `match` texts are looked for in. */
  target: string;
  segments: string[];
  params: Record<string, string>;
  /** Query options by lowercased name, decoded; `rawQuery` is the query string as sent. */
  query: Map<string, string>;
  rawQuery: string;
  /** `https://host:port` as the client addressed us: links point back to the same place. */
  origin: string;
  header(name: string): string | undefined;
  /** `ConsistencyLevel: eventual` was sent: the advanced query capabilities are on. */
  eventual: boolean;
  body(): Promise<unknown>;
  /** Runs a request through the whole Graph pipeline again (used by `$batch`). */
  dispatch(request: Request): Promise<Response>;
}

/** What a handler answers; the pipeline adds Graph's headers and serialises. */
export interface GraphResult {
  status?: number;
  body: unknown;
  /** Defaults to Graph's OData JSON; `$count` answers text/plain. */
  contentType?: string;
  headers?: Record<string, string>;
}

export const odataJsonContentType =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export function hasAnyPermission(call: GraphCall, anyOf: readonly GraphPermission[]): boolean {
  return anyOf.some((p) => call.permissions.has(p));
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function requireObjectId(id: string): string {
  if (!guidPattern.test(id)) throw graphErrors.invalidId(id);
  return id;
}

export function parseSelect(
  call: GraphCall,
  allowed: (property: string) => boolean,
  typeName: string,
): string[] | null {
  const raw = call.query.get('$select');
  if (raw === undefined) return null;
  const properties = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const property of properties) {
    if (!allowed(property))
      throw graphErrors.badRequest(`Could not find a property named '${property}' on type '${typeName}'.`);
  }
  return properties;
}

/** Page size: `$top` 1..999, default 100 (Graph's limits for directory objects). */
export function parseTop(call: GraphCall, fallback = 100): number {
  const raw = call.query.get('$top');
  if (raw === undefined) return fallback;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > 999)
    throw graphErrors.badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`);
  return top;
}

/** `$count=true` only counts with ConsistencyLevel: eventual; without it Graph silently ignores it. */
export function wantsCount(call: GraphCall): boolean {
  return call.query.get('$count')?.toLowerCase() === 'true' && call.eventual;
}

export function rejectQueryOptions(call: GraphCall, names: readonly string[], why: string): void {
  const present = names.filter((n) => call.query.has(n));
  if (present.length > 0) throw graphErrors.unsupportedQuery(`${present.join(', ')} ${why}`);
}

export function contextUrl(call: GraphCall, fragment: string, select?: readonly string[] | null): string {
  return `${call.origin}/v1.0/$metadata#${fragment}${select ? `(${select.join(',')})` : ''}`;
}

/**
 * An absolute link back to this resource that keeps the original query (as Graph's nextLinks do) with
 * `$skiptoken`/`$deltatoken` replaced.
 */
export function linkWith(call: GraphCall, name: '$skiptoken' | '$deltatoken', token: string, path = call.path): string {
  const kept = call.rawQuery.split('&').filter((part) => part && !/^(\$|%24)(skiptoken|deltatoken)=/i.test(part));
  kept.push(`${name}=${token}`);
  return `${call.origin}/v1.0/${path}?${kept.join('&')}`;
}

/** Reads this endpoint's skip token, or null on a first page; rejects tokens minted for another resource. */
export function readSkipToken<T extends { k: string }>(call: GraphCall, kind: string): T | null {
  const raw = call.query.get('$skiptoken');
  if (raw === undefined) return null;
  const token = call.links.decode<T>(raw);
  if (!token || token.k !== kind) throw graphErrors.badRequest('The $skiptoken is not valid for this request.');
  return token;
}

/** A page of a collection in Graph's key order: context, count (first page only), nextLink, value. */
export function collectionPage(
  call: GraphCall,
  page: { context: string; total: number | null; nextLink: string | null; value: object[] },
): GraphResult {
  const body: Record<string, unknown> = { '@odata.context': page.context };
  if (page.total !== null && wantsCount(call)) body['@odata.count'] = page.total;
  if (page.nextLink) body['@odata.nextLink'] = page.nextLink;
  body.value = page.value;
  return { body };
}
