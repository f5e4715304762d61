/**
 * On-prem Active Directory behind the directory-provider port, over LDAP (ldapts). A setup's group is a group DN,
 * its LDAP path the search base (the connection's base DN when empty) and its filter an RFC 4515 filter the users
 * must also match; members count transitively (AD's in-chain rule).
 *
 * Incremental runs: the state is the DC that answered (dnsHostName), its invocationId and the highestCommittedUSN
 * read before the last read. A round reads the in-scope users with a higher uSNChanged (their data), and the
 * objectGUIDs of the whole scope (cheap), compared with the users the setup manages: who is managed but no longer
 * in scope left it (moved out of the path, out of the group, no longer matching the filter) or was deleted (the
 * GUID is nowhere under the base DN); who is in scope but not managed joined. Group changes do not touch a user's
 * uSNChanged (memberOf is a back link), which is why the GUID set is compared on every round. Another DC or a
 * restored one (another invocationId) answers with other USNs: the run falls back to a full read.
 */
import type { DirectoryConnection } from '../../db/schema.js';
import { SecretDecryptionError } from '../../crypto/secret-box.js';
import type { DirectoryUser } from '../../sync/directory-user.js';
import type {
  ConnectionVerification,
  DirectoryFailure,
  DirectoryGroup,
  DirectoryProvider,
  GroupLookup,
  IncrementalRound,
  IncrementalSink,
  IncrementalState,
  MemberPage,
  MemberScope,
} from '../provider.js';
import { readDirectoryControllerState } from './directory-state.js';
import { toNeutralUser } from './directory-user.js';
import { LdapError } from './errors.js';
import { getGroupByDn, searchGroups } from './groups.js';
import { objectGuidsFilter, objectGuidToString } from './guid.js';
import { AndFilter, FilterParser } from 'ldapts';
import { MAX_GUIDS_PER_SEARCH, readGroupMembers, readMemberIds, type MemberQuery } from './members.js';
import type { LdapConnectionOptions } from './options.js';
import { bufferOf, openLdapSession, type LdapSession } from './session.js';
import { verifyLdapConnection } from './verify.js';
import { ldapOptionsOf, LdapSecretsUnavailable } from './stored-connection.js';

export const ldapKind = 'ldap' as const;

/** The group of a setup is not (or no longer) in the directory: the setup needs its admin. */
export class LdapGroupNotFound extends Error {
  override readonly name = 'LdapGroupNotFound';
  constructor(readonly groupDn: string) {
    super(`The group ${groupDn} was not found in the directory (renamed, moved or deleted?); choose the group again.`);
  }
}

/** Where incremental reads stand on AD. */
export interface LdapIncrementalState {
  dnsHostName: string | null;
  invocationId: string;
  /** highestCommittedUSN read before the last read, decimal. */
  usn: string;
}

function stateOf(state: IncrementalState): LdapIncrementalState | null {
  const { dnsHostName, invocationId, usn } = state as Partial<Record<keyof LdapIncrementalState, unknown>>;
  if (typeof invocationId !== 'string' || typeof usn !== 'string' || !/^\d+$/.test(usn)) return null;
  return { dnsHostName: typeof dnsHostName === 'string' ? dnsHostName : null, invocationId, usn };
}

const USERS = '(&(objectCategory=person)(objectClass=user))';
const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const RETRYABLE_RESULT_CODES = new Set([51, 52, 53, 80]); // busy, unavailable, unwilling to perform, other

/** The LDAP client's failures as the service acts on them. */
export function classifyLdapFailure(err: unknown): DirectoryFailure {
  if (err instanceof LdapGroupNotFound) return { kind: 'not_found', about: 'group', message: err.message };
  if (err instanceof LdapSecretsUnavailable || err instanceof SecretDecryptionError)
    return { kind: 'configuration', message: `The connection's bind password cannot be used: ${err.message}` };
  if (!(err instanceof LdapError))
    return { kind: 'request_failed', message: err instanceof Error ? err.message : String(err) };
  switch (err.reason) {
    case 'invalid_credentials':
    case 'insufficient_access':
      return { kind: 'access_lost', message: err.message };
    case 'invalid_options':
    case 'unencrypted_refused':
    case 'certificate_not_trusted':
    case 'tls_failed':
    case 'strong_auth_required':
    case 'base_dn_not_found':
      return { kind: 'configuration', message: err.message };
    case 'host_unreachable':
    case 'timeout':
    case 'paging_cookie_rejected':
      return { kind: 'transient', message: err.message };
    default:
      return err.resultCode !== null && RETRYABLE_RESULT_CODES.has(err.resultCode)
        ? { kind: 'transient', message: err.message }
        : { kind: 'request_failed', message: err.message };
  }
}

/** Splits `items` into slices of at most `size`. */
function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createLdapProvider(options: {
  /** Resolved lazily (the password is decrypted on first use, not when the provider is made). */
  connection: () => { connection: LdapConnectionOptions; baseDn: string };
}): DirectoryProvider {
  const settings = () => options.connection();

  async function withSession<T>(fn: (session: LdapSession, baseDn: string) => Promise<T>): Promise<T> {
    const { connection, baseDn } = settings();
    const session = await openLdapSession(connection);
    try {
      return await fn(session, baseDn);
    } finally {
      await session.close();
    }
  }

  /** The member query of a scope: its group (which must exist), the path (else the base DN) and the filter. */
  async function queryOf(session: LdapSession, baseDn: string, scope: MemberScope): Promise<MemberQuery> {
    const group = await getGroupByDn(session, scope.groupId);
    if (!group) throw new LdapGroupNotFound(scope.groupId);
    return {
      searchBase: scope.ldapPath?.trim() || baseDn,
      groupDn: group.distinguishedName,
      filter: scope.ldapFilter,
      primaryGroupToken: group.primaryGroupToken,
    };
  }

  /** The users with these GUIDs in the scope, read in full. */
  async function usersInScope(session: LdapSession, query: MemberQuery, guids: readonly string[]) {
    const users: DirectoryUser[] = [];
    for (const slice of slices(guids, MAX_GUIDS_PER_SEARCH)) {
      let cookie: string | null = null;
      do {
        const page = await readGroupMembers(session, { ...query, objectGuids: slice }, cookie);
        users.push(...page.users.map(toNeutralUser));
        cookie = page.cookie;
      } while (cookie);
    }
    return users;
  }

  /** Which of these GUIDs are users anywhere under the base DN (a deleted object is in no normal search). */
  async function presentUnderBase(session: LdapSession, baseDn: string, guids: readonly string[]) {
    const present = new Set<string>();
    for (const slice of slices(guids, MAX_GUIDS_PER_SEARCH)) {
      const entries = await session.search(baseDn, {
        scope: 'sub',
        filter: new AndFilter({ filters: [FilterParser.parseString(USERS), objectGuidsFilter(slice)] }),
        attributes: ['objectGUID'],
        binaryAttributes: ['objectGUID'],
      });
      for (const entry of entries) {
        const id = objectGuidToString(bufferOf(entry, 'objectGUID'));
        if (id) present.add(id);
      }
    }
    return present;
  }

  /** Still in the scope, or gone from the directory; an id that is no GUID names no AD object (gone). */
  async function confirm(session: LdapSession, baseDn: string, query: MemberQuery, externalIds: readonly string[]) {
    const guids = externalIds.filter((id) => GUID.test(id));
    const still = new Set((await usersInScope(session, query, guids)).map((u) => u.id));
    const present = await presentUnderBase(
      session,
      baseDn,
      guids.filter((id) => !still.has(id)),
    );
    return { still, gone: new Set(externalIds.filter((id) => !still.has(id) && !present.has(id))) };
  }

  return {
    kind: ldapKind,

    async verify(): Promise<ConnectionVerification> {
      let reach;
      try {
        reach = settings();
      } catch (err) {
        return { ok: false, kind: 'configuration', reason: classifyLdapFailure(err).message };
      }
      const result = await verifyLdapConnection(reach.connection, { baseDn: reach.baseDn });
      return result.ok
        ? { ok: true, facts: { ...result.facts } }
        : { ok: false, kind: result.failure.reason, reason: result.failure.message };
    },

    async lookupGroup(groupDn: string): Promise<GroupLookup> {
      try {
        return await withSession(async (session, baseDn) => {
          const group = await getGroupByDn(session, groupDn);
          if (!group) return { found: false, reason: 'not_found', message: `no group ${groupDn} in the directory` };
          const query = await queryOf(session, baseDn, { groupId: group.distinguishedName });
          const userCount = (await readMemberIds(session, query)).size;
          return { found: true, id: group.distinguishedName, displayName: group.name ?? groupDn, userCount };
        });
      } catch (err) {
        if (err instanceof LdapError && err.reason === 'invalid_options')
          return { found: false, reason: 'not_found', message: err.message };
        return { found: false, reason: 'directory_error', message: classifyLdapFailure(err).message };
      }
    },

    searchGroups: (search: string): Promise<DirectoryGroup[]> =>
      withSession(async (session, baseDn) =>
        (await searchGroups(session, { searchBase: baseDn, text: search, limit: 25 })).map((g) => ({
          id: g.distinguishedName,
          displayName: g.name ?? g.sAMAccountName ?? g.distinguishedName,
          description: g.description,
        })),
      ),

    async *pageMembers(scope, { pageSize, resume }): AsyncGenerator<MemberPage> {
      // One session for the whole read: the paging cookie is bound to it (Samba), so a `resume` from an earlier
      // attempt (another session) starts again from the first page, which staging absorbs (it is idempotent).
      const { connection, baseDn } = settings();
      const session = await openLdapSession(connection);
      try {
        const query = { ...(await queryOf(session, baseDn, scope)), pageSize: Math.min(Math.max(pageSize, 1), 1000) };
        let cookie = resume ?? null;
        do {
          const page = await readGroupMembers(session, query, cookie);
          cookie = page.cookie;
          yield { users: page.users.map(toNeutralUser), next: cookie };
        } while (cookie);
      } finally {
        await session.close();
      }
    },

    startIncremental: (): Promise<IncrementalState> =>
      withSession(async (session) => {
        const dc = await readDirectoryControllerState(session);
        if (!dc.invocationId || !dc.highestCommittedUsn)
          throw new LdapError(
            'ldap_error',
            'The directory does not publish highestCommittedUSN and an invocationId (not Active Directory?).',
          );
        return {
          dnsHostName: dc.dnsHostName,
          invocationId: dc.invocationId,
          usn: dc.highestCommittedUsn,
        } satisfies LdapIncrementalState;
      }),

    readIncremental: (scope, stored, sink: IncrementalSink): Promise<IncrementalRound> =>
      withSession(async (session, baseDn) => {
        const from = stateOf(stored);
        if (!from) return { fallback: 'the stored incremental state is not an Active Directory USN state' };
        const dc = await readDirectoryControllerState(session);
        if (!dc.invocationId || !dc.highestCommittedUsn)
          return { fallback: 'the directory no longer publishes highestCommittedUSN and an invocationId' };
        if (dc.invocationId !== from.invocationId)
          return {
            fallback:
              `another domain controller database answered (${dc.dnsHostName ?? 'unknown'}, invocationId ` +
              `${dc.invocationId}; the last run read ${from.dnsHostName ?? 'unknown'}, ${from.invocationId}): ` +
              'its USNs are not comparable',
          };
        // Read first, so a change made while this round reads is seen by the next one.
        const state: LdapIncrementalState = {
          dnsHostName: dc.dnsHostName,
          invocationId: dc.invocationId,
          usn: dc.highestCommittedUsn,
        };
        const query = await queryOf(session, baseDn, scope);

        // Changed users in scope, with their data.
        let changedUsers = 0;
        let cookie: string | null = null;
        do {
          const page = await readGroupMembers(session, { ...query, usnChangedAtLeast: BigInt(from.usn) + 1n }, cookie);
          changedUsers += page.users.length;
          await sink.userChanges(
            page.users.map((u) => ({ externalId: u.id, data: toNeutralUser(u), removedReason: null })),
          );
          cookie = page.cookie;
        } while (cookie);

        // Who is in scope now, against who the setup manages.
        const inScope = await readMemberIds(session, query);
        const managed = new Set<string>();
        for await (const ids of sink.managedExternalIds()) for (const id of ids) managed.add(id);
        const left = [...managed].filter((id) => !inScope.has(id));
        const joined = [...inScope].filter((id) => !managed.has(id));
        await sink.memberChanges([
          ...left.map((externalId) => ({ externalId, change: 'removed' as const })),
          ...joined.map((externalId) => ({ externalId, change: 'added' as const })),
        ]);
        // A managed user no longer in scope was moved or deleted: "deleted in the directory" only when its
        // object is nowhere under the base DN.
        const { gone } = await confirm(session, baseDn, query, left);
        await sink.usersGone([...gone]);
        // Joined users whose data the changed read did not carry (a group change leaves uSNChanged alone).
        const missing = await sink.addedWithoutData();
        const read = await usersInScope(session, query, missing);
        await sink.userChanges(read.map((u) => ({ externalId: u.id, data: u, removedReason: null })));
        const readIds = new Set(read.map((u) => u.id));
        await sink.forgetMemberChanges(missing.filter((id) => !readIds.has(id))); // left again while we read
        return { state: { ...state }, added: joined.length, removed: left.length, changedUsers };
      }),

    confirmMembers: (scope, externalIds) =>
      withSession(async (session, baseDn) =>
        confirm(session, baseDn, await queryOf(session, baseDn, scope), externalIds),
      ),

    classify: classifyLdapFailure,
  };
}

/** The factory's line for 'ldap' connections: the stored settings, the password decrypted when first used. */
export function ldapProvider(
  deps: { config: { notifications: { secretsKey?: string } } },
  connection: DirectoryConnection,
): DirectoryProvider {
  let resolved: ReturnType<typeof ldapOptionsOf> | undefined;
  return createLdapProvider({
    connection: () => (resolved ??= ldapOptionsOf(connection, deps.config.notifications.secretsKey)),
  });
}
