/**
 * Postgres accepts at most 65535 bind parameters per statement; a multi-row insert uses one per column per row.
 * Slices rows so each insert stays under it, whatever batch size the caller picked.
 */
const MAX_PARAMETERS = 65_535;

export function withinParameterLimit<T>(rows: readonly T[], columnsPerRow: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / columnsPerRow));
  const slices: T[][] = [];
  for (let start = 0; start < rows.length; start += size) slices.push(rows.slice(start, start + size));
  return slices;
}
