import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { ChangeAuditAction } from '../schema.js';

/** Read side of runs, audit and users for the API and admin pages: paged lists as { rows, total }. */
export const pageSize = 50;

function offsetOf(page: number): number {
  return (Math.max(1, page) - 1) * pageSize;
}

export async function latestRun(db: Db, setupId: string) {
  return db
    .selectFrom('sync_runs')
    .selectAll()
    .where('setup_id', '=', setupId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function listSetupRuns(db: Db, setupId: string, page: number) {
  const [rows, total] = await Promise.all([
    db
      .selectFrom('sync_runs')
      .selectAll()
      .where('setup_id', '=', setupId)
      .orderBy('created_at', 'desc')
      .limit(pageSize)
      .offset(offsetOf(page))
      .execute(),
    db
      .selectFrom('sync_runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('setup_id', '=', setupId)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export async function findCompanyRun(db: Db, companyId: string, runId: string) {
  return db
    .selectFrom('sync_runs')
    .selectAll()
    .where('id', '=', runId)
    .where('company_id', '=', companyId)
    .executeTakeFirst();
}

export async function listRunChanges(db: Db, runId: string, filter: { action?: ChangeAuditAction; page: number }) {
  let base = db.selectFrom('sync_changes').where('run_id', '=', runId);
  if (filter.action) base = base.where('action', '=', filter.action);
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy('id').limit(pageSize).offset(offsetOf(filter.page)).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** How many changes of each action the run recorded (the admin page's filter labels). */
export async function countRunChangesByAction(
  db: Db,
  runId: string,
): Promise<Partial<Record<ChangeAuditAction, number>>> {
  const rows = await db
    .selectFrom('sync_changes')
    .select(['action', (eb) => eb.fn.countAll<string>().as('n')])
    .where('run_id', '=', runId)
    .groupBy('action')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]));
}

export async function listCompanyUsers(
  db: Db,
  companyId: string,
  filter: { customerTypeId?: string; q?: string; page: number },
) {
  let base = db.selectFrom('users').where('company_id', '=', companyId);
  if (filter.customerTypeId) base = base.where('customer_type_id', '=', filter.customerTypeId);
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, '\\$&')}%`;
    base = base.where((eb) =>
      eb.or([
        eb('email', 'ilike', pattern),
        eb('display_name', 'ilike', pattern),
        eb('initials', 'ilike', pattern),
        eb(sql<string>`coalesce(first_name, '') || ' ' || coalesce(last_name, '')`, 'ilike', pattern),
      ]),
    );
  }
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy('display_name').orderBy('id').limit(pageSize).offset(offsetOf(filter.page)).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
