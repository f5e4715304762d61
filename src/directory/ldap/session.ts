/**
 * A bound LDAP connection (ldapts) and the one search primitive the readers need: one page of a paged search
 * (RFC 2696, control 1.2.840.113556.1.4.319) sent with a given cookie and returning the server's next cookie.
 *
 * ldapts's own paging (`paged`, `searchPaginated`) hides the cookie, so a read cannot continue from a cookie
 * stored elsewhere, and it stops at a page with no entries even when the server says there are more. This
 * module builds the SearchRequest with the paged-results control itself and sends it through the client's
 * message layer (`_nextMessageId`/`_send`, internal to ldapts 8; checked at runtime and covered by the tests
 * against a real Samba DC, so an ldapts upgrade that changes them fails loudly, never silently).
 */
import {
  Client,
  FilterParser,
  type Filter,
  MessageResponseStatus,
  PagedResultsControl,
  SearchRequest,
  StatusCodeParser,
  type Entry,
  type SearchEntry,
} from 'ldapts';
import { LdapError, classifyLdapError } from './errors.js';
import { resolveLdapOptions, type LdapConnectionOptions, type ResolvedLdapOptions } from './options.js';

export interface LdapPage {
  entries: Entry[];
  /** The server's cookie for the next page; null when this was the last page. */
  cookie: Buffer | null;
}

export interface PagedSearch {
  baseDn: string;
  scope: 'base' | 'one' | 'sub';
  /** Text, or a Filter built with binary values (ldapts's parser turns \xx escapes into UTF-8 text). */
  filter: string | Filter;
  attributes: string[];
  /** Attributes to return as Buffers (objectGUID, invocationId). */
  binaryAttributes?: string[];
  pageSize: number;
}

interface ClientInternals {
  isConnected: boolean;
  _connect(): Promise<void> | void;
  _nextMessageId(): number;
  _send(message: SearchRequest): Promise<{
    status: number;
    searchEntries: SearchEntry[];
    controls?: unknown[];
    errorMessage?: string;
  }>;
}

export interface LdapSession {
  /** The resolved options without the password (the session does not keep it after the bind). */
  readonly options: Omit<ResolvedLdapOptions, 'bindPassword'>;
  /** One page of a paged search, from `cookie` (null: the first page). */
  searchPage(search: PagedSearch, cookie: Buffer | null): Promise<LdapPage>;
  /** A search expected to fit in one answer (base-scope reads, small lookups); sizeLimit caps it. */
  search(
    baseDn: string,
    options: {
      scope: 'base' | 'one' | 'sub';
      filter: string | Filter;
      attributes: string[];
      binaryAttributes?: string[];
      sizeLimit?: number;
    },
  ): Promise<Entry[]>;
  close(): Promise<void>;
}

/** Connects (TLS per the options), binds, and returns the session. Throws a classified LdapError. */
export async function openLdapSession(connection: LdapConnectionOptions): Promise<LdapSession> {
  // The password is used for the bind only; nothing the session keeps (its closures included) refers to it.
  const { bindPassword, ...options } = resolveLdapOptions(connection);
  const client = new Client({
    url: options.url,
    timeout: options.timeoutMs,
    connectTimeout: options.connectTimeoutMs,
    ...(options.transport === 'ldaps' ? { tlsOptions: options.tls } : {}),
  });
  const internals = client as unknown as ClientInternals;
  if (
    typeof internals._send !== 'function' ||
    typeof internals._nextMessageId !== 'function' ||
    typeof internals._connect !== 'function'
  ) {
    throw new LdapError('ldap_error', 'This ldapts version has no message layer for paged searches; pin ldapts 8.');
  }
  const context = (step: string, baseDn?: string) => ({ host: `${options.host}:${options.port}`, step, baseDn });
  try {
    if (options.transport === 'starttls') {
      try {
        await client.startTLS({ ...options.tls }); // a copy: ldapts adds the socket to the object it is given
      } catch (error) {
        const classified = classifyLdapError(error, context('starting TLS'));
        if (classified.reason === 'ldap_error' && classified.resultCode !== null) {
          throw new LdapError(
            'tls_failed',
            `The directory refused StartTLS (LDAP result ${classified.resultCode}); use ldaps:// instead.`,
            classified.resultCode,
            { cause: error },
          );
        }
        throw classified;
      }
    }
    await client.bind(options.bindDn, bindPassword);
  } catch (error) {
    await client.unbind().catch(() => undefined);
    throw classifyLdapError(error, context(`binding as ${options.bindDn}`));
  }

  return {
    options,
    async searchPage(search, cookie) {
      try {
        if (!internals.isConnected)
          throw new LdapError('host_unreachable', `The connection to ${options.host} closed; open a new session.`);
        const control = new PagedResultsControl({ value: { size: search.pageSize, ...(cookie ? { cookie } : {}) } });
        const request = new SearchRequest({
          messageId: -1,
          baseDN: search.baseDn,
          scope: search.scope,
          filter: typeof search.filter === 'string' ? FilterParser.parseString(search.filter) : search.filter,
          attributes: search.attributes,
          explicitBufferAttributes: search.binaryAttributes ?? [],
          controls: [control],
        });
        request.messageId = internals._nextMessageId();
        const response = await internals._send(request);
        if (response.status !== MessageResponseStatus.Success) {
          const error = StatusCodeParser.parse(response as unknown as Parameters<typeof StatusCodeParser.parse>[0]);
          if (cookie && (response.status === 53 || response.status === 2 || response.status === 1)) {
            throw new LdapError(
              'paging_cookie_rejected',
              `The directory no longer accepts this paging cookie (LDAP result ${response.status}); the read ` +
                `starts again from the first page.`,
              response.status,
              { cause: error },
            );
          }
          throw error;
        }
        const entries = response.searchEntries.map((e) => e.toObject(search.attributes, search.binaryAttributes ?? []));
        const paged = (response.controls ?? []).find((c): c is PagedResultsControl => c instanceof PagedResultsControl);
        const next = paged?.value?.cookie;
        return { entries, cookie: next && next.length > 0 ? Buffer.from(next) : null };
      } catch (error) {
        throw classifyLdapError(error, context(`searching ${search.baseDn}`, search.baseDn));
      }
    },
    async search(baseDn, o) {
      try {
        const result = await client.search(baseDn, {
          scope: o.scope,
          filter: o.filter,
          attributes: o.attributes,
          explicitBufferAttributes: o.binaryAttributes ?? [],
          ...(o.sizeLimit ? { sizeLimit: o.sizeLimit } : {}),
        });
        return result.searchEntries;
      } catch (error) {
        throw classifyLdapError(error, context(`searching ${baseDn || 'the rootDSE'}`, baseDn));
      }
    },
    async close() {
      await client.unbind().catch(() => undefined);
    },
  };
}

/** Opens a session, runs `fn`, always closes it. */
export async function withLdapSession<T>(
  connection: LdapConnectionOptions,
  fn: (session: LdapSession) => Promise<T>,
): Promise<T> {
  const session = await openLdapSession(connection);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

/** First value of an attribute as text (AD answers single-valued attributes as a string, ldapts may give an array). */
export function textOf(entry: Entry, name: string): string | null {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return null;
  const raw = entry[key];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined || first === null) return null;
  const text = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  return text === '' ? null : text;
}

/** All values of an attribute as text. */
export function textsOf(entry: Entry, name: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return [];
  const raw = entry[key];
  return (Array.isArray(raw) ? raw : [raw])
    .filter((v) => v !== undefined && v !== null)
    .map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

/** First value of a binary attribute (requested as binary). */
export function bufferOf(entry: Entry, name: string): Buffer | null {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return null;
  const raw = entry[key];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return Buffer.isBuffer(first) ? first : null;
}
