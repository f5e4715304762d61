import { distinctMembers } from './distinct-members.js';
import { mappedEmail, mappedInitials } from './mapping.js';
import { emailKey, initialsKey } from './normalise.js';
import type { DirectoryUser, ProductUser, SetupPolicy } from './types.js';

/** The product users one chunk of directory members can touch. */
export interface MemberCandidates {
  /** Product users linked to a member of the chunk, by their Entra object id. */
  byExternalId: Map<string, ProductUser>;
  /** Match candidates by lowercased email (used when the setup matches on email). */
  byEmail: Map<string, ProductUser[]>;
  /** Match candidates by uppercased initials (used when the setup matches on initials). */
  byInitials: Map<string, ProductUser[]>;
}

/** What the orchestrator looks up for one chunk, so it queries only those product users. */
export interface MatchKeys {
  externalIds: string[];
  /** Lowercased; empty unless the setup matches on email. Compare with lower(email) in SQL. */
  emails: string[];
  /** Uppercased; empty unless the setup matches on initials. Compare with upper(initials) in SQL. */
  initials: string[];
}

/** The key a directory user is matched by under the setup's matchOn (and mapping); null when it has none. */
export function matchKeyOf(
  user: DirectoryUser,
  policy: Pick<SetupPolicy, 'matchOn' | 'initialsAttributes' | 'mapping'>,
): string | null {
  return policy.matchOn === 'email' ? mappedEmail(user, policy) : mappedInitials(user, policy);
}

export function matchKeysFor(
  members: readonly DirectoryUser[],
  policy: Pick<SetupPolicy, 'matchOn' | 'initialsAttributes' | 'mapping'>,
): MatchKeys {
  const distinct = distinctMembers(members);
  const keys = new Set<string>();
  for (const member of distinct) {
    const key = matchKeyOf(member, policy);
    if (key !== null) keys.add(key);
  }
  return {
    externalIds: distinct.map((member) => member.id),
    emails: policy.matchOn === 'email' ? [...keys] : [],
    initials: policy.matchOn === 'initials' ? [...keys] : [],
  };
}

function addTo(index: Map<string, ProductUser[]>, key: string | null, user: ProductUser): void {
  if (key === null) return;
  const list = index.get(key);
  if (list) list.push(user);
  else index.set(key, [user]);
}

/** Builds the candidate maps from whatever product users the orchestrator read for the chunk's keys. */
export function indexCandidates(users: readonly ProductUser[]): MemberCandidates {
  const candidates: MemberCandidates = { byExternalId: new Map(), byEmail: new Map(), byInitials: new Map() };
  const unique = new Map(users.map((user) => [user.id, user]));
  for (const user of unique.values()) {
    if (user.externalId !== null) candidates.byExternalId.set(user.externalId, user);
    addTo(candidates.byEmail, emailKey(user.email), user);
    addTo(candidates.byInitials, initialsKey(user.initials), user);
  }
  return candidates;
}
