import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ENTRA_MAPPABLE_ATTRIBUTES,
  FUNCTIONS,
  MAX_DEPTH,
  MAX_EXPRESSION_LENGTH,
  MAX_VALUE_LENGTH,
  defaultMapping,
  defaultMappingFor,
  evaluateExpression,
  evaluateSource,
  formatExpressionError,
  parseExpression,
  parseMapping,
  parseMappingSource,
  printExpression,
  readAttribute,
  regexProblem,
  type AttributeMap,
  type Expression,
  type FunctionName,
} from '../../src/sync/mapping-expression.js';
import { mapDirectoryUser } from '../../src/sync/mapping.js';
import { isGuestUserPrincipalName, looksLikeEmail } from '../../src/sync/normalise.js';
import type { InitialsAttribute } from '../../src/sync/types.js';
import { entraUser, type GraphUserFields } from '../support/directory-users.js';

const READABLE = [...ENTRA_MAPPABLE_ATTRIBUTES, 'sAMAccountName', 'msDS-cloudExtensionAttribute1'];

function parsed(text: string): Expression {
  const result = parseExpression(text, READABLE);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${JSON.stringify(result.errors)}`);
  return result.expression;
}

function errorsOf(text: string): { position: number; message: string }[] {
  const result = parseExpression(text, READABLE);
  if (result.ok) throw new Error(`expected ${text} to be refused`);
  return result.errors;
}

const evaluate = (text: string, attributes: AttributeMap) => evaluateExpression(parsed(text), attributes);

/** The AST without positions, for comparing parses of different texts. */
function strip(expression: Expression): unknown {
  switch (expression.kind) {
    case 'call':
      return { kind: 'call', name: expression.name, args: expression.args.map(strip) };
    case 'attribute':
      return { kind: 'attribute', path: expression.path };
    default:
      return { kind: expression.kind, value: expression.value };
  }
}

const alice: AttributeMap = {
  givenName: 'Alice',
  surname: 'Andersen',
  mail: '  Alice@Example.COM ',
  userPrincipalName: 'alice@contoso.onmicrosoft.com',
  mailNickname: null,
  department: '',
  jobTitle: undefined,
  businessPhones: ['  ', '+45 11 22 33 44'],
  sAMAccountName: 'ALA',
  onPremisesExtensionAttributes: { extensionAttribute1: 'EMP-0042', extensionAttribute2: null },
  employeeOrgData: { costCenter: 'CC-7', division: null },
};

describe('every function, by example', () => {
  it('Coalesce takes the first value that is neither null nor empty', () => {
    expect(evaluate('Coalesce(mailNickname, department, jobTitle, givenName, surname)', alice)).toBe('Alice');
    expect(evaluate('Coalesce(mailNickname, department)', alice)).toBeNull();
    expect(evaluate('Coalesce(mailNickname, "fallback")', alice)).toBe('fallback');
  });

  it('Lower, Upper and Trim; null stays null', () => {
    expect(evaluate('Lower(mail)', alice)).toBe('  alice@example.com ');
    expect(evaluate('Upper(givenName)', alice)).toBe('ALICE');
    expect(evaluate('Trim(mail)', alice)).toBe('Alice@Example.COM');
    expect(evaluate('Lower(Trim(mail))', alice)).toBe('alice@example.com');
    for (const f of ['Lower', 'Upper', 'Trim']) expect(evaluate(`${f}(mailNickname)`, alice)).toBeNull();
  });

  it('Left takes the first n characters (code points, not UTF-16 halves)', () => {
    expect(evaluate('Left(givenName, 3)', alice)).toBe('Ali');
    expect(evaluate('Left(givenName, 0)', alice)).toBe('');
    expect(evaluate('Left(givenName, 99)', alice)).toBe('Alice');
    expect(evaluate('Left("😀😀x", 2)', alice)).toBe('😀😀');
    expect(evaluate('Left(mailNickname, 2)', alice)).toBeNull();
  });

  it('Replace replaces every match, with $1 groups', () => {
    expect(evaluate(String.raw`Replace(Trim(mail), "@.*$", "")`, alice)).toBe('Alice');
    expect(evaluate(String.raw`Replace(businessPhones, "[^0-9+]", "")`, alice)).toBe('+4511223344');
    expect(evaluate(String.raw`Replace(givenName, "(A)(l)", "$2$1")`, alice)).toBe('lAice');
    expect(evaluate('Replace(givenName, "x", mailNickname)', alice)).toBeNull();
    expect(evaluate('Replace(mailNickname, "x", "y")', alice)).toBeNull();
  });

  it('Join skips null and empty items; no items is null', () => {
    expect(evaluate('Join(" ", givenName, mailNickname, department, surname)', alice)).toBe('Alice Andersen');
    expect(
      evaluate('Join("-", employeeOrgData.costCenter, onPremisesExtensionAttributes.extensionAttribute1)', alice),
    ).toBe('CC-7-EMP-0042');
    expect(evaluate('Join(",", mailNickname, department)', alice)).toBeNull();
    expect(evaluate('Join("", givenName, surname)', alice)).toBe('AliceAndersen');
  });

  it('string literals in double or single quotes, with \\\\, \\" and \\\' escapes', () => {
    expect(evaluate(String.raw`"a \"quoted\" \\ back"`, {})).toBe('a "quoted" \\ back');
    expect(evaluate(String.raw`'it\'s "fine"'`, {})).toBe(`it's "fine"`);
    expect(printExpression(parsed(`'it\\'s'`))).toBe(`"it's"`);
  });

  it('attributes: dotted paths into nested objects, AD names, lists as their first non-blank value', () => {
    expect(evaluate('onPremisesExtensionAttributes.extensionAttribute1', alice)).toBe('EMP-0042');
    expect(evaluate('onPremisesExtensionAttributes.extensionAttribute2', alice)).toBeNull();
    expect(evaluate('employeeOrgData.costCenter', alice)).toBe('CC-7');
    expect(evaluate('sAMAccountName', alice)).toBe('ALA');
    expect(evaluate('businessPhones', alice)).toBe('+45 11 22 33 44');
    expect(evaluate('msDS-cloudExtensionAttribute1', { 'msDS-cloudExtensionAttribute1': 'x' })).toBe('x');
  });

  it('function names are case-insensitive, attributes take the provider spelling', () => {
    const expression = parsed('lower(COALESCE(SAMACCOUNTNAME, mail))');
    expect(printExpression(expression)).toBe('Lower(Coalesce(sAMAccountName, mail))');
    expect(evaluateExpression(expression, alice)).toBe('ala');
  });

  it('reads only own properties: no prototype walking, numbers and objects are not text', () => {
    expect(readAttribute({}, 'constructor')).toBeNull();
    expect(readAttribute({}, '__proto__')).toBeNull();
    expect(readAttribute({ a: {} }, 'a.toString')).toBeNull();
    expect(readAttribute({ a: 3, b: true, c: { d: 'x' } }, 'a')).toBeNull();
    expect(readAttribute({ a: 3, b: true, c: { d: 'x' } }, 'c')).toBeNull();
    expect(readAttribute({ c: ['x'] }, 'c.0')).toBeNull();
  });

  it('values are clipped to MAX_VALUE_LENGTH code points', () => {
    const long = 'é'.repeat(MAX_VALUE_LENGTH + 10);
    expect(evaluate('mail', { mail: long })).toHaveLength(MAX_VALUE_LENGTH);
    expect(Array.from(evaluate('Join("", mail, mail)', { mail: long }) ?? '')).toHaveLength(MAX_VALUE_LENGTH);
  });
});

describe('errors name the position and what was expected', () => {
  const cases: [string, number, RegExp][] = [
    ['Foo(mail)', 0, /unknown function Foo: expected one of Coalesce, Lower/],
    ['Lower(mial)', 6, /unknown attribute mial/],
    ['Lower(onPremisesExtensionAttributes.extensionAttribute16)', 6, /unknown attribute/],
    ['Lower(mail, givenName)', 0, /Lower takes 1 argument, got 2: Lower\(value\)/],
    ['Left(mail)', 0, /Left takes 2 arguments, got 1/],
    ['Replace(mail, "a")', 0, /Replace takes 3 arguments, got 2/],
    ['Join(",")', 0, /Join takes at least 2 arguments, got 1/],
    ['Coalesce()', 0, /Coalesce takes at least 1 argument/],
    ['Left(mail, "3")', 11, /Left's length must be a non-negative whole number/],
    ['Left(mail, givenName)', 11, /Left's length must be/],
    ['Left(mail, -1)', 11, /unexpected "-"/],
    ['Left(mail, 2000)', 11, /at most 1024/],
    ['Lower(3)', 6, /a number is allowed only as Left's length; write "3"/],
    ['42', 0, /a number is allowed only as Left's length/],
    ['Replace(mail, mail, "")', 14, /regex must be a string literal/],
    ['Replace(mail, "(", "")', 14, /the regex does not compile/],
    [`Replace(mail, "${'a'.repeat(201)}", "")`, 14, /longer than 200/],
    [String.raw`Replace(mail, "(a)\\1", "")`, 14, /backreferences/],
    ['Replace(mail, "(a+)+$", "")', 14, /repeated group may not itself hold a repetition/],
    ['Replace(mail, "(a|ab)*c", "")', 14, /repeated group may not itself hold a repetition or an alternation/],
    ['Replace(mail, "a*b*", "")', 14, /at most 1 unbounded repetitions/],
    ['Lower("abc', 6, /unterminated string: expected a closing "/],
    ["Lower('abc\\", 6, /unterminated string: expected a closing '/],
    [String.raw`"a\n"`, 2, /unknown escape \\n/],
    ['mail + x', 5, /unexpected "\+": expected a function, an attribute, a string or a number/],
    ['Lower(mail givenName)', 11, /expected "," or "\)" after an argument of Lower, got "givenName"/],
    ['Lower(mail', 10, /expected "," or "\)" .* got the end of the expression/],
    ['Lower(,)', 6, /expected a function, an attribute, a string or a number, got ","/],
    ['mail)', 4, /expected the end of the expression, got "\)"/],
    ['', 0, /got the end of the expression/],
    ['   ', 3, /got the end of the expression/],
    ['mail.', 5, /expected an attribute name after "."/],
    ['3abc', 1, /unexpected "a" after a number/],
    ['Lower(\u0001)', 6, /unexpected U\+0001/],
    [`${'Lower('.repeat(MAX_DEPTH + 1)}mail${')'.repeat(MAX_DEPTH + 1)}`, MAX_DEPTH * 6 + 5, /deeper than 32/],
    [`"${'x'.repeat(MAX_EXPRESSION_LENGTH)}"`, MAX_EXPRESSION_LENGTH, /at most 2000 characters/],
  ];
  it.each(cases)('%s → at %i', (text, position, message) => {
    const [first] = errorsOf(text);
    expect(first!.position).toBe(position);
    expect(first!.message).toMatch(message);
  });

  it('the checker reports every semantic error, each with its own position', () => {
    expect(errorsOf('Join(Foo(mial), Left(mail, "x"))').map((e) => e.position)).toEqual([9, 5, 27]);
  });

  it('formats an error with a caret under the position', () => {
    const text = 'Lower(mial)';
    expect(formatExpressionError(text, errorsOf(text)[0]!)).toBe(
      'unknown attribute mial: the directory cannot read it (at 6)\nLower(mial)\n      ^',
    );
  });

  it('safe regexes pass the guard', () => {
    for (const pattern of [String.raw`@.*$`, String.raw`\s+`, '[^0-9+]', '(ab)+', '(a|b)', '(?:x|y)?z', 'a{2,5}'])
      expect(regexProblem(pattern)).toBeNull();
  });
});

describe('sources', () => {
  it('an attribute, a constant or an expression', () => {
    const attribute = parseMappingSource('employeeId', { attribute: 'EMPLOYEEID' }, READABLE);
    expect(attribute.ok && attribute.source.source).toEqual({ attribute: 'employeeId' });
    const constant = parseMappingSource('companyName', { constant: 'Contoso' }, READABLE);
    expect(constant.ok && evaluateSource(constant.source, {})).toBe('Contoso');
    const expression = parseMappingSource('costCenter', { expression: 'Upper(employeeOrgData.costCenter)' }, READABLE);
    expect(expression.ok && evaluateSource(expression.source, { employeeOrgData: { costCenter: 'cc-1' } })).toBe(
      'CC-1',
    );
  });

  it('errors name the field and the position', () => {
    expect(parseMappingSource('costCenter', { expression: 'Lower(mial)' }, READABLE)).toEqual({
      ok: false,
      errors: [{ field: 'costCenter', position: 6, message: 'unknown attribute mial: the directory cannot read it' }],
    });
    expect(parseMappingSource('manager', { attribute: 'boss' }, READABLE)).toEqual({
      ok: false,
      errors: [{ field: 'manager', position: 0, message: 'unknown attribute boss: the directory cannot read it' }],
    });
  });

  it.each([
    [null, /a source is/],
    [[], /a source is/],
    ['mail', /a source is/],
    [{}, /exactly one of .* got none/],
    [{ attribute: 'mail', constant: 'x' }, /exactly one of .* got "attribute", "constant"/],
    [{ formula: 'x' }, /exactly one of/],
    [{ constant: 3 }, /"constant" must be a string/],
    [{ constant: 'x'.repeat(MAX_VALUE_LENGTH + 1) }, /a constant is at most 1024/],
  ])('refuses a malformed source %j', (source, message) => {
    const result = parseMappingSource('email', source, READABLE);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0]!.field).toBe('email');
      expect(result.errors[0]!.message).toMatch(message);
    }
  });

  it('a whole mapping: unknown fields and bad sources reported together', () => {
    const result = parseMapping(
      { email: { expression: 'Lower(mail' }, shoeSize: { constant: '42' }, employeeId: { attribute: 'employeeId' } },
      READABLE,
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.map((e) => [e.field, e.position])).toEqual([
        ['email', 10],
        ['shoeSize', 0],
      ]);
    expect(parseMapping([], READABLE).ok).toBe(false);
    const ok = parseMapping(defaultMapping, ENTRA_MAPPABLE_ATTRIBUTES);
    expect(ok.ok).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties

const ATTRIBUTES = [
  'givenName',
  'surname',
  'mail',
  'department',
  'sAMAccountName',
  'onPremisesExtensionAttributes.extensionAttribute1',
  'employeeOrgData.costCenter',
] as const;
const SAFE_REGEXES = ['a', '[0-9]+', String.raw`\s+`, '^x', 'b$', '(ab)+', '[aeiou]', '.', String.raw`\.`];

const text = fc.string({ maxLength: 8, unit: fc.constantFrom('a', 'b', 'x', 'A', ' ', '"', "'", '\\', '.', '1', 'é') });

const expressionArb: fc.Arbitrary<Expression> = fc.letrec<{ expr: Expression }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map((value): Expression => ({ kind: 'string', value, position: 0 })),
    fc.constantFrom(...ATTRIBUTES).map((path): Expression => ({ kind: 'attribute', path, position: 0 })),
    fc
      .tuple(fc.constantFrom<FunctionName>('Lower', 'Upper', 'Trim'), tie('expr'))
      .map(([name, arg]): Expression => ({ kind: 'call', name, args: [arg], position: 0 })),
    fc.tuple(tie('expr'), fc.nat({ max: 12 })).map(([arg, n]): Expression => ({
      kind: 'call',
      name: 'Left',
      args: [arg, { kind: 'integer', value: n, position: 0 }],
      position: 0,
    })),
    fc
      .tuple(tie('expr'), fc.constantFrom(...SAFE_REGEXES), tie('expr'))
      .map(([arg, regex, replacement]): Expression => ({
        kind: 'call',
        name: 'Replace',
        args: [arg, { kind: 'string', value: regex, position: 0 }, replacement],
        position: 0,
      })),
    fc
      .array(tie('expr'), { minLength: 1, maxLength: 4 })
      .map((args): Expression => ({ kind: 'call', name: 'Coalesce', args, position: 0 })),
    fc
      .array(tie('expr'), { minLength: 2, maxLength: 4 })
      .map((args): Expression => ({ kind: 'call', name: 'Join', args, position: 0 })),
  ),
})).expr;

const value = fc.oneof(fc.constant(null), fc.constant(undefined), fc.constant(''), text);
const attributeMapArb: fc.Arbitrary<AttributeMap> = fc.record(
  {
    givenName: value,
    surname: value,
    mail: value,
    department: value,
    sAMAccountName: value,
    onPremisesExtensionAttributes: fc.oneof(fc.constant(null), fc.record({ extensionAttribute1: value })),
    employeeOrgData: fc.oneof(fc.constant(undefined), fc.record({ costCenter: value })),
  },
  { requiredKeys: [] },
);

/**
 * A straightforward reference: every argument evaluated first, then the rule from the module comment, and
 * "every value read or computed is clipped to MAX_VALUE_LENGTH code points".
 */
function reference(e: Expression, attrs: AttributeMap): string | null {
  const value = unclippedReference(e, attrs);
  return value === null ? null : [...value].slice(0, MAX_VALUE_LENGTH).join('');
}

function unclippedReference(e: Expression, attrs: AttributeMap): string | null {
  if (e.kind === 'string') return e.value;
  if (e.kind === 'integer') return String(e.value);
  if (e.kind === 'attribute') {
    let v: unknown = attrs;
    for (const key of e.path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : null;
    return typeof v === 'string' ? v : null;
  }
  const vals = e.args.map((a) => reference(a, attrs));
  const present = (v: string | null): v is string => v !== null && v.length > 0;
  switch (e.name) {
    case 'Coalesce':
      return vals.find(present) ?? null;
    case 'Lower':
      return vals[0] == null ? null : vals[0].toLowerCase();
    case 'Upper':
      return vals[0] == null ? null : vals[0].toUpperCase();
    case 'Trim':
      return vals[0] == null ? null : vals[0].trim();
    case 'Left':
      return vals[0] == null ? null : [...vals[0]].slice(0, Number(vals[1])).join('');
    case 'Replace':
      return vals[0] == null || vals[2] == null ? null : vals[0].replaceAll(new RegExp(vals[1]!, 'gu'), vals[2]);
    case 'Join': {
      const items = vals.slice(1).filter(present);
      return vals[0] == null || items.length === 0 ? null : items.join(vals[0]);
    }
  }
}

describe('value length', () => {
  it('clips a computed value to MAX_VALUE_LENGTH code points (found by the reference property, seed 2098044674)', () => {
    // 40 × 40 = 1,600 characters before the clip
    const expression = parsed(`Replace("${'a'.repeat(40)}", "a", "${'a'.repeat(40)}")`);
    expect(evaluateExpression(expression, {})).toBe('a'.repeat(MAX_VALUE_LENGTH));
  });
});

describe('properties', () => {
  it('parse(print(e)) is e, and print is a fixed point', () => {
    fc.assert(
      fc.property(expressionArb, (e) => {
        const printed = printExpression(e);
        const again = parsed(printed);
        expect(strip(again)).toEqual(strip(e));
        expect(printExpression(again)).toBe(printed);
      }),
    );
  });

  it('function names parse in any case', () => {
    fc.assert(
      fc.property(expressionArb, fc.boolean(), (e, upper) => {
        const printed = printExpression(e);
        const names = Object.keys(FUNCTIONS).join('|');
        const recased = printed.replace(new RegExp(`\\b(${names})\\(`, 'g'), (m) =>
          upper ? m.toUpperCase() : m.toLowerCase(),
        );
        // Only function names are touched outside strings when strings are free of "(": compare the ASTs.
        fc.pre(!/["'][^"']*\(/.test(printed));
        expect(strip(parsed(recased))).toEqual(strip(e));
      }),
    );
  });

  it('the evaluator agrees with the reference implementation', () => {
    fc.assert(
      fc.property(expressionArb, attributeMapArb, (e, attrs) => {
        expect(evaluateExpression(e, attrs)).toBe(reference(e, attrs));
      }),
      { numRuns: 500 },
    );
  });

  it('errors for garbage have positions within the input, and never throw', () => {
    const garbage = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({
        maxLength: 40,
        unit: fc.constantFrom(
          'Lower',
          'Left',
          'Join',
          'Replace',
          '(',
          ')',
          ',',
          '.',
          '"',
          "'",
          '\\',
          'mail',
          '3',
          ' ',
          '-',
          'x',
        ),
      }),
    );
    fc.assert(
      fc.property(garbage, (input) => {
        const result = parseExpression(input, READABLE);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) {
            expect(error.position).toBeGreaterThanOrEqual(0);
            expect(error.position).toBeLessThanOrEqual(input.length);
            expect(error.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('an unknown attribute anywhere in a generated expression is reported at its own offset', () => {
    fc.assert(
      fc.property(expressionArb, fc.nat(), (e, pick) => {
        const printed = printExpression(e);
        const spots = [...printed.matchAll(/(?<![\w."'\\-])(givenName|surname|mail|department)(?![\w(])/g)];
        const inStrings = (index: number) => {
          // an attribute-looking word inside a string literal is not an attribute: skip those
          let quote: string | null = null;
          for (let i = 0; i < index; i++) {
            const c = printed[i]!;
            if (quote && c === '\\') i++;
            else if (quote && c === quote) quote = null;
            else if (!quote && (c === '"' || c === "'")) quote = c;
          }
          return quote !== null;
        };
        const candidates = spots.filter((m) => !inStrings(m.index));
        fc.pre(candidates.length > 0);
        const spot = candidates[pick % candidates.length]!;
        const broken = `${printed.slice(0, spot.index)}zzz${printed.slice(spot.index + spot[0].length)}`;
        const errors = errorsOf(broken);
        expect(errors).toContainEqual({
          position: spot.index,
          message: 'unknown attribute zzz: the directory cannot read it',
        });
      }),
    );
  });

  it('the regex guard never throws, and what it accepts compiles', () => {
    const regexText = fc.string({
      maxLength: 16,
      unit: fc.constantFrom(
        'a',
        'b',
        '(',
        ')',
        '(?:',
        '|',
        '*',
        '+',
        '?',
        '{2,}',
        '{1,3}',
        '[',
        ']',
        '\\',
        '.',
        '^',
        '$',
        '1',
      ),
    });
    fc.assert(
      fc.property(regexText, (pattern) => {
        if (regexProblem(pattern) === null) expect(() => new RegExp(pattern, 'gu')).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it('parseMappingSource never throws on arbitrary JSON and always names the field', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (source) => {
        const result = parseMappingSource('department', source, READABLE);
        if (!result.ok) for (const error of result.errors) expect(error.field).toBe('department');
      }),
    );
  });

  const ascii = fc.string({
    maxLength: 20,
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  });
  const at = (expression: string, x: string) => evaluate(expression, { mail: x });

  it('Lower(Upper(x)) = Lower(x) and Upper(Lower(x)) = Upper(x) for ASCII; both idempotent', () => {
    fc.assert(
      fc.property(ascii, (x) => {
        expect(at('Lower(Upper(mail))', x)).toBe(at('Lower(mail)', x));
        expect(at('Upper(Lower(mail))', x)).toBe(at('Upper(mail)', x));
        expect(at('Lower(Lower(mail))', x)).toBe(at('Lower(mail)', x));
        expect(at('Upper(Upper(mail))', x)).toBe(at('Upper(mail)', x));
      }),
    );
  });

  it('Trim is idempotent and leaves no white space at the ends; Left is a prefix of at most n', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.nat({ max: 30 }), (x, n) => {
        const trimmed = at('Trim(mail)', x)!;
        expect(at('Trim(Trim(mail))', x)).toBe(trimmed);
        expect(trimmed).toBe(trimmed.trim());
        const left = at(`Left(mail, ${n})`, x)!;
        expect(x.startsWith(left)).toBe(true);
        expect(Array.from(left).length).toBe(Math.min(n, Array.from(x).length));
        expect(at(`Left(Left(mail, ${n}), ${n + 3})`, x)).toBe(left);
      }),
    );
  });
});

describe('the default mapping is today’s', () => {
  const str = fc.oneof(
    fc.constant(null),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('a@b.co', ' A@B.CO ', 'a b@c.d', 'x@y', 'alice_contoso.com#EXT#@t.onmicrosoft.com', 'a@b.c#ext#'),
  );
  const userArb: fc.Arbitrary<GraphUserFields> = fc.record({
    id: fc.constant('e1'),
    displayName: str,
    givenName: str,
    surname: str,
    mail: str,
    userPrincipalName: str,
    mailNickname: str,
    jobTitle: str,
    department: str,
    mobilePhone: str,
    businessPhones: fc.array(fc.oneof(fc.constant(' '), fc.string({ maxLength: 6 })), { maxLength: 3 }),
    officeLocation: str,
    employeeId: str,
    onPremisesSamAccountName: str,
    accountEnabled: fc.constantFrom(true, false, null),
    userType: fc.constantFrom('Member', 'Guest', null),
  });
  const initialsArb = fc.subarray<InitialsAttribute>(['onPremisesSamAccountName', 'mailNickname', 'employeeId'], {
    minLength: 1,
  });

  it('every field of defaultMappingFor(initials) evaluates to what mapDirectoryUser gives', () => {
    fc.assert(
      fc.property(userArb, initialsArb, (user, initialsAttributes) => {
        const mapping = parseMapping(defaultMappingFor(initialsAttributes), ENTRA_MAPPABLE_ATTRIBUTES);
        if (!mapping.ok) throw new Error(JSON.stringify(mapping.errors));
        const today = mapDirectoryUser(entraUser(user), { initialsAttributes });
        const { active: _active, ...fields } = today;
        // email: the same whenever mail is blank or an address and the UPN is no guest's (the engine's address rule).
        const { email: todayEmail, ...rest } = fields;
        const mail = user.mail?.trim() ?? '';
        const upn = user.userPrincipalName?.trim() ?? '';
        if (
          (mail === '' || looksLikeEmail(mail)) &&
          (upn === '' || (looksLikeEmail(upn) && !isGuestUserPrincipalName(upn)))
        )
          expect(evaluateSource(mapping.mapping.email!, user as unknown as AttributeMap)).toBe(todayEmail);
        for (const [field, expected] of Object.entries(rest)) {
          const source = mapping.mapping[field as keyof typeof mapping.mapping];
          expect(source, field).toBeDefined();
          expect(evaluateSource(source!, user as unknown as AttributeMap), field).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('maps the ten fields mapDirectoryUser sets, and none of the new ones', () => {
    expect(Object.keys(defaultMapping).sort()).toEqual(
      [
        'department',
        'displayName',
        'email',
        'firstName',
        'initials',
        'jobTitle',
        'lastName',
        'mobile',
        'officeLocation',
        'phone',
      ].sort(),
    );
  });
});
