/**
 * The directory-provider port: everything the engine, the activities, the setup forms and onboarding need from
 * a company directory, and nothing of how one directory answers. One folder per provider under src/directory/
 * (entra/, ldap/), one line per provider in the factory (./factory.ts). The engine and the activities know
 * only this file's types.
 */
import type { DigestedMember, DirectoryUser } from '../sync/directory-user.js';

export type { DigestedMember, StagedSource } from '../sync/directory-user.js';

/** The kinds of directory a connection may name (`directory_connections.provider`). */
export const directoryKinds = ['azure', 'ldap'] as const;
export type DirectoryKind = (typeof directoryKinds)[number];

/** What a setup reads: the group deciding who gets a user, optionally narrowed by an LDAP path and filter. */
export interface MemberScope {
  groupId: string;
  ldapPath?: string | null;
  ldapFilter?: string | null;
  /** Read each member's manager into `attributes.manager` (the manager's e-mail): a mapping names it (issue 16). */
  withManager?: boolean;
}

/** One page of a full member read; `next` resumes the read after this page (null: the read is complete). */
export interface MemberPage {
  users: DirectoryUser[];
  /**
   * The same members, digested from what the directory sent, when the provider can: staging then maps only the
   * members it stores with their data, not those whose users are settled on that digest already (sync-settled.ts).
   * Without it staging digests the mapped users.
   */
  digested?: readonly DigestedMember[];
  next: string | null;
  /** The total the directory announced (Graph's `@odata.count`), for progress. */
  count?: number;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  /** Users in it, transitively, when the lookup counted them. */
  userCount?: number;
  /** What the directory says about it, for a picker (null: none). */
  description?: string | null;
  mail?: string | null;
}

export type GroupLookup =
  | { found: true; id: string; displayName: string; userCount: number }
  | { found: false; reason: 'not_found' | 'directory_error'; message: string };

/**
 * A failure as the service acts on it:
 * - not_found: `about` says what was not found (only 'group' puts the setup in error; 'user' = deleted in the directory);
 * - access_lost: consent revoked, permission or bind rights gone (the connection needs its admin);
 * - configuration: wrong tenant, app identity, URL, base DN, certificate… (the setup or connection needs fixing);
 * - throttled / transient: retried with backoff (retryAfterMs when the directory said when);
 * - request_failed: an answer that will not change on a retry (fails the run at once, with the message).
 */
export interface DirectoryFailure {
  kind: 'not_found' | 'access_lost' | 'configuration' | 'throttled' | 'transient' | 'request_failed';
  message: string;
  about?: 'group' | 'user' | 'resource';
  retryAfterMs?: number;
}

/** The provider's own "where incremental reads stand" (Entra: delta links; AD: DC, invocationId, highest USN). JSON. */
export type IncrementalState = Record<string, unknown>;

/**
 * Where an incremental round writes what changed: the engine implements it over the run's delta tables, so the
 * provider never touches the database and the planner sees the same staging a full read produces.
 */
export interface IncrementalSink {
  /** Members that joined or left the scope since the state. */
  memberChanges(changes: readonly { externalId: string; change: 'added' | 'removed' }[]): Promise<void>;
  /** Users whose data changed (`data`), or that were deleted in the directory (`data` null, `removedReason`). */
  userChanges(
    users: readonly { externalId: string; data: DirectoryUser | null; removedReason: string | null }[],
  ): Promise<void>;
  /**
   * Changed users the member changes did not mention whose membership the engine does not know (it knows the
   * managed users that were members as the last successful run ended), and whether this setup manages each.
   */
  changedOutsideMemberChanges(): Promise<{ externalId: string; managed: boolean }[]>;
  forgetUserChanges(externalIds: readonly string[]): Promise<void>;
  forgetMemberChanges(externalIds: readonly string[]): Promise<void>;
  /** Users whose object the directory no longer has: removals "deleted in the directory". */
  usersGone(externalIds: readonly string[]): Promise<void>;
  /** The members recorded as removed so far in this round. */
  removedMembers(): Promise<string[]>;
  /** The members recorded as added so far in this round, less those whose user it recorded removed or gone. */
  addedMembers(): Promise<string[]>;
  /** Members recorded as added whose data no user change carried. */
  addedWithoutData(): Promise<string[]>;
  /** The external ids this setup manages now, in pages (for a provider that finds removals by comparing sets). */
  managedExternalIds(): AsyncIterable<string[]>;
}

export type IncrementalRound =
  | { fallback: string }
  | { fallback?: undefined; state: IncrementalState; added: number; removed: number; changedUsers: number };

/** Verifying a connection: who it really reached, or why not (with what to do next). */
export type ConnectionVerification =
  | { ok: true; facts: Record<string, unknown> }
  /** `detail`: what failed in the directory's own words (its code's parameter), without the sentence around it. */
  | { ok: false; kind: string; reason: string; detail?: string };

export interface DirectoryProvider {
  readonly kind: DirectoryKind;
  /** Proves the connection works (credentials, permissions, the directory it reaches); retryable errors are thrown. */
  verify(options?: { consentedTenant?: string }): Promise<ConnectionVerification>;
  lookupGroup(groupId: string): Promise<GroupLookup>;
  searchGroups(search: string): Promise<DirectoryGroup[]>;
  /** The scope's members, transitively, page by page; `resume` is a `next` from an earlier page of the same read. */
  pageMembers(scope: MemberScope, options: { pageSize: number; resume?: string | null }): AsyncIterable<MemberPage>;
  /** "From now on": taken before a full read, so a change made while it pages is seen by the next incremental run. */
  startIncremental(scope: MemberScope): Promise<IncrementalState>;
  /** What changed since `state`, written into `sink`; or why this run must read everything instead. */
  readIncremental(scope: MemberScope, state: IncrementalState, sink: IncrementalSink): Promise<IncrementalRound>;
  /** Whether each user is still in the scope (`still`), and which users the directory no longer has (`gone`). */
  confirmMembers(
    scope: MemberScope,
    externalIds: readonly string[],
  ): Promise<{ still: Set<string>; gone: Set<string> }>;
  /** Turns anything this provider's client threw into the service's few cases. */
  classify(err: unknown): DirectoryFailure;
}
