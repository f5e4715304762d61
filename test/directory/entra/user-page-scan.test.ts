/**
 * The scanner that cuts a page of Graph users into each user's bytes (src/directory/entra/user-page-scan.ts). Graph
 * answers a collection as JSON: "The response body contains a collection of user objects in the value property,
 * and @odata.nextLink when there are more pages" (learn.microsoft.com/graph/paging; the documented examples in
 * ../shared/graph-docs/). Two properties, for generated pages and for pages broken at random:
 * - a page the scanner answers for gives exactly what JSON.parse gives (ids, users, and everything else);
 * - it answers for a broken page only when the break lies inside a user, whose text then fails to parse: a user
 *   is used unparsed only when its bytes equal a user parsed before, so nothing unparsed is taken on trust.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scannedUserText, scanUserPage } from '../../../src/directory/entra/user-page-scan.js';

const encode = (text: string) => new TextEncoder().encode(text);

/** Text with what JSON escapes: quotes, backslashes, brackets, control characters, non-ASCII, astral planes. */
const awkwardText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('"', '\\', '\\"', '{', '}', '[', ']', ',', ':', '\u0000', '\n', 'Ærø', '😀', '"}]', '\\\\"'),
);

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    awkwardText,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(awkwardText, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const user = fc
  .record({
    id: fc.oneof(
      fc.uuid(),
      fc.stringMatching(/^[ -~]{1,40}$/).filter((s) => !s.includes('\\') && !s.includes('"')),
    ),
    typed: fc.boolean(),
    // Graph's accountEnabled is a boolean ("true if the account is enabled", user resource type), null without
    // User.Read.All; anything else must read as null too
    accountEnabled: fc.option(fc.oneof(fc.boolean(), jsonValue), { nil: undefined }),
    rest: fc.dictionary(awkwardText, jsonValue, { maxKeys: 6 }),
  })
  .map(({ id, typed, accountEnabled, rest }) => {
    const { id: _id, '@odata.type': _type, accountEnabled: _enabled, ...others } = rest;
    return {
      ...(typed ? { '@odata.type': '#microsoft.graph.user' } : {}),
      ...others,
      ...(accountEnabled !== undefined ? { accountEnabled } : {}),
      id,
    };
  });

/** What the mapper (parseDirectoryUser) makes of accountEnabled: the boolean, else null. */
const enabledOf = (user: Record<string, unknown>) =>
  typeof user.accountEnabled === 'boolean' ? user.accountEnabled : null;

const page = fc.record({
  users: fc.array(user, { maxLength: 6 }),
  count: fc.option(fc.nat(), { nil: undefined }),
  next: fc.option(fc.webUrl(), { nil: undefined }),
  extra: fc.dictionary(
    awkwardText.filter((k) => k !== 'value'),
    jsonValue,
    { maxKeys: 2 },
  ),
  indent: fc.constantFrom(undefined, 0, 1, 2, '\t', ' '),
  valueFirst: fc.boolean(),
});

function pageText(p: typeof page extends fc.Arbitrary<infer T> ? T : never): string {
  const fields = {
    ...p.extra,
    ...(p.count !== undefined ? { '@odata.count': p.count } : {}),
    ...(p.next !== undefined ? { '@odata.nextLink': p.next } : {}),
  };
  const body = p.valueFirst ? { value: p.users, ...fields } : { ...fields, value: p.users };
  return JSON.stringify(body, null, p.indent);
}

describe('scanUserPage', () => {
  it('answers for Graph’s pages with exactly what JSON.parse makes of them', () => {
    fc.assert(
      fc.property(page, (p) => {
        const text = pageText(p);
        const scanned = scanUserPage(encode(text));
        const parsed = JSON.parse(text) as { value: Record<string, unknown>[] };
        // it leaves to JSON.parse exactly the pages with a key that JSON writes with an escape
        const escaped = (key: string) => JSON.stringify(key).includes('\\');
        const keys = [...Object.keys(parsed), ...parsed.value.flatMap((u) => Object.keys(u))];
        expect(scanned === null).toBe(keys.some(escaped));
        if (scanned === null) return;
        expect(scanned.users.map((u) => u.id)).toEqual(parsed.value.map((u) => u.id));
        expect(scanned.users.map((u) => JSON.parse(scannedUserText(u)))).toEqual(parsed.value);
        expect(scanned.users.map((u) => u.enabled)).toEqual(parsed.value.map(enabledOf));
        expect(scanned.envelope).toEqual({ ...parsed, value: [] });
      }),
      { numRuns: 500 },
    );
  });

  it('answers for the documented page of transitive members as JSON.parse does', () => {
    // group-list-transitivemembers, "Example 2: Get only a count of transitive membership" aside: the users of a
    // cast page, with @odata.context, @odata.count and @odata.nextLink around them
    const text = JSON.stringify({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users',
      '@odata.count': 2,
      '@odata.nextLink':
        'https://graph.microsoft.com/v1.0/groups/1/transitiveMembers/microsoft.graph.user?$skiptoken=X',
      value: [
        { '@odata.type': '#microsoft.graph.user', id: '11111111-2222-3333-4444-555555555555', displayName: 'Adele' },
        { id: '22222222-2222-3333-4444-555555555555', displayName: 'Alex "AW" Wilber', businessPhones: [] },
      ],
    });
    const scanned = scanUserPage(encode(`\uFEFF${text}\n`))!;
    expect(scanned.users.map((u) => u.id)).toEqual([
      '11111111-2222-3333-4444-555555555555',
      '22222222-2222-3333-4444-555555555555',
    ]);
    expect(scanned.envelope['@odata.count']).toBe(2);
    expect(JSON.parse(scannedUserText(scanned.users[1]!))).toMatchObject({ displayName: 'Alex "AW" Wilber' });
  });

  it('a page broken anywhere is answered for only when the break is inside a user that then fails to parse', () => {
    const breakage = fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'x', '1', '"id":"z"', '');
    fc.assert(
      fc.property(page, fc.nat(), fc.nat({ max: 3 }), breakage, (p, at, removed, inserted) => {
        const text = pageText(p);
        const cut = at % (text.length + 1);
        // as bytes and back: a cut through a surrogate pair is what the bytes say (U+FFFD), as Graph would send it
        const bytes = encode(text.slice(0, cut) + inserted + text.slice(cut + removed));
        const broken = new TextDecoder().decode(bytes);
        const scanned = scanUserPage(bytes);
        if (scanned === null) return;
        const users = scanned.users.map((u) => {
          try {
            return JSON.parse(scannedUserText(u)) as unknown;
          } catch {
            return undefined;
          }
        });
        if (users.includes(undefined)) return; // that user would fail as it is parsed: the read fails
        // every user parses: then the page is valid and the scan is what JSON.parse makes of it
        const parsed = JSON.parse(broken) as { value: Record<string, unknown>[] };
        expect(users).toEqual(parsed.value);
        expect(scanned.users.map((u) => u.id)).toEqual(parsed.value.map((u) => u.id));
        expect(scanned.users.map((u) => u.enabled)).toEqual(parsed.value.map(enabledOf));
        expect(scanned.envelope).toEqual({ ...parsed, value: [] });
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['an escaped key that JSON.parse reads as id', '{"value":[{"id":"a","\\u0069d":"b"}]}'],
    ['an id given twice', '{"value":[{"id":"a","id":"b"}]}'],
    ['accountEnabled given twice', '{"value":[{"id":"a","accountEnabled":false,"accountEnabled":true}]}'],
    ['an id with an escape', '{"value":[{"id":"a\\u0062"}]}'],
    ['an id that is not ASCII', '{"value":[{"id":"æ"}]}'],
    ['an id that is not a string', '{"value":[{"id":7}]}'],
    ['an empty id', '{"value":[{"id":""}]}'],
    ['no id', '{"value":[{"displayName":"x"}]}'],
    ['another type', '{"value":[{"@odata.type":"#microsoft.graph.group","id":"g"}]}'],
    ['a user that is not an object', '{"value":[null]}'],
    ['value given twice', '{"value":[],"value":[{"id":"a"}]}'],
    ['an escaped value key', '{"valu\\u0065":[{"id":"a"}]}'],
    ['value not an array', '{"value":{"id":"a"}}'],
    ['no value', '{"@odata.count":1}'],
    ['a page that is not an object', '[{"id":"a"}]'],
    ['text after the page', '{"value":[]} x'],
    ['a missing comma between users', '{"value":[{"id":"a"} {"id":"b"}]}'],
    ['an unclosed user', '{"value":[{"id":"a","x":[}]}'],
    ['a broken field outside value', '{"value":[],"@odata.count":}'],
  ])('leaves %s to JSON.parse', (_case, text) => {
    expect(scanUserPage(encode(text))).toBeNull();
  });
});
