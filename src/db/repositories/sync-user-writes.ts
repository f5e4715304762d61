import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../database.js';
import type { PlannedChange } from '../../sync/types.js';
import { writeIsolatingFailures, type IsolatedResult } from './sync-savepoints.js';
import { settledHashOf, type SettleKey } from './sync-settled.js';
import { syncedColumns, syncedColumnValues, syncedFieldNames } from './sync-user-rows.js';
import { reasonText, type Reason } from '../../sync/reasons.js';
import { statusBecause } from '../../sync/status-reasons.js';
import { ATTRIBUTE_FIELDS } from '../../sync/product-mapping.js';
import { unpeeked } from './unpeeked.js';

/**
 * The user writes of one batch, following the apply rules on PlannedChange (src/sync/types.ts). Each kind of
 * write is one set-based statement for the whole batch; rows that fail are isolated by bisection (see
 * sync-savepoints.ts) so one bad user never aborts the rest.
 *
 * Every statement also re-checks ownership the plan assumed (the user is still this setup's, or still nobody's
 * for an adopt): another setup's run may have taken the user between plan and apply. A change whose user no
 * longer qualifies, or no longer exists, matches no row and is reported as failed.
 */

export interface WriteTarget {
  setupId: string;
  companyId: string;
  customerTypeId: string;
  now: Date;
  /**
   * Member writes of a run that is not a dry run: each written user is marked settled with its staged member's
   * data (sync-settled.ts), in the same statement, so a next run with the same data skips planning it.
   */
  settle?: SettleKey;
}

/** What happened to one change: the user it wrote (a create's new id), or why it failed. */
export interface WriteOutcome {
  userId: string | null;
  error: Reason | string | null;
}

const vanished = statusBecause.userVanished;

function outcomesOf(
  changes: readonly PlannedChange[],
  keyOf: (change: PlannedChange) => string,
  result: IsolatedResult,
): Map<PlannedChange, WriteOutcome> {
  const outcomes = new Map<PlannedChange, WriteOutcome>();
  for (const change of changes) {
    const key = keyOf(change);
    const userId = result.written.get(key);
    outcomes.set(
      change,
      userId !== undefined ? { userId, error: null } : { userId: null, error: result.failed.get(key) ?? vanished },
    );
  }
  return outcomes;
}

function required(value: string | null, what: string, change: PlannedChange): string {
  if (value === null) throw new Error(`a ${change.action} change without ${what} cannot be applied (${change.reason})`);
  return value;
}

const externalIdOf = (change: PlannedChange) => required(change.externalId, 'an external id', change);
const userIdOf = (change: PlannedChange) => required(change.userId, 'a user id', change);

/** The columns a create writes from a change's `after`, with their SQL types for jsonb_to_recordset. */
const createdColumns = sql.join(
  syncedFieldNames.map(
    (field) => sql`${sql.id(syncedColumns[field])} ${sql.raw(field === 'active' ? 'boolean' : 'text')}`,
  ),
);
const createdColumnNames = sql.join(syncedFieldNames.map((field) => sql.id(syncedColumns[field])));

/**
 * Why creates that ON CONFLICT DO NOTHING skipped were refused: which of the company's unique values (email,
 * initials) or the setup's Entra id another user already holds — possibly one created earlier in this batch.
 */
async function explainCreateConflicts(
  trx: Db,
  target: WriteTarget,
  rows: { external_id: string; email: string | null; initials: string | null }[],
) {
  // One index probe per refused row and key (fenced with LIMIT, like the candidate lookups): during a first sync
  // the users table grows faster than its statistics, and an unfenced EXISTS was planned as a scan of it.
  const probe = (condition: RawBuilder<unknown>) =>
    sql`(select true from users u where ${condition} limit 1) is not null`;
  const explained = await sql<{ external_id: string; email_taken: boolean; initials_taken: boolean; linked: boolean }>`
    select r.external_id,
      ${probe(sql`u.company_id = ${unpeeked(target.companyId)} and u.email is not null and lower(u.email) = lower(r.email)`)} as email_taken,
      ${probe(sql`u.company_id = ${unpeeked(target.companyId)} and u.initials is not null and upper(u.initials) = upper(r.initials)`)} as initials_taken,
      ${probe(sql`u.managing_setup_id = ${unpeeked(target.setupId)} and u.external_id is not null and u.external_id = r.external_id`)} as linked
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(external_id text, email text, initials text)`.execute(
    trx,
  );
  const byId = new Map(rows.map((row) => [row.external_id, row]));
  return new Map(
    explained.rows.map((row) => {
      const { email, initials } = byId.get(row.external_id)!;
      const reasons = [
        row.email_taken ? statusBecause.emailTaken(email ?? '') : null,
        row.initials_taken ? statusBecause.initialsTaken(initials ?? '') : null,
        row.linked
          ? 'this setup already manages a user linked to this Entra id (users_one_external_id_per_setup)'
          : null,
      ].filter((reason) => reason !== null);
      // one refusal keeps its code; several are joined as text
      const why: Reason | string =
        reasons.length === 1
          ? reasons[0]!
          : reasons.map((r) => (typeof r === 'string' ? r : reasonText(r))).join('; ') ||
            'a unique value of this user was taken by a concurrent write';
      return [row.external_id, why] as const;
    }),
  );
}

/**
 * create: insert `after` as a new user of the setup's customer type, linked and managed by the setup. The
 * batch travels as one jsonb parameter (no bind-parameter limit, nothing for the driver to expand), and a
 * unique email, initials or Entra id that is taken skips that row (ON CONFLICT DO NOTHING) instead of failing
 * the statement: the common per-user failure costs one statement, not a bisection. Other row errors still
 * bisect (writeIsolatingFailures).
 */
async function createUsers(trx: Db, target: WriteTarget, changes: readonly PlannedChange[]) {
  const result = await writeIsolatingFailures(trx, changes, externalIdOf, async (slice) => {
    const rows = slice.map((change) => ({
      ...syncedColumnValues(change.after ?? {}),
      external_id: externalIdOf(change),
      customer_type_id: change.after?.customerTypeId ?? null,
      attributes: mappedAttributes(change),
    }));
    const inserted = await sql<{ id: string; external_id: string }>`
      insert into users (company_id, customer_type_id, managing_setup_id, external_id, attributes, settled_hash, ${createdColumnNames})
      select ${target.companyId}::uuid, coalesce(r.customer_type_id, ${target.customerTypeId}::uuid), ${target.setupId}::uuid,
        r.external_id, r.attributes, ${settledHashOf(target.settle, sql`r.external_id`)},
        ${sql.join(syncedFieldNames.map((field) => (field === 'active' ? sql`coalesce(r.active, true)` : sql.ref(`r.${syncedColumns[field]}`))))}
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as r(external_id text, customer_type_id uuid, attributes jsonb, ${createdColumns})
      where ${ownCustomerType(sql`r.customer_type_id`, target)}
      on conflict do nothing
      returning id, external_id`.execute(trx);
    const written = new Map(inserted.rows.map((row) => [row.external_id, row.id]));
    const refused = rows.filter((row) => !written.has(row.external_id));
    if (refused.length > 0) {
      const reasons = await explainCreateConflicts(
        trx,
        target,
        refused.map((row) => ({
          external_id: row.external_id,
          email: row.email ?? null,
          initials: row.initials ?? null,
        })),
      );
      return { written, failed: reasons };
    }
    return written;
  });
  return outcomesOf(changes, externalIdOf, result);
}

/**
 * `column = the value in after when after names the field, else the column as it is`, for each synced field;
 * a deactivate always writes active = false.
 */
const assignSyncedFields = sql.join(
  syncedFieldNames.map((field) => {
    const column = syncedColumns[field];
    const named = sql`c.after ? ${sql.lit(field)}`;
    if (field === 'active')
      return sql`active = case when c.deactivate then false when ${named} then (c.after->>'active')::boolean else u.active end`;
    return sql`${sql.id(column)} = case when ${named} then c.after->>${sql.lit(field)} else ${sql.ref(`u.${column}`)} end`;
  }),
);

/** The mapped fields beyond the columns a change writes (issue 16): those its `after` names. */
function mappedAttributes(change: PlannedChange): Record<string, string | null> {
  const after = change.after ?? {};
  return Object.fromEntries(ATTRIBUTE_FIELDS.filter((field) => after[field] !== undefined).map((f) => [f, after[f]!]));
}

/**
 * A customer type a rule routes to must still be one of the company's (checked on save; re-checked here, where
 * it is written, so no plan can put a user into another company's type). Null: the setup's own.
 */
function ownCustomerType(customerTypeId: RawBuilder<unknown>, target: WriteTarget) {
  return sql`(${customerTypeId} is null or exists (
    select 1 from customer_types ct where ct.id = ${customerTypeId} and ct.company_id = ${target.companyId}::uuid))`;
}

/**
 * adopt, update, deactivate in one UPDATE … FROM jsonb_to_recordset: an adopt also links the user to the member
 * and the setup; a deactivate stamps deactivated_at/by; a write of active=true clears both (a reactivation).
 */
async function updateUsers(trx: Db, target: WriteTarget, changes: readonly PlannedChange[]) {
  const result = await writeIsolatingFailures(trx, changes, userIdOf, async (slice) => {
    const rows = slice.map((change) => ({
      user_id: userIdOf(change),
      external_id: change.externalId,
      link: change.action === 'adopt',
      deactivate: change.action === 'deactivate',
      after: change.after ?? {},
      customer_type_id: change.after?.customerTypeId ?? null,
      attributes: mappedAttributes(change),
    }));
    const reactivates = sql`c.after->'active' = 'true'::jsonb`;
    const updated = await sql<{ id: string }>`
      update users u set
        ${assignSyncedFields},
        customer_type_id = coalesce(c.customer_type_id, u.customer_type_id),
        attributes = u.attributes || c.attributes,
        external_id = case when c.link then c.external_id else u.external_id end,
        managing_setup_id = case when c.link then ${target.setupId}::uuid else u.managing_setup_id end,
        deactivated_at = case when c.deactivate then ${target.now}::timestamptz when ${reactivates} then null else u.deactivated_at end,
        deactivated_by_setup_id = case when c.deactivate then ${target.setupId}::uuid when ${reactivates} then null else u.deactivated_by_setup_id end,
        ${target.settle ? sql`settled_hash = ${settledHashOf(target.settle, sql`c.external_id`)},` : sql``}
        updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as c(user_id uuid, external_id text, link boolean, deactivate boolean, after jsonb, customer_type_id uuid, attributes jsonb)
      where u.id = c.user_id and u.company_id = ${target.companyId}::uuid
        and ${ownCustomerType(sql`c.customer_type_id`, target)}
        and case
          when c.link then (u.managing_setup_id is null or u.managing_setup_id = ${target.setupId}::uuid)
                       and (u.external_id is null or u.external_id = c.external_id)
          else u.managing_setup_id = ${target.setupId}::uuid and u.external_id is not distinct from c.external_id
        end
      returning u.id`.execute(trx);
    return new Map(updated.rows.map((row) => [row.id, row.id]));
  });
  return outcomesOf(changes, userIdOf, result);
}

/** delete: only users this setup still manages. */
async function deleteUsers(trx: Db, target: WriteTarget, changes: readonly PlannedChange[]) {
  const result = await writeIsolatingFailures(trx, changes, userIdOf, async (slice) => {
    const deleted = await trx
      .deleteFrom('users')
      .where(sql<boolean>`id = any(${slice.map(userIdOf)}::uuid[])`)
      .where('company_id', '=', target.companyId)
      .where('managing_setup_id', '=', target.setupId)
      .returning('id')
      .execute();
    return new Map(deleted.map((row) => [row.id, row.id]));
  });
  return outcomesOf(changes, userIdOf, result);
}

type Writer = (
  trx: Db,
  target: WriteTarget,
  changes: readonly PlannedChange[],
) => Promise<Map<PlannedChange, WriteOutcome>>;

/**
 * Applies the changes that write (skip, conflict and unchanged write nothing and get no outcome). Deletes go
 * first so an email or initials they free is available to the creates of the same batch.
 */
export async function writeUsers(
  trx: Db,
  target: WriteTarget,
  changes: readonly PlannedChange[],
): Promise<Map<PlannedChange, WriteOutcome>> {
  const outcomes = new Map<PlannedChange, WriteOutcome>();
  const groups: [Writer, PlannedChange[]][] = [
    [deleteUsers, changes.filter((change) => change.action === 'delete')],
    [
      updateUsers,
      changes.filter(
        (change) => change.action === 'adopt' || change.action === 'update' || change.action === 'deactivate',
      ),
    ],
    [createUsers, changes.filter((change) => change.action === 'create')],
  ];
  for (const [write, group] of groups) {
    if (group.length === 0) continue;
    for (const [change, outcome] of await write(trx, target, group)) outcomes.set(change, outcome);
  }
  return outcomes;
}
