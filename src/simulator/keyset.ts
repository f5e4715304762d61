/**
 * Cursor paging over sorted id lists: a page resumes after the last id it delivered, so objects added
 * or removed meanwhile never shift the ones not read yet (offsets would skip or repeat them).
 */
export function indexAfter(sorted: readonly string[], after: string | null): number {
  if (after === null) return 0;
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function pageAfter(
  sorted: readonly string[],
  after: string | null,
  size: number,
): { ids: readonly string[]; more: boolean } {
  const start = indexAfter(sorted, after);
  return { ids: sorted.slice(start, start + size), more: start + size < sorted.length };
}

export function containsSorted(sorted: readonly string[], id: string): boolean {
  return sorted[indexAfter(sorted, id) - 1] === id;
}
