/**
 * Turns whatever the Graph client or @azure/identity threw into the few cases the service acts on
 * (connection and setup states, retries). Works on the errors as they really arrive:
 * - Graph answers: `GraphError` with `statusCode` and Graph's `code` (Request_ResourceNotFound…);
 * - token failures: @azure/identity's `AuthenticationRequiredError` / `AuthenticationError` whose message
 *   (or `errorResponse`) carries Entra's AADSTS code; through the Graph client they come wrapped in a
 *   `GraphError` with `statusCode: -1`;
 * - the authority unreachable: `CredentialUnavailableError` (`endpoints_resolution_error`);
 * - the connection dropped: `TypeError: fetch failed` and friends.
 */
export type DirectoryErrorKind =
  | 'not_found'
  | 'forbidden'
  | 'consent_missing_or_revoked'
  | 'tenant_not_found'
  | 'invalid_client'
  | 'throttled'
  | 'transient'
  | 'unknown';

export interface ClassifiedError {
  kind: DirectoryErrorKind;
  message: string;
  /** HTTP status from Graph or the token endpoint, when there was one. */
  status?: number;
  /** Graph's error code (`Request_ResourceNotFound`, `syncStateNotFound`…). */
  code?: string;
  /** Entra's AADSTS number for token failures (7000215, 90002…). */
  aadsts?: number;
  /** From Retry-After, when the answer had one. */
  retryAfterMs?: number;
  /**
   * For a 404: what the call site says was not found. Only a request about the group itself means "the group
   * is gone"; a 404 on `/users/{id}` or `/users/{id}/checkMemberGroups` means the user was deleted in Entra.
   */
  notFound?: NotFoundMeaning;
  /** The request that got this answer: method and path, with delta and skip tokens left out. */
  request?: { method: string; path: string };
}

/** What a 404 means at the call site that got it. */
export type NotFoundMeaning = 'group' | 'user' | 'resource';

const notFoundMeanings = new WeakMap<object, NotFoundMeaning>();

/**
 * States what a 404 from this call means and passes the error on: `about(err, 'group')` in a catch of a request
 * about the setup's group. An error nobody described is a 404 about some 'resource', never taken for the group.
 */
export function about<E>(err: E, meaning: NotFoundMeaning): E {
  if (typeof err === 'object' && err !== null && !notFoundMeanings.has(err)) notFoundMeanings.set(err, meaning);
  return err;
}

/** Runs one Graph call whose 404 means `meaning`. */
export async function graphCall<T>(meaning: NotFoundMeaning, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw about(err, meaning);
  }
}

/** The request of each failed Graph answer, keyed by the answer's Headers (the Graph client keeps them on its error). */
const failedRequests = new WeakMap<object, { method: string; path: string }>();

/** Leaves out what must not reach a run's error or a log: delta and skip tokens (and any other query value). */
export function redactedPath(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url, 'https://graph.invalid');
  } catch {
    return '(unparseable url)';
  }
  const query = [...parsed.searchParams.keys()].map((key) =>
    /token/i.test(key) ? `${key}=…` : `${key}=${parsed.searchParams.get(key)}`,
  );
  return `${decodeURIComponent(parsed.pathname)}${query.length ? `?${query.join('&')}` : ''}`;
}

/** Called by the Graph client's request recorder (see client.ts) for every answer that is not a success. */
export function recordFailedRequest(headers: object, method: string, url: string): void {
  failedRequests.set(headers, { method: method.toUpperCase(), path: redactedPath(url) });
}

/** AADSTS codes by meaning (Entra's error-code reference and real answers). */
const tenantNotFoundCodes = new Set([90002, 900023, 90072]);
/** The app is not (or no longer) in the tenant, or has not been consented to there. */
const consentCodes = new Set([700016, 7000229, 65001, 500011, 650052, 50020]);
/** Our own credentials are wrong: bad or expired secret, missing credential, bad certificate assertion. */
const invalidClientCodes = new Set([7000215, 7000222, 7000218, 700027, 700024, 700023, 70002, 50012, 7000112]);
const transientMessage =
  /fetch failed|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|socket hang up|other side closed|terminated|network|endpoints_resolution_error|timed? ?out/i;

interface ErrorLike {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  headers?: { get?(name: string): string | null } | Record<string, string>;
  errorResponse?: { error?: string; errorCodes?: number[]; errorDescription?: string };
  cause?: unknown;
}

function aadstsCode(error: ErrorLike): number | undefined {
  const fromResponse = error.errorResponse?.errorCodes?.[0];
  if (typeof fromResponse === 'number') return fromResponse;
  const text = `${error.message ?? ''} ${error.errorResponse?.errorDescription ?? ''}`;
  const match = /AADSTS(\d+)/.exec(text) ?? /Error\(s\):\s*(\d+)/.exec(text);
  return match ? Number(match[1]) : undefined;
}

function retryAfterMs(error: ErrorLike): number | undefined {
  const headers = error.headers;
  const raw =
    headers && typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): string | null }).get('retry-after')
      : (headers as Record<string, string> | undefined)?.['retry-after'];
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function kindForAadsts(code: number): DirectoryErrorKind | undefined {
  if (tenantNotFoundCodes.has(code)) return 'tenant_not_found';
  if (consentCodes.has(code)) return 'consent_missing_or_revoked';
  if (invalidClientCodes.has(code)) return 'invalid_client';
  return undefined;
}

function kindForStatus(status: number): DirectoryErrorKind {
  if (status === 404) return 'not_found';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'throttled';
  if (status === 408 || status >= 500) return 'transient';
  return 'unknown';
}

export function classifyGraphError(err: unknown, context: { notFound?: NotFoundMeaning } = {}): ClassifiedError {
  const error = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrorLike;
  const message = error.message ?? String(err);
  const status = typeof error.statusCode === 'number' && error.statusCode > 0 ? error.statusCode : undefined;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const headers = error.headers as object | undefined;
  const request = headers ? failedRequests.get(headers) : undefined;
  const base: ClassifiedError = {
    kind: 'unknown',
    message,
    ...(status ? { status } : {}),
    ...(code ? { code } : {}),
    ...(request ? { request } : {}),
  };
  if (status === 404) base.notFound = context.notFound ?? notFoundMeanings.get(error) ?? 'resource';

  const aadsts = aadstsCode(error);
  if (aadsts !== undefined) {
    const kind = kindForAadsts(aadsts) ?? (status && status >= 500 ? 'transient' : 'unknown');
    return { ...base, kind, aadsts };
  }
  if (status !== undefined) {
    const kind = kindForStatus(status);
    const wait = retryAfterMs(error);
    return { ...base, kind, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }
  // No HTTP answer at all: the authority or Graph was unreachable, or the connection broke.
  const name = error.name === 'GraphError' || error.name === 'Error' ? code : error.name;
  if (
    name === 'CredentialUnavailableError' ||
    transientMessage.test(message) ||
    (error.cause && classifyGraphError(error.cause).kind === 'transient')
  ) {
    return { ...base, kind: 'transient' };
  }
  return base;
}

/** A delta or skip token Graph no longer accepts (410 syncStateNotFound / resyncRequired): start a full round again. */
export function isDeltaResyncRequired(err: unknown): boolean {
  const { status, code } = classifyGraphError(err);
  return status === 410 || code === 'syncStateNotFound' || code === 'resyncRequired';
}

/**
 * Worth another attempt: throttling, 5xx, a broken connection. Any other answer from Graph (400, 401, 405, 409…)
 * will be the same next time: the run fails at once and says what Graph answered.
 */
export function isRetryable(classified: ClassifiedError): boolean {
  if (classified.kind === 'transient' || classified.kind === 'throttled') return true;
  if (classified.kind !== 'unknown') return false;
  return classified.status === undefined && classified.aadsts === undefined;
}

/** "Microsoft Graph answered 400 Request_BadRequest to GET /v1.0/users/…: <Graph's message>" — no tokens, no headers. */
export function describeGraphError(classified: ClassifiedError): string {
  const answer = classified.status
    ? `${classified.status}${classified.code ? ` ${classified.code}` : ''}`
    : (classified.code ?? 'an error');
  const to = classified.request ? ` to ${classified.request.method} ${classified.request.path}` : '';
  return `Microsoft Graph answered ${answer}${to}: ${classified.message}`;
}
