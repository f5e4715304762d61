/**
 * A page of Graph users cut apart without parsing it: each user of `value` as the bytes Graph sent, with its `id`.
 *
 * A full read of a synced group finds nearly every member settled on the digest of what Graph sent (sync-settled.ts),
 * so parsing every user into objects only to hash them again is most of what such a read costs the worker. This
 * scanner finds where each user begins and ends, and its `id`; a user is parsed (strictly, with JSON.parse) only
 * when staging needs its data. A user left unparsed is one whose bytes are identical to a user parsed and applied
 * before (its digest matched), so nothing unparsed is ever taken on trust.
 *
 * The scanner answers only for the shape it knows and returns null for anything else, and the caller then parses
 * the whole page as before: a top-level object whose keys are plain (no escapes) and appear once, with `value` an
 * array of objects, each with exactly one plain ASCII string `id` and, if it says, `@odata.type`
 * `#microsoft.graph.user`. What lies outside `value` (`@odata.nextLink`, `@odata.count`…) is parsed strictly.
 */

/** One user of the page: its id, and where its bytes lie in the page's (offsets, not a view: one object a user). */
export interface ScannedUser {
  id: string;
  /**
   * `accountEnabled` when it is the literal true or false, else null (absent, null, anything else): what the
   * mapper makes of it (parseDirectoryUser), so staging can store it beside the unparsed user for the deletion guard.
   */
  enabled: boolean | null;
  page: Uint8Array;
  start: number;
  end: number;
}

export interface ScannedUserPage {
  /** The page without its users: everything but `value`, parsed with JSON.parse. */
  envelope: Record<string, unknown>;
  users: ScannedUser[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const userTypeBytes = new TextEncoder().encode('"#microsoft.graph.user"');
const idKey = new TextEncoder().encode('"id"');
const typeKey = new TextEncoder().encode('"@odata.type"');
const enabledKey = new TextEncoder().encode('"accountEnabled"');
const trueBytes = new TextEncoder().encode('true');
const falseBytes = new TextEncoder().encode('false');
const utf8 = new TextDecoder();
const latin1 = new TextDecoder('latin1');

/** A shape the scanner does not answer for: the caller parses the page instead. */
class Unscannable extends Error {}

function fail(): never {
  throw new Unscannable();
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(bytes: Uint8Array, at: number): number {
  while (at < bytes.length && isSpace(bytes[at]!)) at++;
  return at;
}

/** Past the string starting at `at` (a quote). UTF-8 never uses the bytes of `"` or `\` inside other characters. */
function stringEnd(bytes: Uint8Array, at: number): number {
  let quote = at;
  for (;;) {
    quote = bytes.indexOf(QUOTE, quote + 1);
    if (quote < 0) fail();
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
}

/**
 * Past the object or array starting at `at`, strings skipped whole. Only the depth is counted: a user with
 * mismatched brackets is no JSON, so it fails as it is parsed, and it cannot equal a user parsed before.
 */
function nestedEnd(bytes: Uint8Array, at: number): number {
  let depth = 0;
  for (let i = at; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === QUOTE) i = stringEnd(bytes, i) - 1;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) return i + 1;
  }
  return fail();
}

/** Past the value starting at `at`: a string, an object or array, or a literal (number, true, false, null). */
function valueEnd(bytes: Uint8Array, at: number): number {
  const first = bytes[at];
  if (first === QUOTE) return stringEnd(bytes, at);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) return nestedEnd(bytes, at);
  let end = at;
  while (end < bytes.length) {
    const byte = bytes[end]!;
    if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isSpace(byte)) break;
    if (byte === QUOTE || byte === OPEN_BRACE || byte === OPEN_BRACKET || byte === COLON) fail();
    end++;
  }
  if (end === at) fail();
  return end;
}

/** Whether bytes[start, end) are exactly `expected`. */
function bytesEqual(bytes: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[start + i] !== expected[i]) return false;
  return true;
}

/** Fails on a key with an escape: `"\u0069d"` is `id` to JSON.parse, and would hide one. */
function plainKey(bytes: Uint8Array, start: number, end: number): void {
  for (let i = start + 1; i < end - 1; i++) if (bytes[i] === BACKSLASH) fail();
}

/**
 * Walks the members of the object at `at`, calling `member` with where each key starts and ends and where its
 * value starts; `member` returns where the value ends. Returns past the object. Keys with escapes fail.
 */
function walkObject(
  bytes: Uint8Array,
  at: number,
  member: (keyStart: number, keyEnd: number, valueStart: number) => number,
): number {
  if (bytes[at] !== OPEN_BRACE) fail();
  let i = skipSpace(bytes, at + 1);
  if (bytes[i] === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (bytes[i] !== QUOTE) fail();
    const keyEnd = stringEnd(bytes, i);
    plainKey(bytes, i, keyEnd);
    const colon = skipSpace(bytes, keyEnd);
    if (bytes[colon] !== COLON) fail();
    i = skipSpace(bytes, member(i, keyEnd, skipSpace(bytes, colon + 1)));
    if (bytes[i] === CLOSE_BRACE) return i + 1;
    if (bytes[i] !== COMMA) fail();
    i = skipSpace(bytes, i + 1);
  }
}

/** The id: a string of printable ASCII without escapes (Graph's ids are GUIDs); anything else is not scanned. */
function plainId(bytes: Uint8Array, start: number, end: number): string {
  if (bytes[start] !== QUOTE || end - start < 3) fail();
  for (let i = start + 1; i < end - 1; i++) {
    const byte = bytes[i]!;
    if (byte === BACKSLASH || byte < 0x20 || byte > 0x7e) fail();
  }
  return latin1.decode(bytes.subarray(start + 1, end - 1));
}

/** One user of `value`, starting at `at` (its `end` is where it ends). */
function scanUser(bytes: Uint8Array, at: number): ScannedUser {
  let id: string | undefined;
  let typed = false;
  let enabled: boolean | null | undefined;
  const end = walkObject(bytes, at, (keyStart, keyEnd, valueStart) => {
    const valueFinish = valueEnd(bytes, valueStart);
    if (bytesEqual(bytes, keyStart, keyEnd, idKey)) {
      if (id !== undefined) fail(); // JSON.parse would keep the last: not ours to guess
      id = plainId(bytes, valueStart, valueFinish);
    } else if (bytesEqual(bytes, keyStart, keyEnd, enabledKey)) {
      if (enabled !== undefined) fail();
      enabled = bytesEqual(bytes, valueStart, valueFinish, trueBytes)
        ? true
        : bytesEqual(bytes, valueStart, valueFinish, falseBytes)
          ? false
          : null;
    } else if (bytesEqual(bytes, keyStart, keyEnd, typeKey)) {
      if (typed || !bytesEqual(bytes, valueStart, valueFinish, userTypeBytes)) fail();
      typed = true;
    }
    return valueFinish;
  });
  if (id === undefined) fail();
  return { id, enabled: enabled ?? null, page: bytes, start: at, end };
}

/** The users of the `value` array starting at `at` (its `[`); returns them and where the array ends. */
function scanUsers(bytes: Uint8Array, at: number): { users: ScannedUser[]; end: number } {
  const users: ScannedUser[] = [];
  let i = skipSpace(bytes, at + 1);
  if (bytes[i] === CLOSE_BRACKET) return { users, end: i + 1 };
  for (;;) {
    const user = scanUser(bytes, i);
    users.push(user);
    i = skipSpace(bytes, user.end);
    if (bytes[i] === CLOSE_BRACKET) return { users, end: i + 1 };
    if (bytes[i] !== COMMA) fail();
    i = skipSpace(bytes, i + 1);
  }
}

/**
 * The users of a collection page as bytes, and the rest of the page parsed; null when the page is not of the
 * shape this scanner answers for (the caller then parses it whole, and reports what is wrong with it).
 */
export function scanUserPage(bytes: Uint8Array): ScannedUserPage | null {
  try {
    // a UTF-8 byte order mark, which fetch's json() drops too
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    let scanned: { users: ScannedUser[]; start: number; end: number } | undefined;
    const keys = new Set<string>();
    walkObject(bytes, skipSpace(bytes, start), (keyStart, keyEnd, at) => {
      const key = utf8.decode(bytes.subarray(keyStart + 1, keyEnd - 1));
      if (keys.has(key)) fail(); // a second `value` would be the one JSON.parse keeps
      keys.add(key);
      if (key !== 'value') return valueEnd(bytes, at);
      if (bytes[at] !== OPEN_BRACKET) fail();
      const { users, end } = scanUsers(bytes, at);
      scanned = { users, start: at, end };
      return end;
    });
    if (scanned === undefined) return null;
    // everything but the users, parsed strictly (to the end, so nothing may follow the page): `value` stands
    // there as an empty array
    const envelope = JSON.parse(
      `${utf8.decode(bytes.subarray(start, scanned.start))}[]${utf8.decode(bytes.subarray(scanned.end))}`,
    ) as Record<string, unknown>;
    return { envelope, users: scanned.users };
  } catch (err) {
    if (err instanceof Unscannable || err instanceof SyntaxError) return null;
    throw err;
  }
}

/** One scanned user's bytes, as Graph sent them. */
export function scannedUserBytes(user: ScannedUser): Uint8Array {
  return user.page.subarray(user.start, user.end);
}

/** One scanned user's text, for JSON.parse. */
export function scannedUserText(user: ScannedUser): string {
  return utf8.decode(scannedUserBytes(user));
}
