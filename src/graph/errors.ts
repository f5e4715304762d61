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
}

/** AADSTS codes by meaning (Entra's error-code reference and real answers). */
const tenantNotFoundCodes = new Set([90002, 900023, 90072]);
/** The app is not (or no longer) in the tenant, or has not been consented to there. */
const consentCodes = new Set([700016, 7000229, 65001, 500011, 650052, 50020]);
/** Our own credentials are wrong: bad or expired secret, missing credential, bad certificate assertion. */
const invalidClientCodes = new Set([7000215, 7000222, 7000218, 700027, 700024, 700023, 70002, 50012, 7000112]);
const transientMessage = /fetch failed|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|socket hang up|other side closed|terminated|network|endpoints_resolution_error|timed? ?out/i;

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
  const raw = headers && typeof (headers as { get?: unknown }).get === 'function' ? (headers as { get(name: string): string | null }).get('retry-after') : (headers as Record<string, string> | undefined)?.['retry-after'];
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

export function classifyGraphError(err: unknown): ClassifiedError {
  const error = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrorLike;
  const message = error.message ?? String(err);
  const status = typeof error.statusCode === 'number' && error.statusCode > 0 ? error.statusCode : undefined;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const base: ClassifiedError = { kind: 'unknown', message, ...(status ? { status } : {}), ...(code ? { code } : {}) };

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
  if (name === 'CredentialUnavailableError' || transientMessage.test(message) || (error.cause && classifyGraphError(error.cause).kind === 'transient')) {
    return { ...base, kind: 'transient' };
  }
  return base;
}

/** A delta or skip token Graph no longer accepts (410 syncStateNotFound / resyncRequired): start a full round again. */
export function isDeltaResyncRequired(err: unknown): boolean {
  const { status, code } = classifyGraphError(err);
  return status === 410 || code === 'syncStateNotFound' || code === 'resyncRequired';
}
