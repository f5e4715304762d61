/**
 * The users of a setup on AD: under the search base (the setup's LDAP path), matching its filter, and members of
 * the group transitively (AD's in-chain rule 1.2.840.113556.1.4.1941), optionally only those changed since a
 * USN. Read one page (1,000 by default) per call, with a cookie that can be stored (heartbeated) and handed
 * back to continue: the cookie names the query it belongs to, and when the server no longer accepts its paging
 * state (another connection or DC — Samba ties it to the connection) the read starts again from the first page
 * and says so (`restarted`), so a caller that stages idempotently loses nothing.
 */
import { createHash } from 'node:crypto';
import { DnSyntaxError, normaliseDn, parseDn } from '../../sync/dn.js';
import { LdapFilterSyntaxError, escapeFilterValue, parseLdapFilter, printLdapFilter } from '../../sync/ldap-filter.js';
import { LdapError } from './errors.js';
import { objectGuidsFilter, objectGuidToString } from './guid.js';
import { bufferOf, textOf, textsOf, type LdapSession } from './session.js';
import { AndFilter, FilterParser, type Entry, type Filter } from 'ldapts';

export const IN_CHAIN_RULE = '1.2.840.113556.1.4.1941';
export const DEFAULT_PAGE_SIZE = 1000;

/** One user read from AD, in the provider-neutral shape the sync maps (missing attribute → null). */
export interface LdapDirectoryUser {
  /** objectGUID as a GUID string (AD's byte order), lowercase: the link to the product user. */
  id: string;
  distinguishedName: string;
  /** mail, else userPrincipalName. */
  email: string | null;
  mail: string | null;
  userPrincipalName: string | null;
  sAMAccountName: string | null;
  givenName: string | null;
  surname: string | null;
  displayName: string | null;
  telephoneNumber: string | null;
  mobile: string | null;
  department: string | null;
  title: string | null;
  office: string | null;
  /** false when userAccountControl has ACCOUNTDISABLE (0x2); null when it could not be read. */
  accountEnabled: boolean | null;
  /** uSNChanged as a decimal string (64-bit). */
  usnChanged: string | null;
  /** The extra attributes asked for (e.g. a chosen initials attribute), by the name asked. */
  extra: Record<string, string[]>;
}

export interface MemberQuery {
  /** The LDAP path: a DN, the subtree to search. */
  searchBase: string;
  /** The group's DN; its members count transitively. */
  groupDn: string;
  /** An RFC 4515 filter the users must also match (the setup's "Filter"). */
  filter?: string | null;
  /**
   * The group's primaryGroupToken (its RID, from getGroupByDn) when users may have it as their primary group:
   * AD keeps a user's primary group (Domain Users, 513, for most) out of memberOf, so the in-chain rule alone
   * would not find them; with the token, users whose primaryGroupID equals it are members too.
   */
  primaryGroupToken?: number | null;
  /** Only users with uSNChanged ≥ this (incremental reads). */
  usnChangedAtLeast?: string | number | bigint | null;
  /** Only these users (objectGUID strings; at most 100): confirming members, reading added ones. */
  objectGuids?: readonly string[] | null;
  pageSize?: number;
  extraAttributes?: string[];
}

/** How many GUIDs one search may name (a filter of 100 GUIDs is ~5 KB, far below AD's limits). */
export const MAX_GUIDS_PER_SEARCH = 100;

export interface MemberPage {
  users: LdapDirectoryUser[];
  /** Entries that could not be read as users (no objectGUID): never silently dropped. */
  skipped: { distinguishedName: string; reason: string }[];
  /** Hand back to read the next page; null: this was the last page. */
  cookie: string | null;
  /** The given cookie was no longer accepted and this page is the first page again. */
  restarted: boolean;
}

/** The attributes a member read asks for (the mapper's inputs); the bench's floor pages with the same. */
export const USER_ATTRIBUTES = [
  'objectGUID',
  'distinguishedName',
  'mail',
  'userPrincipalName',
  'sAMAccountName',
  'givenName',
  'sn',
  'displayName',
  'telephoneNumber',
  'mobile',
  'department',
  'title',
  'physicalDeliveryOfficeName',
  'userAccountControl',
  'uSNChanged',
];
const ACCOUNTDISABLE = 0x2;
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

function invalid(message: string): never {
  throw new LdapError('invalid_options', message);
}

function checkedDn(label: string, dn: string): string {
  try {
    if (parseDn(dn).length === 0) invalid(`The ${label} is empty; give a DN such as OU=Staff,DC=contoso,DC=com.`);
  } catch (error) {
    if (error instanceof DnSyntaxError) invalid(`The ${label} is not a valid DN: ${error.message}`);
    throw error;
  }
  return dn.trim();
}

/** The LDAP filter a member query sends (validated); exported so the admin "Test" can show it. */
export function memberSearchFilter(query: MemberQuery): string {
  const groupDn = checkedDn('group DN', query.groupDn);
  let userFilter = '';
  if (query.filter && query.filter.trim() !== '') {
    try {
      userFilter = printLdapFilter(parseLdapFilter(query.filter));
    } catch (error) {
      if (error instanceof LdapFilterSyntaxError) invalid(error.message);
      throw error;
    }
  }
  let usn = '';
  if (query.usnChangedAtLeast !== null && query.usnChangedAtLeast !== undefined) {
    const text = String(query.usnChangedAtLeast);
    if (!/^\d+$/.test(text)) invalid(`The USN to read from must be a non-negative integer, not "${text}".`);
    usn = `(uSNChanged>=${text})`;
  }
  let membership = `(memberOf:${IN_CHAIN_RULE}:=${escapeFilterValue(groupDn)})`;
  if (query.primaryGroupToken !== null && query.primaryGroupToken !== undefined) {
    if (!Number.isSafeInteger(query.primaryGroupToken) || query.primaryGroupToken <= 0)
      invalid('The primary group token must be a positive integer.');
    membership = `(|${membership}(primaryGroupID=${query.primaryGroupToken}))`;
  }
  return `(&(objectCategory=person)(objectClass=user)${membership}${userFilter}${usn})`;
}

/** What is sent: the member filter, and when the query names users, only those (by objectGUID, as bytes). */
function sentFilter(query: MemberQuery, filter: string): string | Filter {
  if (!query.objectGuids) return filter;
  if (query.objectGuids.length === 0 || query.objectGuids.length > MAX_GUIDS_PER_SEARCH)
    invalid(`Name 1 to ${MAX_GUIDS_PER_SEARCH} users per search.`);
  return new AndFilter({ filters: [FilterParser.parseString(filter), objectGuidsFilter(query.objectGuids)] });
}

/**
 * The objectGUIDs of every member of the scope, and nothing else (the cheap read an incremental run compares with
 * the users it manages, to find who left the scope or joined it through a group change, which AD does not
 * record in the user's uSNChanged). One session: the paging cookie stays valid.
 */
export async function readMemberIds(session: LdapSession, query: MemberQuery): Promise<Set<string>> {
  const searchBase = checkedDn('LDAP path (search base)', query.searchBase);
  const search = {
    baseDn: searchBase,
    scope: 'sub' as const,
    filter: memberSearchFilter(query),
    attributes: ['objectGUID'],
    binaryAttributes: ['objectGUID'],
    pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
  };
  const ids = new Set<string>();
  let cookie: Buffer | null = null;
  do {
    const page: { entries: Entry[]; cookie: Buffer | null } = await session.searchPage(search, cookie);
    for (const entry of page.entries) {
      const id = objectGuidToString(bufferOf(entry, 'objectGUID'));
      if (id) ids.add(id);
    }
    cookie = page.cookie;
  } while (cookie);
  return ids;
}

function queryKey(query: MemberQuery, filter: string, attributes: string[]): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        normaliseDn(query.searchBase),
        filter.toLowerCase(),
        attributes.map((a) => a.toLowerCase()),
        query.pageSize ?? DEFAULT_PAGE_SIZE,
        query.objectGuids ?? null,
      ]),
    )
    .digest('base64url')
    .slice(0, 16);
}

interface CookieBody {
  v: 1;
  q: string; // the query it belongs to
  c: string; // the server's cookie, base64
}

function encodeCookie(body: CookieBody): string {
  return 'ldp1.' + Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decodeCookie(cookie: string, key: string): Buffer {
  let body: Partial<CookieBody> | null = null;
  if (cookie.startsWith('ldp1.')) {
    try {
      body = JSON.parse(Buffer.from(cookie.slice(5), 'base64url').toString('utf8')) as Partial<CookieBody>;
    } catch {
      body = null;
    }
  }
  if (!body || body.v !== 1 || typeof body.q !== 'string' || typeof body.c !== 'string')
    invalid('The paging cookie is not one this reader made.');
  if (body.q !== key)
    invalid(
      'The paging cookie belongs to another query (search base, filter or page size changed); start the read again.',
    );
  return Buffer.from(body.c, 'base64');
}

/** Reads one page of members. Pass the returned cookie to read the next; null cookie = first page. */
export async function readGroupMembers(
  session: LdapSession,
  query: MemberQuery,
  cookie: string | null = null,
): Promise<MemberPage> {
  const searchBase = checkedDn('LDAP path (search base)', query.searchBase);
  const filter = memberSearchFilter(query);
  const extra = (query.extraAttributes ?? []).filter((a) => {
    if (!ATTRIBUTE_NAME.test(a)) invalid(`"${a}" is not an attribute name.`);
    return !USER_ATTRIBUTES.some((u) => u.toLowerCase() === a.toLowerCase());
  });
  const attributes = [...USER_ATTRIBUTES, ...extra];
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)
    invalid('The page size must be 1 to 1,000 (AD’s MaxPageSize).');
  const key = queryKey(query, filter, attributes);
  const search = {
    baseDn: searchBase,
    scope: 'sub' as const,
    filter: sentFilter(query, filter),
    attributes,
    binaryAttributes: ['objectGUID'],
    pageSize,
  };

  let restarted = false;
  let page;
  try {
    page = await session.searchPage(search, cookie ? decodeCookie(cookie, key) : null);
  } catch (error) {
    if (!(error instanceof LdapError) || error.reason !== 'paging_cookie_rejected') throw error;
    restarted = true;
    page = await session.searchPage(search, null);
  }
  const users: LdapDirectoryUser[] = [];
  const skipped: MemberPage['skipped'] = [];
  for (const entry of page.entries) {
    const user = toDirectoryUser(entry, query.extraAttributes ?? []);
    if (user) users.push(user);
    else skipped.push({ distinguishedName: entry.dn, reason: 'the entry has no readable objectGUID' });
  }
  return {
    users,
    skipped,
    cookie: page.cookie ? encodeCookie({ v: 1, q: key, c: page.cookie.toString('base64') }) : null,
    restarted,
  };
}

/** Reads every page (for small reads: tests, the admin "Test"); a sync run pages with readGroupMembers. */
export async function readAllGroupMembers(session: LdapSession, query: MemberQuery): Promise<LdapDirectoryUser[]> {
  const users = new Map<string, LdapDirectoryUser>();
  let cookie: string | null = null;
  do {
    const page: MemberPage = await readGroupMembers(session, query, cookie);
    if (page.restarted) users.clear();
    for (const user of page.users) users.set(user.id, user);
    cookie = page.cookie;
  } while (cookie);
  return [...users.values()];
}

export function toDirectoryUser(entry: Entry, extraAttributes: string[] = []): LdapDirectoryUser | null {
  const id = objectGuidToString(bufferOf(entry, 'objectGUID'));
  if (id === null) return null;
  const mail = textOf(entry, 'mail');
  const userPrincipalName = textOf(entry, 'userPrincipalName');
  const uacText = textOf(entry, 'userAccountControl');
  const uac = uacText !== null && /^-?\d+$/.test(uacText) ? Number(uacText) : null;
  const usn = textOf(entry, 'uSNChanged');
  return {
    id,
    distinguishedName: textOf(entry, 'distinguishedName') ?? entry.dn,
    email: mail ?? userPrincipalName,
    mail,
    userPrincipalName,
    sAMAccountName: textOf(entry, 'sAMAccountName'),
    givenName: textOf(entry, 'givenName'),
    surname: textOf(entry, 'sn'),
    displayName: textOf(entry, 'displayName'),
    telephoneNumber: textOf(entry, 'telephoneNumber'),
    mobile: textOf(entry, 'mobile'),
    department: textOf(entry, 'department'),
    title: textOf(entry, 'title'),
    office: textOf(entry, 'physicalDeliveryOfficeName'),
    accountEnabled: uac === null ? null : (uac & ACCOUNTDISABLE) === 0,
    usnChanged: usn !== null && /^\d+$/.test(usn) ? usn : null,
    extra: Object.fromEntries(extraAttributes.map((a) => [a, textsOf(entry, a)])),
  };
}
