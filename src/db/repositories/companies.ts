import type { Db } from '../database.js';

export async function insertCompany(db: Db, input: { name: string; directorySyncEnabled?: boolean }) {
  return db
    .insertInto('companies')
    .values({ name: input.name, directory_sync_enabled: input.directorySyncEnabled ?? false })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findCompany(db: Db, id: string) {
  return db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst();
}
