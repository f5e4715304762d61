import { deltaPage, type DeltaPosition, type DeltaQuery } from './delta.js';
import { contextUrl, parseSelect, rejectQueryOptions, type GraphCall, type GraphResult } from './graph-call.js';
import { graphErrors, GraphHttpError } from './graph-errors.js';
import { groupSelectableProperties, userSelectableProperties } from './graph-objects.js';

/** What delta and skip tokens carry: the query (fixed at the first call, as in Graph), the log range, the position, the issue time. */
interface DeltaToken {
  k: 'delta';
  resource: DeltaQuery['resource'];
  tenant: string;
  generation: string;
  select: string[] | null;
  ids: string[] | null;
  since: number;
  upTo: number;
  /** Simulated-clock ms: tokens older than the lifetime answer 410. */
  issuedAt: number;
  position?: DeltaPosition;
}

const maxFilterIds = 50;

function parseIdFilter(filter: string | undefined): string[] | null {
  if (filter === undefined) return null;
  const clauses = filter.split(/\s+or\s+/i);
  const ids = clauses.map((clause) => /^\s*id\s+eq\s+'([0-9a-fA-F-]{36})'\s*$/.exec(clause)?.[1]?.toLowerCase());
  if (ids.some((id) => id === undefined)) {
    throw graphErrors.unsupportedQuery("Delta queries only support $filter=id eq '{id}', combined with 'or'.");
  }
  if (ids.length > maxFilterIds)
    throw graphErrors.unsupportedQuery(
      `A delta $filter may name at most ${maxFilterIds} ids; this one names ${ids.length}.`,
    );
  return ids as string[];
}

/** The query of a first delta call, and the `$select` as asked (for `@odata.context`), before `$expand=members` joins it. */
function initialQuery(
  call: GraphCall,
  resource: DeltaQuery['resource'],
): { query: DeltaQuery; asked: string[] | null } {
  rejectQueryOptions(call, ['$top', '$orderby', '$search', '$count'], 'are not supported on delta queries.');
  if (resource === 'users') rejectQueryOptions(call, ['$expand'], 'is not supported on users delta.');
  const expand = call.query.get('$expand');
  if (expand !== undefined && expand.toLowerCase() !== 'members')
    throw graphErrors.unsupportedQuery(`$expand=${expand} is not supported on groups delta (members only).`);
  const allowed =
    resource === 'users'
      ? (p: string) => userSelectableProperties.has(p)
      : (p: string) => p === 'members' || groupSelectableProperties.has(p);
  const asked = parseSelect(call, allowed, resource === 'users' ? 'microsoft.graph.user' : 'microsoft.graph.group');
  const select = asked && expand && !asked.includes('members') ? [...asked, 'members'] : asked;
  return { query: { resource, select, ids: parseIdFilter(call.query.get('$filter')) }, asked };
}

/** The initial request again, with an empty `$deltatoken`: where Graph's 410 sends a client to start over. */
function restartUrl(call: GraphCall, token: DeltaToken): string {
  const query: string[] = [];
  if (token.select) query.push(`$select=${token.select.join(',')}`);
  if (token.ids) query.push(`$filter=${encodeURIComponent(token.ids.map((id) => `id eq '${id}'`).join(' or '))}`);
  query.push('$deltatoken=');
  return `${call.origin}/v1.0/${token.resource}/delta?${query.join('&')}`;
}

function readToken(call: GraphCall, resource: DeltaQuery['resource'], raw: string): DeltaToken {
  const token = call.links.decode<DeltaToken>(raw);
  if (!token || token.k !== 'delta' || token.resource !== resource || token.tenant !== call.tenant.id) {
    throw graphErrors.badRequest('The delta token is not valid for this request.');
  }
  if (token.generation !== call.tenant.changes.generation) {
    throw new GraphHttpError(
      410,
      'resyncRequired',
      'A resync is required: the change tracking state was reset. Restart with a full synchronization.',
      {
        Location: restartUrl(call, token),
      },
    );
  }
  if (call.world.clock.now() - token.issuedAt > call.world.settings.deltaTokenLifetimeMs) {
    throw new GraphHttpError(
      410,
      'syncStateNotFound',
      'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
      {
        Location: restartUrl(call, token),
      },
    );
  }
  return token;
}

/**
 * `GET /users/delta` and `GET /groups/delta`. The first call (or an empty `$deltatoken`) starts an
 * initial round over the current state; `@odata.deltaLink` then replays the tenant's change log from
 * where that round started. `$deltatoken=latest` skips the initial round.
 */
export function delta(resource: DeltaQuery['resource']): (call: GraphCall) => GraphResult {
  return (call) => {
    const tenant = call.tenant;
    const skipToken = call.query.get('$skiptoken');
    const deltaToken = call.query.get('$deltatoken');
    let token: Omit<DeltaToken, 'issuedAt'> & { position: DeltaPosition };
    let selectInContext: string[] | null = null;

    if (skipToken !== undefined) {
      const read = readToken(call, resource, skipToken);
      if (!read.position) throw graphErrors.badRequest('The skip token is not valid for this request.');
      token = { ...read, position: read.position };
    } else if (deltaToken !== undefined && deltaToken !== '' && deltaToken.toLowerCase() !== 'latest') {
      const read = readToken(call, resource, deltaToken);
      token = { ...read, upTo: tenant.changes.sequence, position: { phase: 'replay', index: 0, member: 0 } };
    } else {
      const { query, asked } = initialQuery(call, resource);
      selectInContext = asked;
      const base = {
        k: 'delta' as const,
        resource,
        tenant: tenant.id,
        generation: tenant.changes.generation,
        select: query.select,
        ids: query.ids,
        since: 0,
        upTo: tenant.changes.sequence,
      };
      if (deltaToken?.toLowerCase() === 'latest') {
        return {
          body: {
            '@odata.context': contextUrl(call, resource),
            '@odata.deltaLink': deltaLink(call, { ...base, since: base.upTo }),
            value: [],
          },
        };
      }
      token = { ...base, position: { phase: 'initial', key: null, memberKey: null } };
    }

    const page = deltaPage(
      tenant,
      { resource, select: token.select, ids: token.ids },
      token,
      token.position,
      call.world.settings.deltaPageSize,
    );
    const body: Record<string, unknown> = { '@odata.context': contextUrl(call, resource, selectInContext) };
    if (page.next)
      body['@odata.nextLink'] = link(call, '$skiptoken', {
        ...token,
        issuedAt: call.world.clock.now(),
        position: page.next,
      });
    else body['@odata.deltaLink'] = deltaLink(call, { ...token, since: token.upTo });
    body.value = page.value;
    return { body };
  };
}

function deltaLink(
  call: GraphCall,
  token: Omit<DeltaToken, 'issuedAt' | 'position'> & { position?: DeltaPosition },
): string {
  const { position: _position, ...rest } = token;
  return link(call, '$deltatoken', { ...rest, issuedAt: call.world.clock.now() });
}

/** Delta links carry the whole query in the token, so they are just the resource plus the token. */
function link(call: GraphCall, name: '$skiptoken' | '$deltatoken', token: DeltaToken): string {
  return `${call.origin}/v1.0/${token.resource}/delta?${name}=${call.links.encode(token)}`;
}
