/**
 * Property-based tests: random small worlds with many collisions (shared emails and initials, replays,
 * users of other setups and companies) checked against the invariants the run relies on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countChanges,
  indexCandidates,
  planMembers,
  planRemovals,
  totalCount,
  type DirectoryUser,
  type PlannedChange,
  type ProductUser,
  type SetupPolicy,
} from '../../src/sync/index.js';
import {
  COMPANY,
  CUSTOMER_TYPE,
  NOW,
  OTHER_COMPANY,
  OTHER_SETUP,
  SETUP,
  applyToSnapshot,
  daysBefore,
} from './builders.js';
import { entraUser } from '../support/directory-users.js';

const ENTRA_IDS = ['e1', 'e2', 'e3', 'e4', 'e5'];
const text = (...values: (string | null)[]) => fc.constantFrom<string | null>(...values);
const initialsValue = text('ab', 'AB', 'cd', '', null);
const nameValue = text('Ann', 'Bob', ' Ann ', null);

const directoryUserArb: fc.Arbitrary<DirectoryUser> = fc
  .record({
    id: fc.constantFrom(...ENTRA_IDS),
    displayName: nameValue,
    givenName: nameValue,
    surname: nameValue,
    mail: text('a@x.com', 'A@X.com', 'b@x.com', 'c@x.com', '  ', 'not-an-email', null),
    userPrincipalName: text('a@x.com', 'd@x.com', 'g_y.com#EXT#@t.onmicrosoft.com', null),
    mailNickname: initialsValue,
    jobTitle: nameValue,
    department: nameValue,
    mobilePhone: text('1', '2', null),
    businessPhones: fc.subarray(['1', ' ', '2']),
    officeLocation: nameValue,
    employeeId: initialsValue,
    onPremisesSamAccountName: initialsValue,
    accountEnabled: fc.constantFrom<boolean | null>(true, true, false, null),
    userType: fc.constantFrom<string | null>('Member', 'Member', 'Guest', null),
  })
  .map(entraUser);

const productUserArb = fc.record({
  companyId: fc.constantFrom(COMPANY, COMPANY, COMPANY, OTHER_COMPANY),
  customerTypeId: fc.constant(CUSTOMER_TYPE),
  email: text('a@x.com', 'A@x.com', 'b@x.com', 'd@x.com', null),
  initials: text('AB', 'ab', 'CD', null),
  firstName: nameValue,
  lastName: nameValue,
  displayName: nameValue,
  phone: text('1', '2', null),
  mobile: text('1', null),
  department: nameValue,
  jobTitle: nameValue,
  officeLocation: nameValue,
  externalId: fc.constantFrom<string | null>(null, null, 'e-gone', ...ENTRA_IDS),
  managingSetupId: fc.constantFrom<string | null>(SETUP, SETUP, OTHER_SETUP, null),
  active: fc.boolean(),
  deactivatedAt: fc.option(fc.integer({ min: 0, max: 10 }).map((days) => daysBefore(NOW, days))),
  deactivatedBySetupId: fc.constantFrom<string | null>(null, SETUP, OTHER_SETUP),
});

/**
 * Unique ids; an Entra id links at most one product user per company, as the database guarantees; a
 * setup belongs to one company, so another company's users are never managed by the setup under test.
 */
const productUsersArb: fc.Arbitrary<ProductUser[]> = fc.array(productUserArb, { maxLength: 8 }).map((rows) => {
  const linked = new Set<string>();
  return rows.map((row, index) => {
    const key = `${row.companyId}/${row.externalId}`;
    const externalId = row.externalId !== null && !linked.has(key) ? row.externalId : null;
    if (externalId !== null) linked.add(key);
    const managingSetupId =
      row.companyId !== COMPANY && row.managingSetupId === SETUP ? OTHER_SETUP : row.managingSetupId;
    return { ...row, id: `p${index}`, externalId, managingSetupId };
  });
});

const policyArb: fc.Arbitrary<SetupPolicy> = fc.record({
  setupId: fc.constant(SETUP),
  companyId: fc.constant(COMPANY),
  customerTypeId: fc.constant(CUSTOMER_TYPE),
  updateExisting: fc.boolean(),
  deleteRemoved: fc.boolean(),
  matchOn: fc.constantFrom<'email' | 'initials'>('email', 'initials'),
  initialsAttributes: fc.shuffledSubarray(['onPremisesSamAccountName', 'mailNickname', 'employeeId'] as const, {
    minLength: 1,
  }),
  removalGraceDays: fc.integer({ min: 0, max: 3 }),
  deletionThreshold: fc.constant({ count: 500, percent: 20 }),
  verifiedDomains: fc.constantFrom<string[]>(['x.com'], ['X.com', 'y.com'], [], ['t.onmicrosoft.com']),
});

const worldArb = fc.record({
  members: fc.array(directoryUserArb, { maxLength: 8 }),
  users: productUsersArb,
  policy: policyArb,
  chunkSize: fc.integer({ min: 1, max: 3 }),
});
type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

const forEveryWorld = (check: (world: World) => void) => fc.assert(fc.property(worldArb, check), { numRuns: 500 });

const distinctIds = (members: DirectoryUser[]) => [...new Set(members.map((member) => member.id))];

/** Everything not linked to a current member: more than the orchestrator's SQL would hand in, on purpose. */
const notMembers = (users: ProductUser[], members: DirectoryUser[]) => {
  const ids = new Set(members.map((member) => member.id));
  return users.filter((user) => user.externalId === null || !ids.has(user.externalId));
};

/**
 * What the orchestrator does: each chunk of members planned against the company's users as they are
 * after the previous chunk was applied; then the removals, found as its SQL would find them, applied.
 */
function runSync(users: ProductUser[], chunks: DirectoryUser[][], policy: SetupPolicy) {
  let snapshot = users;
  const memberChanges: PlannedChange[] = [];
  for (const chunk of chunks) {
    const planned = planMembers(
      chunk,
      indexCandidates(snapshot.filter((user) => user.companyId === policy.companyId)),
      policy,
    );
    memberChanges.push(...planned);
    snapshot = applyToSnapshot(snapshot, planned, policy, NOW);
  }
  const removed = notMembers(snapshot, chunks.flat()).filter(
    (user) => user.companyId === policy.companyId && user.managingSetupId === policy.setupId,
  );
  const removalChanges = planRemovals(removed, policy, NOW);
  return {
    changes: [...memberChanges, ...removalChanges],
    removed,
    users: applyToSnapshot(snapshot, removalChanges, policy, NOW),
  };
}

const WRITES = new Set<PlannedChange['action']>(['create', 'update', 'adopt', 'deactivate', 'delete']);
const writesOf = (changes: PlannedChange[]) => changes.filter((change) => WRITES.has(change.action));

/**
 * Whether a run freed a match key another member may have been blocked on: it deleted a user, or moved a
 * product user's email/initials away. The blocked member is created or adopted by the next run (not this
 * one: its plan was made before), so only then may a re-run still write.
 */
const freesMatchKeys = (changes: PlannedChange[], policy: SetupPolicy) =>
  changes.some(
    (change) =>
      change.action === 'delete' ||
      (change.action !== 'create' && change.after !== null && policy.matchOn in change.after),
  );

/** A re-run after applying writes nothing (unless the first run freed a match key); a third run never does. */
function expectConvergence(users: ProductUser[], chunks: DirectoryUser[][], policy: SetupPolicy): void {
  const first = runSync(users, chunks, policy);
  const second = runSync(first.users, chunks, policy);
  const third = runSync(second.users, chunks, policy);
  if (!freesMatchKeys(first.changes, policy)) {
    expect(writesOf(second.changes)).toEqual([]);
    expect(second.users).toEqual(first.users);
  }
  expect(writesOf(third.changes)).toEqual([]);
}

describe('sync plan properties', () => {
  it('plans exactly one change per distinct member, in order of first appearance', () => {
    forEveryWorld(({ members, users, policy }) => {
      const changes = planMembers(members, indexCandidates(users), policy);
      expect(changes.map((change) => change.externalId)).toEqual(distinctIds(members));
    });
  });

  it('never changes a product user managed by another setup, only records a conflict', () => {
    forEveryWorld(({ members, users, policy }) => {
      const changes = [
        ...planMembers(members, indexCandidates(users), policy),
        ...planRemovals(notMembers(users, members), policy, NOW),
      ];
      for (const change of changes) {
        const target = users.find((user) => user.id === change.userId);
        if (target?.managingSetupId != null && target.managingSetupId !== policy.setupId)
          expect(change.action).toBe('conflict');
        if (WRITES.has(change.action) && change.action !== 'create') expect(target?.companyId).toBe(policy.companyId);
      }
    });
  });

  it('removes only users this setup manages', () => {
    forEveryWorld(({ members, users, policy }) => {
      for (const change of planRemovals(notMembers(users, members), policy, NOW)) {
        if (change.action === 'deactivate' || change.action === 'delete') {
          expect(users.find((user) => user.id === change.userId)?.managingSetupId).toBe(policy.setupId);
        }
      }
    });
  });

  it('removes no one with deleteRemoved off', () => {
    forEveryWorld(({ members, users, policy }) => {
      const off = { ...policy, deleteRemoved: false };
      expect(planRemovals(notMembers(users, members), off, NOW)).toEqual([]);
      expect(planMembers(members, indexCandidates(users), off).some((change) => change.action === 'delete')).toBe(
        false,
      );
    });
  });

  it('writes no attribute of an existing user with updateExisting off, only its active state', () => {
    forEveryWorld(({ members, users, policy }) => {
      const off = { ...policy, updateExisting: false };
      for (const change of planMembers(members, indexCandidates(users), off)) {
        if (change.action === 'update' || change.action === 'adopt' || change.action === 'deactivate') {
          expect(Object.keys(change.after ?? {}).filter((field) => field !== 'active')).toEqual([]);
        }
      }
    });
  });

  it('counts every member and every removed user exactly once', () => {
    forEveryWorld(({ members, users, policy }) => {
      const { changes, removed } = runSync(users, [members], policy);
      const removedCount = policy.deleteRemoved ? new Set(removed.map((user) => user.id)).size : 0;
      expect(totalCount(countChanges(changes))).toBe(distinctIds(members).length + removedCount);
    });
  });

  it('converges: planning again after applying the plan writes nothing', () => {
    forEveryWorld(({ members, users, policy }) => expectConvergence(users, [members], policy));
  });

  it('converges when the members come in chunks applied one after the other', () => {
    forEveryWorld(({ members, users, policy, chunkSize }) => {
      // Distinct members so no id straddles two chunks (the orchestrator pages a deduplicated staging table).
      const distinct = [...new Map(members.map((member) => [member.id, member])).values()];
      const chunks = Array.from({ length: Math.ceil(distinct.length / chunkSize) }, (_, i) =>
        distinct.slice(i * chunkSize, (i + 1) * chunkSize),
      );
      expectConvergence(users, chunks, policy);
    });
  });
});
