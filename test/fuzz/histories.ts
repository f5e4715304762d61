import fc from 'fast-check';
import type { TestStack } from '../support/stack.js';
import { onboardCompany } from '../support/stack.js';
import { connectNewTenant, createSetup, runSetup } from '../support/sync-fixtures.js';
import type { FaultSettings } from '../../src/simulator/faults.js';

/**
 * Model-based test of directory histories (issue 11). A history is a random sequence of directory operations in
 * the simulator, Graph faults and sync runs (delta, full, dry) under one setup policy. After every run the
 * product must equal what an independent oracle computes from the directory as the simulator holds it (the
 * simulator follows Microsoft's documentation, not the engine) and from the product before the run:
 * every enabled member present with its current attributes, disabled members inactive, removed members deleted
 * or kept as deleteRemoved says, users the setup does not manage untouched, counts that add up, exactly one
 * audit row with a reason per changed user; a dry run changes nothing.
 *
 * The oracle below is written from the product rules, not from src/sync: it matches on one key, adopts a single
 * unmanaged match, creates otherwise, never writes attributes of managed users when updateExisting is off.
 */

export interface Policy {
  updateExisting: boolean;
  deleteRemoved: boolean;
  matchOn: 'email' | 'initials';
}

type Target = 'root' | 'nested1' | 'nested2' | 'other';
const targets: Target[] = ['root', 'nested1', 'nested2', 'other'];
type Attr = 'jobTitle' | 'department' | 'givenName' | 'surname';

export type Step =
  | { op: 'createUser'; into: Target | null; enabled: boolean }
  | { op: 'addMember'; user: number; into: Target }
  | { op: 'removeMember'; user: number }
  | { op: 'changeAttr'; user: number; attr: Attr; value: number }
  | { op: 'changeKeys'; user: number }
  | { op: 'changeUpn'; user: number }
  | { op: 'disable'; user: number }
  | { op: 'enable'; user: number }
  | { op: 'softDelete'; user: number }
  | { op: 'restore'; user: number }
  | { op: 'hardDelete'; user: number }
  | { op: 'toggleNested2' }
  | { op: 'moveNested'; user: number }
  | { op: 'switchGroup' }
  | {
      op: 'fault';
      fault: 'throttle' | 'unavailable' | 'drop' | 'emptyPage';
      match: 'delta' | 'transitiveMembers' | '$batch' | 'users/';
      count: number;
    }
  | { op: 'run'; kind: 'delta' | 'full' | 'dry' };

export interface History {
  policy: Policy;
  /** Directory users at the start: in the root group directly or through nested1, enabled or not. */
  initial: { into: 'root' | 'nested1' | null; enabled: boolean }[];
  /** Product users before the first run: a twin of directory user i (same email and initials), or a stranger. */
  preExisting: ({ twinOf: number } | { stranger: true })[];
  steps: Step[];
}

const userRef = fc.nat({ max: 30 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('createUser' as const),
      into: fc.option(fc.constantFrom(...targets), { nil: null }),
      enabled: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('addMember' as const), user: userRef, into: fc.constantFrom(...targets) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('removeMember' as const), user: userRef }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('changeAttr' as const),
      user: userRef,
      attr: fc.constantFrom<Attr>('jobTitle', 'department', 'givenName', 'surname'),
      value: fc.nat({ max: 9 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('changeKeys' as const), user: userRef }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('changeUpn' as const), user: userRef }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('disable' as const), user: userRef }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('enable' as const), user: userRef }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('softDelete' as const), user: userRef }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('restore' as const), user: userRef }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hardDelete' as const), user: userRef }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('toggleNested2' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('moveNested' as const), user: userRef }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('switchGroup' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('fault' as const),
      fault: fc.constantFrom('throttle' as const, 'unavailable' as const, 'drop' as const, 'emptyPage' as const),
      match: fc.constantFrom('delta' as const, 'transitiveMembers' as const, '$batch' as const, 'users/' as const),
      count: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('run' as const),
      kind: fc.constantFrom('delta' as const, 'delta' as const, 'full' as const, 'dry' as const),
    }),
  },
);

export const historyArb: fc.Arbitrary<History> = fc.record({
  policy: fc.record({
    updateExisting: fc.boolean(),
    deleteRemoved: fc.boolean(),
    matchOn: fc.constantFrom('email' as const, 'initials' as const),
  }),
  initial: fc.array(
    fc.record({
      into: fc.constantFrom('root' as const, 'nested1' as const, null),
      enabled: fc.constantFrom(true, true, true, false),
    }),
    { minLength: 2, maxLength: 5 },
  ),
  preExisting: fc.array(fc.oneof(fc.record({ twinOf: fc.nat({ max: 4 }) }), fc.constant({ stranger: true as const })), {
    maxLength: 2,
  }),
  steps: fc.array(stepArb, { minLength: 3, maxLength: 12 }),
});

interface ProductRow {
  id: string;
  email: string | null;
  initials: string | null;
  first_name: string | null;
  last_name: string | null;
  display_name: string | null;
  department: string | null;
  job_title: string | null;
  external_id: string | null;
  managing_setup_id: string | null;
  active: boolean;
  deactivated_by_setup_id: string | null;
}

const compared = [
  'email',
  'initials',
  'first_name',
  'last_name',
  'display_name',
  'department',
  'job_title',
  'external_id',
  'managing_setup_id',
  'active',
] as const;
const attributeColumns = [
  'email',
  'initials',
  'first_name',
  'last_name',
  'display_name',
  'department',
  'job_title',
] as const;

export class HistoryFailure extends Error {}

function fail(message: string, details: unknown): never {
  throw new HistoryFailure(`${message}\n${JSON.stringify(details, null, 1)}`);
}

let uniq = 0;
function fresh(prefix: string): string {
  uniq += 1;
  return `${prefix}${Date.now().toString(36)}${uniq}`;
}

/** Runs one history against the stack; throws a HistoryFailure saying where the product left the model. */
export async function runHistory(stack: TestStack, history: History): Promise<{ runs: number }> {
  const { control } = stack.sim;
  const company = await onboardCompany(stack);
  const { tenantId, connectionId } = await connectNewTenant(stack, company, fresh('Fuzz '));
  const tenant = () => control.tenant(tenantId);
  // Addresses in the tenant's verified domain: adoption needs one (src/sync/adoption.ts, tested on its own), and
  // the model adopts a twin on the match key alone.
  const domain = control.tenant(tenantId).defaultDomain;
  const groups: Record<Target, string> = {
    root: control.addGroup(tenantId, { displayName: 'Root' }).id,
    nested1: control.addGroup(tenantId, { displayName: 'Nested 1' }).id,
    nested2: control.addGroup(tenantId, { displayName: 'Nested 2' }).id,
    other: control.addGroup(tenantId, { displayName: 'Other' }).id,
  };
  control.addMember(tenantId, groups.root, groups.nested1);
  const users: string[] = [];
  const newUser = (enabled: boolean) => {
    const n = fresh('u');
    const user = control.addUser(tenantId, {
      displayName: `Person ${n}`,
      givenName: 'Given',
      surname: n,
      mail: `${n}@${domain}`,
      userPrincipalName: `${n}@${domain}`,
      mailNickname: n,
      onPremisesSamAccountName: n.toUpperCase(),
      jobTitle: 'Engineer',
      department: 'R&D',
      accountEnabled: enabled,
    });
    users.push(user.id);
    return user.id;
  };
  for (const start of history.initial) {
    const id = newUser(start.enabled);
    if (start.into) control.addMember(tenantId, groups[start.into], id);
  }
  // product users before the first run
  for (const pre of history.preExisting) {
    const twin = 'twinOf' in pre ? tenant().users.get(users[pre.twinOf % users.length]!) : undefined;
    const n = fresh('p');
    await stack.db
      .insertInto('users')
      .values({
        company_id: company.companyId,
        customer_type_id: company.customerTypeId,
        email: twin ? twin.mail!.toLowerCase() : `${n}@product.example`,
        initials: twin ? twin.onPremisesSamAccountName!.toUpperCase() : n.toUpperCase(),
        first_name: 'Pre',
        last_name: 'Existing',
        display_name: `Pre ${n}`,
        phone: null,
        mobile: null,
        department: 'Product',
        job_title: 'Manual',
        office_location: null,
        external_id: null,
        managing_setup_id: null,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  const setup = await createSetup(stack, company, connectionId, groups.root, {
    ...history.policy,
    deletionThreshold: { count: 10_000, percent: 100 },
    removalGraceDays: 0,
  });
  let setupGroup: Target = 'root';
  let nested2In = false;
  let pendingFault: FaultSettings | null = null;
  let runs = 0;

  const product = async (): Promise<ProductRow[]> =>
    (await stack.db
      .selectFrom('users')
      .selectAll()
      .where('company_id', '=', company.companyId)
      .orderBy('id')
      .execute()) as unknown as ProductRow[];

  const user = (index: number) => users[index % users.length]!;
  const exists = (id: string) => tenant().users.has(id);
  const live = (id: string) => exists(id) && !tenant().users.get(id)!.deletedDateTime;
  const directGroupsOf = (id: string) =>
    (Object.keys(groups) as Target[]).filter((g) => tenant().groups.get(groups[g])!.members.has(id));

  async function run(kind: 'delta' | 'full' | 'dry', stepIndex: number) {
    runs += 1;
    const before = await product();
    const deltaBefore = await stack.db
      .selectFrom('sync_delta_state')
      .selectAll()
      .where('setup_id', '=', setup.id)
      .executeTakeFirst();
    if (pendingFault) control.setFaults(tenantId, pendingFault);
    const result = await runSetup(stack, company, setup.id, { dryRun: kind === 'dry', fullSync: kind === 'full' });
    control.clearFaults(tenantId);
    pendingFault = null;
    const after = await product();
    const where = {
      step: stepIndex,
      kind,
      mode: result.mode,
      error: result.error,
      counts: result.counts,
      fullReason: result.progress?.fullReason,
    };
    if (result.status !== 'succeeded') fail(`run at step ${stepIndex} did not succeed`, where);

    const rows = await stack.db.selectFrom('sync_changes').selectAll().where('run_id', '=', result.id).execute();
    const writes = rows.filter((r) => ['create', 'update', 'adopt', 'deactivate', 'delete'].includes(r.action));
    if (rows.some((r) => !r.reason || r.reason.trim() === ''))
      fail('an audit row without a reason', { ...where, rows });

    if (kind === 'dry') {
      if (JSON.stringify(after) !== JSON.stringify(before))
        fail('a dry run changed the product', { ...where, before, after });
      const deltaAfter = await stack.db
        .selectFrom('sync_delta_state')
        .selectAll()
        .where('setup_id', '=', setup.id)
        .executeTakeFirst();
      if (JSON.stringify(deltaAfter) !== JSON.stringify(deltaBefore)) fail('a dry run moved the delta state', where);
    }

    // The oracle: the product as it should be after this run, from the directory now and the product before.
    const members = [...control.transitiveUserIds(tenantId, groups[setupGroup])].map((id) => tenant().users.get(id)!);
    const expected = new Map(before.map((row) => [row.id, { ...row }]));
    const mapped = (m: (typeof members)[number]) => ({
      email: m.mail?.toLowerCase() ?? null,
      initials: m.onPremisesSamAccountName?.toUpperCase() ?? null,
      first_name: m.givenName,
      last_name: m.surname,
      display_name: m.displayName,
      department: m.department,
      job_title: m.jobTitle,
    });
    const created: Record<string, unknown>[] = [];
    for (const member of members) {
      const enabled = member.accountEnabled !== false;
      const linked = [...expected.values()].find((row) => row.external_id === member.id);
      if (linked) {
        if (linked.managing_setup_id !== setup.id) continue;
        if (history.policy.updateExisting) Object.assign(linked, mapped(member));
        linked.active = enabled ? linked.active || linked.deactivated_by_setup_id === setup.id : false;
        continue;
      }
      if (!enabled) continue;
      const key = history.policy.matchOn === 'email' ? mapped(member).email : mapped(member).initials;
      const matches = [...expected.values()].filter(
        (row) => (history.policy.matchOn === 'email' ? row.email : row.initials) === key,
      );
      if (matches.length === 0) {
        created.push({ external_id: member.id, managing_setup_id: setup.id, active: true, ...mapped(member) });
      } else if (matches.length === 1 && matches[0]!.managing_setup_id === null && matches[0]!.external_id === null) {
        Object.assign(
          matches[0]!,
          { external_id: member.id, managing_setup_id: setup.id, active: true },
          history.policy.updateExisting ? mapped(member) : {},
        );
      }
    }
    const memberIds = new Set(members.map((m) => m.id));
    const removed = [...expected.values()].filter(
      (row) => row.managing_setup_id === setup.id && !memberIds.has(row.external_id ?? ''),
    );
    if (history.policy.deleteRemoved) for (const row of removed) expected.delete(row.id);

    if (kind !== 'dry') {
      const pick = (row: Record<string, unknown>, updateAttributes = true) =>
        Object.fromEntries(
          compared
            .filter((c) => updateAttributes || !(attributeColumns as readonly string[]).includes(c))
            .map((c) => [c, row[c]]),
        );
      const actualById = new Map(after.map((row) => [row.id, row]));
      const wanted = [
        ...[...expected.values()].map((row) => pick(row as unknown as Record<string, unknown>)),
        ...created.map((row) => pick(row)),
      ];
      const got = [
        ...[...expected.keys()].map((id) =>
          actualById.get(id) ? pick(actualById.get(id) as unknown as Record<string, unknown>) : { missing: id },
        ),
      ];
      const newRows = after.filter((row) => !before.some((b) => b.id === row.id));
      got.push(...newRows.map((row) => pick(row as unknown as Record<string, unknown>)));
      const order = (list: Record<string, unknown>[]) => list.map((r) => JSON.stringify(r)).sort();
      if (JSON.stringify(order(wanted)) !== JSON.stringify(order(got))) {
        fail(`after the run at step ${stepIndex} the product differs from the model`, {
          ...where,
          policy: history.policy,
          expectedOnly: order(wanted).filter((r) => !order(got).includes(r)),
          actualOnly: order(got).filter((r) => !order(wanted).includes(r)),
        });
      }
      // exactly one audit row per changed user, and no write for a user that did not change
      const changed = new Set<string>();
      for (const row of before) {
        const now = actualById.get(row.id);
        if (!now || compared.some((c) => JSON.stringify(now[c]) !== JSON.stringify(row[c]))) changed.add(row.id);
      }
      for (const row of newRows) changed.add(row.id);
      const perUser = new Map<string, number>();
      for (const w of writes)
        perUser.set(w.user_id ?? `ext:${w.external_id}`, (perUser.get(w.user_id ?? `ext:${w.external_id}`) ?? 0) + 1);
      const audited = [...perUser.keys()].sort();
      if (
        JSON.stringify(audited) !== JSON.stringify([...changed].sort()) ||
        [...perUser.values()].some((n) => n !== 1)
      ) {
        fail(`the audit of the run at step ${stepIndex} does not match its changes`, {
          ...where,
          changed: [...changed],
          writes: writes.map((w) => [w.action, w.user_id, w.reason]),
        });
      }
    }
    // counts add up: a full read counts every member once and every removed user it decides about once
    const total = Object.values(result.counts as Record<string, number>).reduce((a, b) => a + b, 0);
    if (result.mode === 'full') {
      const expectedTotal = members.length + (history.policy.deleteRemoved ? removed.length : 0);
      if (total !== expectedTotal)
        fail(`the counts of the run at step ${stepIndex} do not add up`, {
          ...where,
          members: members.length,
          removed: removed.length,
          total,
        });
    }
    const byAction = (action: string) => rows.filter((r) => r.action === action).length;
    if (
      result.counts.created !== byAction('create') ||
      result.counts.deleted !== byAction('delete') ||
      result.counts.adopted !== byAction('adopt')
    ) {
      fail(`the counts of the run at step ${stepIndex} disagree with its audit`, where);
    }
  }

  await run('delta', -1); // the first run (full: no delta links yet)
  for (const [index, step] of history.steps.entries()) {
    switch (step.op) {
      case 'createUser': {
        const id = newUser(step.enabled);
        if (step.into) control.addMember(tenantId, groups[step.into], id);
        break;
      }
      case 'addMember': {
        const id = user(step.user);
        if (live(id)) control.addMember(tenantId, groups[step.into], id);
        break;
      }
      case 'removeMember': {
        const id = user(step.user);
        const from = exists(id) && live(id) ? directGroupsOf(id)[0] : undefined;
        if (from) control.removeMember(tenantId, groups[from], id);
        break;
      }
      case 'changeAttr': {
        const id = user(step.user);
        if (exists(id)) control.updateUser(tenantId, id, { [step.attr]: `${step.attr} ${step.value}` });
        break;
      }
      case 'changeKeys': {
        // mail and sAMAccountName change together, so a product twin matches on neither or on both
        const id = user(step.user);
        const n = fresh('k');
        if (exists(id))
          control.updateUser(tenantId, id, { mail: `${n}@${domain}`, onPremisesSamAccountName: n.toUpperCase() });
        break;
      }
      case 'changeUpn': {
        const id = user(step.user);
        if (exists(id)) control.updateUser(tenantId, id, { userPrincipalName: `${fresh('upn')}@${domain}` });
        break;
      }
      case 'disable':
        if (exists(user(step.user))) control.disableUser(tenantId, user(step.user));
        break;
      case 'enable':
        if (exists(user(step.user))) control.enableUser(tenantId, user(step.user));
        break;
      case 'softDelete':
        if (live(user(step.user))) control.deleteUser(tenantId, user(step.user));
        break;
      case 'restore':
        if (exists(user(step.user)) && !live(user(step.user))) control.restoreUser(tenantId, user(step.user));
        break;
      case 'hardDelete':
        if (exists(user(step.user))) control.deleteUser(tenantId, user(step.user), { hard: true });
        break;
      case 'toggleNested2':
        if (nested2In) control.removeMember(tenantId, groups.root, groups.nested2);
        else control.addMember(tenantId, groups.root, groups.nested2);
        nested2In = !nested2In;
        break;
      case 'moveNested': {
        const id = user(step.user);
        if (!live(id)) break;
        const inGroups = directGroupsOf(id);
        const from = inGroups.includes('nested1') ? 'nested1' : inGroups.includes('nested2') ? 'nested2' : null;
        if (from) control.moveMember(tenantId, id, groups[from], from === 'nested1' ? groups.nested2 : groups.nested1);
        break;
      }
      case 'switchGroup': {
        setupGroup = setupGroup === 'root' ? 'other' : 'root';
        const res = await stack.call('PATCH', `/api/v1/setups/${setup.id}`, {
          key: company.key,
          body: { groupId: groups[setupGroup] },
        });
        if (res.status !== 200) fail(`PATCH groupId answered ${res.status}`, await res.json());
        break;
      }
      case 'fault': {
        const match = step.match;
        pendingFault =
          step.fault === 'throttle'
            ? { throttle: { mode: 'burst', count: step.count, retryAfterSeconds: 0.2, match } }
            : step.fault === 'unavailable'
              ? { serverErrors: { status: 503, count: step.count, retryAfterSeconds: 0.2, match } }
              : step.fault === 'drop'
                ? { dropConnections: { count: 1, match } }
                : { emptyMemberPages: { count: step.count, keepNextLink: true } };
        break;
      }
      case 'run':
        await run(step.kind, index);
        break;
    }
  }
  await run('delta', history.steps.length);
  return { runs };
}

export const policies: Policy[] = [true, false].flatMap((updateExisting) =>
  [true, false].flatMap((deleteRemoved) =>
    (['email', 'initials'] as const).map((matchOn) => ({ updateExisting, deleteRemoved, matchOn })),
  ),
);

/**
 * Runs `histories` random histories from `seed`, spread over every combination of updateExisting, deleteRemoved
 * and matchOn (combination i uses seed + i); fast-check shrinks a failing one and reports its seed and steps.
 */
export async function checkHistories(stack: TestStack, options: { histories: number; seed?: number }) {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  let totalRuns = 0;
  let passed = 0;
  let failed = 0;
  const reports: string[] = [];
  for (const [i, policy] of policies.entries()) {
    const numRuns = Math.floor(options.histories / policies.length) + (i < options.histories % policies.length ? 1 : 0);
    if (numRuns === 0) continue;
    const details = await fc.check(
      fc.asyncProperty(
        historyArb.map((history) => ({ ...history, policy })),
        async (history) => {
          const { runs } = await runHistory(stack, history);
          totalRuns += runs;
        },
      ),
      { numRuns, seed: seed + i },
    );
    passed += details.failed ? details.numRuns - 1 : details.numRuns;
    if (details.failed) {
      failed += 1;
      reports.push(
        `policy ${JSON.stringify(policy)}, seed ${seed + i}:\n${fc.defaultReportMessage(details)}\n${String((details.errorInstance as Error | undefined)?.message ?? '')}`,
      );
    }
  }
  return { seed, passed, failed, totalRuns, report: reports.length ? reports.join('\n\n') : null };
}
