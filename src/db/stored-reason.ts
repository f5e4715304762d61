import { isReason, reasonText, type Reason } from '../sync/reasons.js';

/**
 * A reason as the services hand it to a repository: a code with parameters (src/sync/status-reasons.ts), a text
 * that has no code (Microsoft's or the database's own words), or none.
 */
export type StoredReason = Reason | string | null;

/** The two columns a reason is stored in: the English text (API, audit export) and the code (admin pages). */
export function reasonColumns(reason: StoredReason): { text: string | null; detail: string | null } {
  if (reason === null) return { text: null, detail: null };
  if (isReason(reason)) return { text: reasonText(reason), detail: JSON.stringify(reason) };
  return { text: reason, detail: null };
}
