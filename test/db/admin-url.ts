import { inject } from 'vitest';

const fallback = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The Postgres server the database tests create their scratch databases on. Under the root config the global
 * setup provides it; under test/db/vitest.db.config.ts (no global setup) it comes from DATABASE_URL or the
 * machine's local server. So the same test files run in both.
 */
export function adminDatabaseUrl(): string {
  try {
    const provided = inject('adminDatabaseUrl');
    if (provided) return provided;
  } catch {
    // not provided: no global setup in this run
  }
  return process.env.DATABASE_URL ?? fallback;
}
