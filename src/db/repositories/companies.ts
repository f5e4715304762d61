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

export async function updateCompany(db: Db, id: string, input: { name?: string; directorySyncEnabled?: boolean }) {
  return db
    .updateTable('companies')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.directorySyncEnabled !== undefined ? { directory_sync_enabled: input.directorySyncEnabled } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function listCompanies(db: Db) {
  return db.selectFrom('companies').selectAll().orderBy('created_at').execute();
}
