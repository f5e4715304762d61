import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// bigint identity columns come back as strings by default; counts in this service fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export type Db = Kysely<Database>;

export function createDb(databaseUrl: string, options: { poolSize?: number; applicationName?: string } = {}): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'directory-sync',
  });
  // An idle client that loses its server (Postgres restart) emits 'error'; without a listener that kills the process.
  pool.on('error', () => {});
  // A client in use whose connection is killed also emits 'error'; its query fails on its own and pg drops the
  // client, so the event must not become an uncaught exception that takes a worker down.
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** True when Postgres answers a trivial query within the timeout. */
export async function pingDb(db: Db, timeoutMs = 2000): Promise<boolean> {
  const ping = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  return Promise.race([ping, timeout]);
}
