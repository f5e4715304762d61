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
