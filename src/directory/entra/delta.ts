import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import { checkedLink } from './links.js';
import { recordFailedRequest } from './errors.js';
import { reportDirectoryRetry } from '../retry-observer.js';

/**
 * Graph delta queries (users and groups). Query parameters are fixed by the first call and carried inside the
 * opaque tokens, so a stored link is all that is needed to resume. `$deltatoken=latest` yields a "from now on"
 * link without reading the current state (we read that ourselves, with transitiveMembers).
 */
export interface DeltaPage {
  value: Record<string, unknown>[];
  nextLink: string | null;
  deltaLink: string | null;
}

/** Follows a delta link (or a first request) through its nextLinks to the new deltaLink, page by page. */
export async function* pageDelta(client: Client, url: string): AsyncGenerator<DeltaPage> {
  // A stored link is absolute (Graph's own); a first request is a path of ours.
  let next: string | null = /^[a-z][a-z0-9+.-]*:/i.test(url) ? checkedLink(client, url) : url;
  while (next) {
    const response = (await client.api(next).get()) as {
      value?: Record<string, unknown>[];
      '@odata.nextLink'?: string;
      '@odata.deltaLink'?: string;
    };
    // Both links are checked before they are followed or stored as the next delta state.
    const page: DeltaPage = {
      value: response.value ?? [],
      nextLink: checkedLink(client, response['@odata.nextLink']),
      deltaLink: checkedLink(client, response['@odata.deltaLink']),
    };
    yield page;
    next = page.nextLink;
  }
}

/** `/groups/delta` accepts at most 50 ids in `$filter=id eq '…' or …`. */
export const groupDeltaFilterLimit = 50;

function idFilter(ids: readonly string[]): string {
  return ids.map((id) => `id eq '${id.replace(/'/g, "''")}'`).join(' or ');
}

export async function latestDeltaLink(
  client: Client,
  resource: 'users' | 'groups',
  options: { select: readonly string[]; ids?: readonly string[] },
): Promise<string> {
  let request = client.api(`/${resource}/delta`).select(options.select.join(',')).query({ $deltatoken: 'latest' });
  if (options.ids?.length) request = request.filter(idFilter(options.ids));
  const response = (await request.get()) as { '@odata.deltaLink'?: string };
  const link = checkedLink(client, response['@odata.deltaLink']);
  if (!link) throw new Error(`/${resource}/delta with $deltatoken=latest returned no deltaLink`);
  return link;
}

/** The ids of every group nested (at any depth) in a group. */
export async function nestedGroupIds(client: Client, groupId: string): Promise<string[]> {
  const ids: string[] = [];
  let url: string | null =
    `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.group?$select=id&$top=999&$count=true`;
  while (url) {
    const response = (await client.api(url).headers({ ConsistencyLevel: 'eventual' }).get()) as {
      value?: { id: string }[];
      '@odata.nextLink'?: string;
    };
    ids.push(...(response.value ?? []).map((g) => g.id));
    url = checkedLink(client, response['@odata.nextLink']);
  }
  return ids;
}

export interface MembershipCheck {
  /** Still (transitively) members of the group: not removed after all. */
  still: Set<string>;
  /** Their user object is gone (checkMemberGroups answered 404): deleted in Entra, soft or hard. */
  gone: Set<string>;
}

/** Graph's limit of requests in one JSON batch. */
export const batchLimit = 20;
/** $batch calls in flight at once. */
const batchConcurrency = 4;
/** How many times an inner request throttled (429) or unavailable (503/504) is sent again. */
const innerRetries = 8;

interface BatchAnswer {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: { value?: string[]; error?: { code?: string; message?: string } };
}

/**
 * Which of these users are still (transitively) members of the group, and which no longer exist: one
 * `POST /users/{id}/checkMemberGroups` per user, 20 to a `$batch` (1,000 removed members cost 50 calls).
 * Each inner answer has its own status: a 404 is about that *user* (deleted in Entra), never the group; a 429 or
 * 503 inside the batch is sent again after its own Retry-After (the Graph client's retry handler sees only the
 * outer 200); anything else fails the read with Graph's answer and the inner request.
 */
export async function stillMembers(
  client: Client,
  groupId: string,
  userIds: readonly string[],
  options: { sleep?: (ms: number) => Promise<void> } = {},
): Promise<MembershipCheck> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const result: MembershipCheck = { still: new Set(), gone: new Set() };
  const wanted = groupId.toLowerCase();
  const chunks: string[][] = [];
  for (let i = 0; i < userIds.length; i += batchLimit) chunks.push(userIds.slice(i, i + batchLimit));
  // a few batches in flight at once: 1,000 changed users are 50 batches, not 50 round trips one after the other
  const checkChunk = async (chunk: string[]) => {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const requests = pending.map((userId, index) => ({
        id: String(index + 1),
        method: 'POST',
        url: `/users/${encodeURIComponent(userId)}/checkMemberGroups`,
        headers: { 'Content-Type': 'application/json' },
        body: { groupIds: [groupId] },
      }));
      const response = (await client.api('/$batch').post({ requests })) as { responses?: BatchAnswer[] };
      const answers = new Map((response.responses ?? []).map((a) => [a.id, a]));
      const retry: string[] = [];
      let waitMs = 0;
      for (const [index, userId] of pending.entries()) {
        const answer = answers.get(String(index + 1));
        const request = requests[index]!;
        if (!answer)
          throw batchError(
            500,
            'BatchResponseMissing',
            `the $batch answer has no response for request ${request.id}`,
            request.url,
          );
        if (answer.status === 200) {
          if ((answer.body?.value ?? []).some((v) => v.toLowerCase() === wanted)) result.still.add(userId);
        } else if (answer.status === 404) {
          result.gone.add(userId);
        } else if (
          (answer.status === 429 || answer.status === 503 || answer.status === 504) &&
          attempt < innerRetries
        ) {
          retry.push(userId);
          waitMs = Math.max(waitMs, innerRetryDelayMs(answer, attempt));
        } else {
          throw batchError(
            answer.status,
            answer.body?.error?.code ?? '',
            answer.body?.error?.message ?? `status ${answer.status}`,
            request.url,
          );
        }
      }
      if (retry.length > 0) {
        const reason = `Microsoft Graph answered ${retry.length} of ${pending.length} requests in a $batch with 429/503 (POST /users/{id}/checkMemberGroups)`;
        reportDirectoryRetry({ attempt: attempt + 1, reason, nextAttemptAt: new Date(Date.now() + waitMs) });
        await sleep(waitMs);
      }
      pending = retry;
    }
  };
  let next = 0;
  const worker = async () => {
    for (let chunk = chunks[next++]; chunk; chunk = chunks[next++]) await checkChunk(chunk);
  };
  await Promise.all(Array.from({ length: Math.min(batchConcurrency, chunks.length) }, worker));
  return result;
}

function innerRetryDelayMs(answer: BatchAnswer, attempt: number): number {
  const header = Object.entries(answer.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  const seconds = header === undefined ? NaN : Number(header);
  if (Number.isFinite(seconds)) return Math.min(180, Math.max(0, seconds)) * 1000;
  return Math.min(60_000, 1000 * 2 ** attempt);
}

/** An inner request's failure, shaped like the Graph client's own errors so classifyGraphError reads it the same way. */
function batchError(status: number, code: string, message: string, url: string): GraphError {
  const error = new GraphError(status, message);
  error.code = code || null;
  error.headers = new Headers();
  recordFailedRequest(error.headers, 'POST', `/v1.0${url}`);
  return error;
}

export function isGroupMemberRemoved(member: Record<string, unknown>): boolean {
  return member['@removed'] !== undefined;
}

export function isGroupObject(member: Record<string, unknown>): boolean {
  return String(member['@odata.type'] ?? '')
    .toLowerCase()
    .endsWith('.group');
}
