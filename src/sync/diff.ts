import { cleanText, emailKey, initialsKey } from './normalise.js';
import type { SyncedFields } from './types.js';

type FieldName = keyof SyncedFields;

/**
 * The form two values are compared in. Blank and missing are the same, surrounding white space does not
 * count, and email and initials ignore case: none of those differences is worth a write.
 */
function comparable(field: FieldName, value: SyncedFields[FieldName]): unknown {
  if (typeof value !== 'string') return value;
  if (field === 'email') return emailKey(value);
  if (field === 'initials') return initialsKey(value);
  return cleanText(value);
}

export interface FieldDiff {
  before: Partial<SyncedFields>;
  after: Partial<SyncedFields>;
}

/**
 * The fields of `desired` that differ from `current` (only the fields `desired` names are compared,
 * so a caller leaves out what it must not write). null when nothing differs.
 */
export function diffFields(current: SyncedFields, desired: Partial<SyncedFields>): FieldDiff | null {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const field of Object.keys(desired) as FieldName[]) {
    const wanted = desired[field];
    if (wanted === undefined || comparable(field, current[field]) === comparable(field, wanted)) continue;
    before[field] = current[field];
    after[field] = wanted;
  }
  if (Object.keys(after).length === 0) return null;
  return { before: before as Partial<SyncedFields>, after: after as Partial<SyncedFields> };
}
