/**
 * The RFC 4515 filter parser, printer and evaluator: examples from the RFC and from AD setups, the errors an
 * administrator sees, and properties against a straightforward reference evaluator on generated filters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LdapFilterSyntaxError,
  evaluateLdapFilter,
  evaluateLdapFilter3,
  filterAttributes,
  normaliseAssertionValue,
  parseLdapFilter,
  printLdapFilter,
  type AttributeMap,
  type FilterResult,
  type LdapFilter,
} from '../../src/sync/ldap-filter.js';

function syntaxError(filter: string): LdapFilterSyntaxError {
  try {
    parseLdapFilter(filter);
  } catch (error) {
    if (error instanceof LdapFilterSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${filter} to be refused`);
}

describe('parseLdapFilter', () => {
  it('parses the examples of RFC 4515 §4', () => {
    expect(parseLdapFilter('(cn=Babs Jensen)')).toEqual({ type: 'equality', attribute: 'cn', value: 'Babs Jensen' });
    expect(parseLdapFilter('(!(cn=Tim Howes))')).toEqual({
      type: 'not',
      filter: { type: 'equality', attribute: 'cn', value: 'Tim Howes' },
    });
    expect(parseLdapFilter('(&(objectClass=Person)(|(sn=Jensen)(cn=Babs J*)))')).toEqual({
      type: 'and',
      filters: [
        { type: 'equality', attribute: 'objectClass', value: 'Person' },
        {
          type: 'or',
          filters: [
            { type: 'equality', attribute: 'sn', value: 'Jensen' },
            { type: 'substrings', attribute: 'cn', initial: 'Babs J', any: [], final: null },
          ],
        },
      ],
    });
    expect(parseLdapFilter('(o=univ*of*mich*)')).toEqual({
      type: 'substrings',
      attribute: 'o',
      initial: 'univ',
      any: ['of', 'mich'],
      final: null,
    });
    expect(parseLdapFilter('(seeAlso=)')).toEqual({ type: 'equality', attribute: 'seeAlso', value: '' });
    expect(parseLdapFilter('(cn:caseExactMatch:=Fred Flintstone)')).toEqual({
      type: 'extensible',
      attribute: 'cn',
      dnAttributes: false,
      matchingRule: 'caseExactMatch',
      value: 'Fred Flintstone',
    });
    expect(parseLdapFilter('(cn:=Betty Rubble)')).toEqual({
      type: 'extensible',
      attribute: 'cn',
      dnAttributes: false,
      matchingRule: null,
      value: 'Betty Rubble',
    });
    expect(parseLdapFilter('(sn:dn:2.4.6.8.10:=Barney Rubble)')).toEqual({
      type: 'extensible',
      attribute: 'sn',
      dnAttributes: true,
      matchingRule: '2.4.6.8.10',
      value: 'Barney Rubble',
    });
    expect(parseLdapFilter('(o:dn:=Ace Industry)')).toMatchObject({
      type: 'extensible',
      attribute: 'o',
      dnAttributes: true,
      matchingRule: null,
    });
    expect(parseLdapFilter('(:1.2.3:=Wilma Flintstone)')).toMatchObject({
      type: 'extensible',
      attribute: null,
      matchingRule: '1.2.3',
    });
    expect(parseLdapFilter('(:DN:2.4.6.8.10:=Dino)')).toMatchObject({
      type: 'extensible',
      attribute: null,
      dnAttributes: true,
      matchingRule: '2.4.6.8.10',
    });
  });

  it('decodes escapes, including UTF-8 sequences written as escapes (RFC 4515 §4)', () => {
    expect(parseLdapFilter('(o=Parens R Us \\28for all your parenthetical needs\\29)')).toEqual({
      type: 'equality',
      attribute: 'o',
      value: 'Parens R Us (for all your parenthetical needs)',
    });
    expect(parseLdapFilter('(cn=*\\2A*)')).toEqual({
      type: 'substrings',
      attribute: 'cn',
      initial: null,
      any: ['*'],
      final: null,
    });
    expect(parseLdapFilter('(filename=C:\\5cMyFile)')).toEqual({
      type: 'equality',
      attribute: 'filename',
      value: 'C:\\MyFile',
    });
    expect(parseLdapFilter('(sn=Lu\\c4\\8di\\c4\\87)')).toEqual({ type: 'equality', attribute: 'sn', value: 'Lučić' });
    expect(parseLdapFilter('(givenName=Søren)')).toEqual({ type: 'equality', attribute: 'givenName', value: 'Søren' });
  });

  it('reads presence, ordering, approximate and AD in-chain filters', () => {
    expect(parseLdapFilter('(mail=*)')).toEqual({ type: 'present', attribute: 'mail' });
    expect(parseLdapFilter('(uSNChanged>=4711)')).toEqual({
      type: 'greaterOrEqual',
      attribute: 'uSNChanged',
      value: '4711',
    });
    expect(parseLdapFilter('(uSNChanged<=4711)')).toEqual({
      type: 'lessOrEqual',
      attribute: 'uSNChanged',
      value: '4711',
    });
    expect(parseLdapFilter('(sn~=Jensen)')).toEqual({ type: 'approx', attribute: 'sn', value: 'Jensen' });
    expect(parseLdapFilter('(memberOf:1.2.840.113556.1.4.1941:=CN=Staff,CN=Users,DC=contoso,DC=test)')).toEqual({
      type: 'extensible',
      attribute: 'memberOf',
      dnAttributes: false,
      matchingRule: '1.2.840.113556.1.4.1941',
      value: 'CN=Staff,CN=Users,DC=contoso,DC=test',
    });
    expect(parseLdapFilter('(userAccountControl:1.2.840.113556.1.4.803:=2)')).toMatchObject({
      matchingRule: '1.2.840.113556.1.4.803',
    });
    expect(parseLdapFilter('(2.5.4.3=x)')).toEqual({ type: 'equality', attribute: '2.5.4.3', value: 'x' });
    expect(parseLdapFilter('(cn;lang-da=x)')).toEqual({ type: 'equality', attribute: 'cn;lang-da', value: 'x' });
    expect(parseLdapFilter('  (cn=x)\n')).toEqual({ type: 'equality', attribute: 'cn', value: 'x' });
  });

  it.each([
    ['', 1, 'the filter is empty'],
    ['cn=x', 1, 'a filter starts with "("'],
    ['(cn=x', 6, 'expected ")"'],
    ['(&(cn=x)(sn=y)', 15, 'expected ")"'],
    ['(&)', 3, 'expected "(" starting a filter inside "&"'],
    ['(!cn=x)', 3, '"!" negates'],
    ['(cn=a(b)', 6, 'must be written as \\28'],
    ['(cn=x\\2)', 6, 'two hexadecimal digits'],
    ['(cn=x\\zz)', 6, 'two hexadecimal digits'],
    ['(=x)', 2, 'expected an attribute name'],
    ['(c n=x)', 2, '"c n" is not an attribute name'],
    ['(1cn=x)', 2, '"1cn" is not an attribute name'],
    ['(cn>x)', 5, '">" must be followed by "="'],
    ['(cn)', 4, 'expected "=", "~=", ">=" or "<="'],
    ['(cn=a**b)', 7, '"**" is not allowed'],
    ['(cn>=a*)', 7, 'must be written as \\2a'],
    ['(cn=x)(sn=y)', 7, 'there is more after'],
    ['(:=x)', 2, 'needs a matching rule'],
    ['(cn:foo bar:=x)', 5, 'is not "dn" or a matching rule'],
    ['(cn=\\c3)', 5, 'not valid UTF-8'],
  ])('refuses %j at character %i (%s)', (filter, column, text) => {
    const error = syntaxError(filter);
    expect(error.offset + 1).toBe(column);
    expect(error.message).toContain(`at character ${column}`);
    expect(error.message).toContain(text);
    expect(error.pointer.split('\n')[1]).toBe(' '.repeat(column - 1) + '^');
  });

  it('refuses nesting deeper than the limit and filters longer than the limit', () => {
    const deep = '(!'.repeat(60) + '(cn=x)' + ')'.repeat(60);
    expect(syntaxError(deep).message).toContain('nests deeper than 50 levels');
    expect(syntaxError('(cn=' + 'x'.repeat(20_000) + ')').message).toContain('longer than 10000');
  });

  it('lists the attributes a filter reads', () => {
    const f = parseLdapFilter('(&(Department=Sales)(!(title=Intern*))(|(mail=*)(MAIL=x))(l;lang-da>=K))');
    expect(filterAttributes(f).sort()).toEqual(['department', 'l', 'mail', 'title']);
  });
});

describe('evaluateLdapFilter', () => {
  const anne: AttributeMap = {
    displayName: 'Anne  Hansen',
    givenName: 'Anne',
    department: 'Sales',
    jobTitle: 'Account Manager',
    proxyAddresses: ['SMTP:anne@contoso.com', 'smtp:ah@contoso.com'],
    employeeNumber: '0042',
    uSNChanged: 12345,
    accountEnabled: true,
    mail: null,
  };
  const matches = (filter: string, attributes = anne) => evaluateLdapFilter(parseLdapFilter(filter), attributes);

  it('compares attribute names and values case-insensitively, with insignificant spaces', () => {
    expect(matches('(DEPARTMENT=sales)')).toBe(true);
    expect(matches('(department= Sales )')).toBe(true);
    expect(matches('(displayname=anne hansen)')).toBe(true);
    expect(matches('(department=Sale)')).toBe(false);
  });

  it('matches any value of a multi-valued attribute', () => {
    expect(matches('(proxyAddresses=smtp:ah@contoso.com)')).toBe(true);
    expect(matches('(proxyAddresses=*@contoso.com)')).toBe(true);
    expect(matches('(proxyAddresses=x400:*)')).toBe(false);
  });

  it('treats null and missing attributes as absent', () => {
    expect(matches('(mail=*)')).toBe(false);
    expect(matches('(!(mail=*))')).toBe(true);
    expect(matches('(manager=*)')).toBe(false);
    expect(matches('(givenName=*)')).toBe(true);
  });

  it('matches substrings in order without overlap', () => {
    expect(matches('(jobTitle=Acc*Man*)')).toBe(true);
    expect(matches('(jobTitle=*count*nager)')).toBe(true);
    expect(matches('(jobTitle=Man*Acc*)')).toBe(false);
    expect(matches('(givenName=Ann*nne)')).toBe(false); // initial and final would overlap
    expect(matches('(givenName=An*ne)')).toBe(true);
  });

  it('orders integers numerically and text case-insensitively', () => {
    expect(matches('(uSNChanged>=9999)')).toBe(true); // as text "12345" < "9999"
    expect(matches('(uSNChanged<=9999)')).toBe(false);
    expect(matches('(employeeNumber>=41)')).toBe(true);
    expect(matches('(department>=sales)')).toBe(true);
    expect(matches('(department<=SALES)')).toBe(true);
    expect(matches('(department>=T)')).toBe(false);
  });

  it('reads booleans as LDAP TRUE/FALSE', () => {
    expect(matches('(accountEnabled=TRUE)')).toBe(true);
    expect(matches('(accountEnabled=false)')).toBe(false);
  });

  it('is three-valued: an unknown matching rule is Undefined, and so is its negation', () => {
    const inChain = parseLdapFilter('(memberOf:1.2.840.113556.1.4.1941:=CN=Staff,DC=x)');
    expect(evaluateLdapFilter3(inChain, anne)).toBeUndefined();
    expect(evaluateLdapFilter3({ type: 'not', filter: inChain }, anne)).toBeUndefined();
    expect(matches('(!(memberOf:1.2.840.113556.1.4.1941:=CN=Staff,DC=x))')).toBe(false);
    expect(matches('(|(memberOf:1.2.840.113556.1.4.1941:=CN=Staff,DC=x)(department=Sales))')).toBe(true);
    expect(matches('(&(memberOf:1.2.840.113556.1.4.1941:=CN=Staff,DC=x)(department=HR))')).toBe(false);
    expect(matches('(department:caseIgnoreMatch:=SALES)')).toBe(true);
    expect(matches('(department:2.5.13.5:=SALES)')).toBe(false);
    expect(matches('(department:2.5.13.5:=Sales)')).toBe(true);
  });

  it("evaluates AD's bitwise AND/OR rules (e.g. enabled accounts) on integer attributes", () => {
    const disabled = { userAccountControl: 514 }; // NORMAL_ACCOUNT | ACCOUNTDISABLE
    const enabled = { userAccountControl: '512' };
    const notDisabled = '(!(userAccountControl:1.2.840.113556.1.4.803:=2))';
    expect(matches(notDisabled, enabled)).toBe(true);
    expect(matches(notDisabled, disabled)).toBe(false);
    expect(matches('(userAccountControl:1.2.840.113556.1.4.803:=514)', disabled)).toBe(true);
    expect(matches('(userAccountControl:1.2.840.113556.1.4.803:=515)', disabled)).toBe(false);
    expect(matches('(userAccountControl:1.2.840.113556.1.4.804:=3)', disabled)).toBe(true);
    expect(matches('(userAccountControl:1.2.840.113556.1.4.804:=1)', disabled)).toBe(false);
    expect(evaluateLdapFilter3(parseLdapFilter('(department:1.2.840.113556.1.4.803:=2)'), anne)).toBeUndefined();
    expect(evaluateLdapFilter3(parseLdapFilter('(uSNChanged:1.2.840.113556.1.4.803:=x)'), anne)).toBeUndefined();
    expect(matches('(manager:1.2.840.113556.1.4.803:=2)', anne)).toBe(false); // absent: FALSE
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties: generated filters and users against a reference evaluator written the obvious way.

const NAMES = ['department', 'title', 'mail', 'l', 'employeeNumber'];
const WORDS = ['Sales', 'aba', 'sales', 'HR', 'a*b', '(x)', 'back\\slash', 'Søren', 'Zoë', '10', '9', '-3', 'a b', ''];

const attributeName = fc.constantFrom(...NAMES).chain((n) => fc.constantFrom(n, n.toUpperCase(), n.toLowerCase()));
const word = fc.constantFrom(...WORDS);
const piece = fc.constantFrom(...WORDS.filter((w) => w !== ''), 'a', 'S', 'le', 'ab', 'ba', 'Sal', 'les');

const leafArb: fc.Arbitrary<LdapFilter> = fc.oneof(
  fc.record({ type: fc.constant('equality' as const), attribute: attributeName, value: word }),
  fc.record({ type: fc.constant('approx' as const), attribute: attributeName, value: word }),
  fc.record({ type: fc.constant('greaterOrEqual' as const), attribute: attributeName, value: word }),
  fc.record({ type: fc.constant('lessOrEqual' as const), attribute: attributeName, value: word }),
  fc.record({ type: fc.constant('present' as const), attribute: attributeName }),
  fc
    .record({
      type: fc.constant('substrings' as const),
      attribute: attributeName,
      initial: fc.option(piece, { nil: null }),
      any: fc.array(piece, { maxLength: 2 }),
      final: fc.option(piece, { nil: null }),
    })
    .filter((s) => s.initial !== null || s.any.length > 0 || s.final !== null),
  fc.record({
    type: fc.constant('extensible' as const),
    attribute: attributeName,
    dnAttributes: fc.boolean(),
    matchingRule: fc.constantFrom(
      null,
      '2.5.13.2',
      'caseExactMatch',
      '1.2.840.113556.1.4.1941',
      '1.2.840.113556.1.4.803',
      '1.2.840.113556.1.4.804',
    ),
    value: word,
  }),
);

const filterArb: fc.Arbitrary<LdapFilter> = fc.letrec<{ filter: LdapFilter }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.record({ type: fc.constant('and' as const), filters: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ type: fc.constant('or' as const), filters: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ type: fc.constant('not' as const), filter: tie('filter') }),
  ),
})).filter;

const userArb: fc.Arbitrary<Record<string, string | number | string[] | null>> = fc.dictionary(
  fc.constantFrom(...NAMES, ...NAMES.map((n) => n.toUpperCase())),
  fc.oneof(word, fc.integer({ min: -20, max: 20 }), fc.array(word, { maxLength: 3 }), fc.constant(null)),
  { maxKeys: 4 },
);

/** The reference: lists of strings per lowercase name, regular expressions for substrings, plain loops. */
function reference(filter: LdapFilter, user: Record<string, string | number | string[] | null>): FilterResult {
  const valuesOf = (attribute: string): string[] => {
    const out: string[] = [];
    for (const [name, raw] of Object.entries(user)) {
      if (name.toLowerCase() !== attribute.toLowerCase() || raw === null) continue;
      for (const v of Array.isArray(raw) ? raw : [raw]) out.push(String(v));
    }
    return out;
  };
  const norm = normaliseAssertionValue;
  const cmp = (a: string, b: string): number => {
    if (/^[+-]?\d+$/.test(a) && /^[+-]?\d+$/.test(b)) return Math.sign(Number(a) - Number(b));
    return norm(a) === norm(b) ? 0 : norm(a) < norm(b) ? -1 : 1;
  };
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const piecesNorm = (s: string) => s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ');
  switch (filter.type) {
    case 'and': {
      const results = filter.filters.map((f) => reference(f, user));
      return results.includes(false) ? false : results.includes(undefined) ? undefined : true;
    }
    case 'or': {
      const results = filter.filters.map((f) => reference(f, user));
      return results.includes(true) ? true : results.includes(undefined) ? undefined : false;
    }
    case 'not': {
      const r = reference(filter.filter, user);
      return r === undefined ? undefined : !r;
    }
    case 'present':
      return valuesOf(filter.attribute).length > 0;
    case 'equality':
    case 'approx':
      return valuesOf(filter.attribute).some((v) => norm(v) === norm(filter.value));
    case 'greaterOrEqual':
      return valuesOf(filter.attribute).some((v) => cmp(v, filter.value) >= 0);
    case 'lessOrEqual':
      return valuesOf(filter.attribute).some((v) => cmp(v, filter.value) <= 0);
    case 'substrings': {
      const source =
        '^' +
        escape(piecesNorm(filter.initial ?? '').trimStart()) +
        '.*' +
        filter.any.map((a) => escape(piecesNorm(a)) + '.*').join('') +
        escape(piecesNorm(filter.final ?? '').trimEnd()) +
        '$';
      const re = new RegExp(source, 's');
      return valuesOf(filter.attribute).some((v) => re.test(piecesNorm(v).trim()));
    }
    case 'extensible': {
      if (filter.dnAttributes || filter.matchingRule === '1.2.840.113556.1.4.1941') return undefined;
      const values = valuesOf(filter.attribute!);
      if (filter.matchingRule === '1.2.840.113556.1.4.803' || filter.matchingRule === '1.2.840.113556.1.4.804') {
        if (!/^[+-]?\d+$/.test(filter.value)) return undefined;
        const and = filter.matchingRule.endsWith('803');
        const mask = BigInt.asUintN(64, BigInt(filter.value));
        const results = values.map((v) => {
          if (!/^[+-]?\d+$/.test(v)) return undefined;
          const bits = BigInt.asUintN(64, BigInt(v));
          return and ? (bits & mask) === mask : (bits & mask) !== 0n;
        });
        return results.includes(true) ? true : results.includes(undefined) ? undefined : false;
      }
      if (filter.matchingRule === 'caseExactMatch') return values.includes(filter.value);
      return values.some((v) => norm(v) === norm(filter.value));
    }
  }
}

describe('properties', () => {
  it('printing and parsing again gives the same filter', () => {
    fc.assert(
      fc.property(filterArb, (filter) => {
        expect(parseLdapFilter(printLdapFilter(filter))).toEqual(filter);
      }),
      { numRuns: 2000 },
    );
  });

  it('the evaluator agrees with the reference on generated filters and users', () => {
    fc.assert(
      fc.property(filterArb, userArb, (filter, user) => {
        expect(evaluateLdapFilter3(filter, user)).toBe(reference(filter, user));
      }),
      { numRuns: 5000 },
    );
  });

  it('substring matching agrees with the reference on strings over a tiny alphabet (many overlaps)', () => {
    const small = fc.array(fc.constantFrom('a', 'b', 'A', ' '), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
    const substringArb = fc
      .record({
        type: fc.constant('substrings' as const),
        attribute: fc.constant('cn'),
        initial: fc.option(small, { nil: null }),
        any: fc.array(small, { maxLength: 2 }),
        final: fc.option(small, { nil: null }),
      })
      .filter((s) => s.initial !== null || s.any.length > 0 || s.final !== null);
    fc.assert(
      fc.property(substringArb, fc.array(fc.constantFrom('a', 'b', 'B', ' '), { maxLength: 7 }), (filter, chars) => {
        const user = { cn: chars.join('') };
        expect(evaluateLdapFilter3(filter, user)).toBe(reference(filter, user));
      }),
      { numRuns: 5000 },
    );
  });

  it('a filter and its negation never both match; and De Morgan holds', () => {
    fc.assert(
      fc.property(filterArb, filterArb, userArb, (a, b, user) => {
        expect(evaluateLdapFilter(a, user) && evaluateLdapFilter({ type: 'not', filter: a }, user)).toBe(false);
        const notAnd = evaluateLdapFilter3({ type: 'not', filter: { type: 'and', filters: [a, b] } }, user);
        const orNot = evaluateLdapFilter3(
          {
            type: 'or',
            filters: [
              { type: 'not', filter: a },
              { type: 'not', filter: b },
            ],
          },
          user,
        );
        expect(notAnd).toBe(orNot);
      }),
      { numRuns: 2000 },
    );
  });

  it('any string parses to a filter that round-trips, or is refused at a position inside it', () => {
    const alphabet = fc.constantFrom(
      '(',
      ')',
      '&',
      '|',
      '!',
      '=',
      '*',
      '\\',
      '2',
      'a',
      'c',
      'n',
      ':',
      '>',
      '<',
      '~',
      ' ',
      'ø',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')),
        (text) => {
          let parsed: LdapFilter;
          try {
            parsed = parseLdapFilter(text);
          } catch (error) {
            expect(error).toBeInstanceOf(LdapFilterSyntaxError);
            const { offset } = error as LdapFilterSyntaxError;
            expect(offset).toBeGreaterThanOrEqual(0);
            expect(offset).toBeLessThanOrEqual(text.length);
            return;
          }
          expect(parseLdapFilter(printLdapFilter(parsed))).toEqual(parsed);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
