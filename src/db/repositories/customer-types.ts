import type { Db } from '../database.js';

export async function insertCustomerType(db: Db, companyId: string, name: string) {
  return db
    .insertInto('customer_types')
    .values({ company_id: companyId, name })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listCustomerTypes(db: Db, companyId: string) {
  return db.selectFrom('customer_types').selectAll().where('company_id', '=', companyId).orderBy('name').execute();
}

export async function findCompanyCustomerType(db: Db, companyId: string, id: string) {
  return db
    .selectFrom('customer_types')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The names of a company's customer types among `ids` (another company's ids are not found). */
export async function customerTypeNames(
  db: Db,
  companyId: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('customer_types')
    .select(['id', 'name'])
    .where('company_id', '=', companyId)
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}
