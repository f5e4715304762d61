import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { Reason } from '../../sync/reasons.js';

/**
 * Per-user failure isolation inside a batch's transaction. A failed statement aborts a Postgres transaction,
 * so each attempt runs inside a savepoint that is rolled back when it fails. Only errors caused by the data
 * of a row are isolated (SQLSTATE class 22 data exception, 23 integrity constraint violation, P0001 raised by
 * a trigger); anything else — a lost connection, a deadlock, a cancelled statement — is transient or global,
 * so it aborts the whole batch and the activity's retry applies it again.
 */
function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23') || code === 'P0001');
}

function errorMessage(error: unknown): string {
  const detail = (error as { detail?: unknown } | null)?.detail;
  const message = error instanceof Error ? error.message : String(error);
  return typeof detail === 'string' && detail !== '' ? `${message} (${detail})` : message;
}

/** Runs `fn` inside a savepoint; a row error rolls back to it and is returned, not thrown. */
async function inSavepoint<R>(
  trx: Db,
  fn: () => Promise<R>,
): Promise<{ ok: true; value: R } | { ok: false; error: unknown }> {
  await sql`savepoint sync_write`.execute(trx);
  try {
    const value = await fn();
    await sql`release savepoint sync_write`.execute(trx);
    return { ok: true, value };
  } catch (error) {
    if (!isRowError(error)) throw error;
    await sql`rollback to savepoint sync_write`.execute(trx);
    await sql`release savepoint sync_write`.execute(trx);
    return { ok: false, error };
  }
}

export interface IsolatedResult {
  /** Row key → the user id the write returned. A key in neither map matched no row. */
  written: Map<string, string>;
  /** Row key → why the write of that row alone failed (a coded reason, or the database's words). */
  failed: Map<string, Reason | string>;
}

/**
 * Writes all rows with one statement; when it fails, bisects: each half is retried the same way, down to
 * single rows. One bad row among n costs about 2·log2(n) statements instead of n, and only the rows that
 * fail on their own are reported as failed. `write` returns row key → user id for the rows it wrote, or also
 * the rows it refused itself without failing the statement (ON CONFLICT DO NOTHING), with the reason.
 */
export async function writeIsolatingFailures<T>(
  trx: Db,
  rows: readonly T[],
  keyOf: (row: T) => string,
  write: (rows: readonly T[]) => Promise<Map<string, string> | IsolatedResult>,
): Promise<IsolatedResult> {
  const result: IsolatedResult = { written: new Map(), failed: new Map() };
  const attempt = async (slice: readonly T[]): Promise<void> => {
    if (slice.length === 0) return;
    const outcome = await inSavepoint(trx, () => write(slice));
    if (outcome.ok) {
      const { written, failed } =
        outcome.value instanceof Map
          ? { written: outcome.value, failed: new Map<string, Reason | string>() }
          : outcome.value;
      for (const [key, userId] of written) result.written.set(key, userId);
      for (const [key, reason] of failed) result.failed.set(key, reason);
      return;
    }
    const [only] = slice;
    if (slice.length === 1 && only !== undefined) {
      result.failed.set(keyOf(only), errorMessage(outcome.error));
      return;
    }
    const middle = Math.ceil(slice.length / 2);
    await attempt(slice.slice(0, middle));
    await attempt(slice.slice(middle));
  };
  await attempt(rows);
  return result;
}
