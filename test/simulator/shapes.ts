import { readFileSync } from 'node:fs';

/** A documentation example as stored in test/fixtures/graph-docs (see its README). */
export interface DocFixture {
  source: string;
  request: string | null;
  status: number | null;
  headers: Record<string, string>;
  body: any;
  redirectTo?: string;
  redirectToOnError?: string;
}

export function loadFixture(name: string): DocFixture {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/graph-docs/${name}.json`, import.meta.url), 'utf8'),
  ) as DocFixture;
}

/**
 * How strictly a response must follow a documented example:
 * - exact: the same keys at every level, in both directions;
 * - subset: every documented key is there (the docs often trim examples);
 * - ours-in-docs: exact keys, but an array item only has to match one of the documented items
 *   (the docs show variants, e.g. removed and present users, that one response need not all contain).
 */
export type ShapeMode = 'exact' | 'subset' | 'ours-in-docs';

const guid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The form of a Graph link: path with ids abstracted, and the names of its query parameters. */
export function linkForm(link: string): string {
  const url = new URL(link);
  const names = [...new Set([...url.searchParams.keys()].map((k) => k.toLowerCase()))].sort();
  return `${url.pathname.replace(guid, '{id}').toLowerCase()}?${names.join('&')}`;
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** Structural differences between a simulator response and a documented one; empty when they agree. */
export function shapeDifferences(
  actual: unknown,
  documented: unknown,
  mode: ShapeMode = 'exact',
  ignore: readonly string[] = [],
  path = '$',
): string[] {
  // A documented null says "nullable", not "always null"; ours may be null where the doc has a value.
  if (documented === null || actual === null)
    return typeOf(actual) === 'array' || typeOf(documented) === 'array' ? [`${path}: null vs array`] : [];
  if (typeOf(actual) !== typeOf(documented))
    return [`${path}: ${typeOf(actual)} where the docs have ${typeOf(documented)}`];
  if (Array.isArray(actual) && Array.isArray(documented))
    return arrayDifferences(actual, documented, mode, ignore, path);
  if (typeof actual !== 'object') return [];

  const ours = actual as Record<string, unknown>;
  const docs = documented as Record<string, unknown>;
  const differences: string[] = [];
  for (const key of Object.keys(docs)) {
    if (ignore.includes(key)) continue;
    if (!(key in ours)) differences.push(`${path}.${key}: missing`);
    else if (key === '@odata.nextLink' || key === '@odata.deltaLink') {
      if (linkForm(String(ours[key])) !== linkForm(String(docs[key])))
        differences.push(
          `${path}.${key}: ${linkForm(String(ours[key]))} where the docs have ${linkForm(String(docs[key]))}`,
        );
    } else differences.push(...shapeDifferences(ours[key], docs[key], mode, ignore, `${path}.${key}`));
  }
  if (mode !== 'subset') {
    for (const key of Object.keys(ours))
      if (!ignore.includes(key) && !(key in docs)) differences.push(`${path}.${key}: not in the docs`);
  }
  return differences;
}

function arrayDifferences(
  actual: unknown[],
  documented: unknown[],
  mode: ShapeMode,
  ignore: readonly string[],
  path: string,
): string[] {
  if (documented.length === 0) return [];
  // A property list may well be empty (businessPhones: []); a page of results may not.
  if (actual.length === 0) return path.endsWith('.value') ? [`${path}: empty where the docs have items`] : [];
  const closest = (item: unknown, candidates: unknown[], at: string, flip: boolean) =>
    candidates
      .map((candidate) =>
        flip
          ? shapeDifferences(candidate, item, mode, ignore, at)
          : shapeDifferences(item, candidate, mode, ignore, at),
      )
      .reduce((best, d) => (d.length < best.length ? d : best));
  const differences = actual.flatMap((item, i) => closest(item, documented, `${path}[${i}]`, false));
  if (mode === 'exact')
    differences.push(...documented.flatMap((item, i) => closest(item, actual, `${path}[doc ${i}]`, true)));
  return [...new Set(differences)];
}
