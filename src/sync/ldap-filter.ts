/**
 * RFC 4515 LDAP search filters: a parser (with errors that say where a filter is malformed), the AST, a printer
 * (parse(print(f)) gives f back) and an evaluator against a directory user's attribute map, for scoping Entra
 * users with the same filter an on-prem setup sends to Active Directory. Pure: no I/O.
 *
 * Evaluation follows RFC 4511 §4.5.1.7: each item is TRUE, FALSE or Undefined, `!` of Undefined is Undefined,
 * and a user matches only when the whole filter is TRUE. Attribute names are case-insensitive, values are
 * compared case-insensitively (AD's and Entra's default for the attributes a setup filters on) with insignificant
 * spaces removed (RFC 4518), ordering (>=, <=) is numeric when both sides are integers. Extensible matches know
 * caseIgnoreMatch, caseExactMatch and AD's bitwise AND/OR rules (1.2.840.113556.1.4.803/804); any other rule
 * (such as AD's in-chain rule 1.2.840.113556.1.4.1941, which needs the directory) is Undefined.
 */

export type LdapFilter =
  | { type: 'and'; filters: LdapFilter[] }
  | { type: 'or'; filters: LdapFilter[] }
  | { type: 'not'; filter: LdapFilter }
  | { type: 'equality'; attribute: string; value: string }
  | { type: 'approx'; attribute: string; value: string }
  | { type: 'greaterOrEqual'; attribute: string; value: string }
  | { type: 'lessOrEqual'; attribute: string; value: string }
  | { type: 'present'; attribute: string }
  | { type: 'substrings'; attribute: string; initial: string | null; any: string[]; final: string | null }
  | { type: 'extensible'; attribute: string | null; dnAttributes: boolean; matchingRule: string | null; value: string };

/** Nesting deeper than this is refused: a filter is typed by an administrator, not generated without bound. */
export const MAX_FILTER_DEPTH = 50;
/** Longer filters are refused before parsing (AD's own practical limit is far higher, setups need far less). */
export const MAX_FILTER_LENGTH = 10_000;

export class LdapFilterSyntaxError extends Error {
  override readonly name = 'LdapFilterSyntaxError';
  /** 0-based offset into the filter where it stops being valid. */
  readonly offset: number;
  /** What the parser expected there, in words ("\")\"", "an attribute name"). */
  readonly expected: string;
  constructor(
    readonly filter: string,
    offset: number,
    expected: string,
    detail?: string,
  ) {
    const found = offset >= filter.length ? 'the end of the filter' : JSON.stringify(filter.slice(offset, offset + 10));
    super(
      `The filter is malformed at character ${offset + 1}: ${detail ?? `expected ${expected}, found ${found}`}.` +
        ` Filters are written as in RFC 4515, e.g. (&(department=Sales)(!(title=Intern*))).`,
    );
    this.offset = offset;
    this.expected = expected;
  }

  /** The filter with a caret under the offending character, for a monospace error display. */
  get pointer(): string {
    return `${this.filter}\n${' '.repeat(this.offset)}^`;
  }
}

const DESCR = /^[A-Za-z][A-Za-z0-9-]*$/;
const NUMERIC_OID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$/;
const OPTION = /^[A-Za-z0-9-]+$/;

function isAttributeDescription(text: string): boolean {
  const [type, ...options] = text.split(';');
  return (DESCR.test(type!) || NUMERIC_OID.test(type!)) && options.every((o) => OPTION.test(o));
}

const isOid = (text: string) => DESCR.test(text) || NUMERIC_OID.test(text);

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Parses an RFC 4515 filter string. Throws LdapFilterSyntaxError naming the position where it is malformed. */
export function parseLdapFilter(text: string): LdapFilter {
  if (text.length > MAX_FILTER_LENGTH) {
    throw new LdapFilterSyntaxError(
      text,
      MAX_FILTER_LENGTH,
      'a shorter filter',
      `it is longer than ${MAX_FILTER_LENGTH} characters`,
    );
  }
  let pos = 0;

  const fail = (expected: string, detail?: string, at = pos): never => {
    throw new LdapFilterSyntaxError(text, at, expected, detail);
  };
  const expect = (char: string) => {
    if (text[pos] !== char) fail(JSON.stringify(char));
    pos++;
  };

  const filter = (depth: number): LdapFilter => {
    if (depth > MAX_FILTER_DEPTH) fail('fewer nested parentheses', `it nests deeper than ${MAX_FILTER_DEPTH} levels`);
    expect('(');
    let result: LdapFilter;
    const c = text[pos];
    if (c === '&' || c === '|') {
      pos++;
      const filters: LdapFilter[] = [];
      while (text[pos] === '(') filters.push(filter(depth + 1));
      if (filters.length === 0) fail('"(" starting a filter inside "' + c + '"');
      result = { type: c === '&' ? 'and' : 'or', filters };
    } else if (c === '!') {
      pos++;
      if (text[pos] !== '(') fail('"(" starting the filter that "!" negates');
      result = { type: 'not', filter: filter(depth + 1) };
    } else {
      result = item();
    }
    expect(')');
    return result;
  };

  /** An assertion value up to (not including) one of the stop characters; decodes \XX escapes (UTF-8). */
  const value = (allowStar: boolean): string => {
    const start = pos;
    const bytes: number[] = [];
    while (pos < text.length) {
      const c = text[pos]!;
      if (c === ')' || (c === '*' && allowStar)) break;
      if (c === '(' || c === '*')
        fail('a value', `"${c}" must be written as \\${c === '(' ? '28' : '2a'} inside a value`);
      if (c === '\u0000') fail('a value', 'a NUL character must be written as \\00');
      if (c === '\\') {
        const hex = text.slice(pos + 1, pos + 3);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
          fail(
            'two hexadecimal digits after "\\"',
            'a "\\" in a value must be followed by two hexadecimal digits (\\2a for *, \\28 for (, \\29 for ), ' +
              '\\5c for \\)',
          );
        }
        bytes.push(parseInt(hex, 16));
        pos += 3;
      } else {
        const cp = text.codePointAt(pos)!;
        const char = String.fromCodePoint(cp);
        bytes.push(...encoder.encode(char));
        pos += char.length;
      }
    }
    try {
      return utf8.decode(new Uint8Array(bytes));
    } catch {
      return fail('UTF-8', 'the escaped bytes in this value are not valid UTF-8 text', start);
    }
  };

  const item = (): LdapFilter => {
    const start = pos;
    // The left-hand side: everything up to the filter type (=, ~=, >=, <=, :=).
    while (pos < text.length && !'=~<>:()'.includes(text[pos]!)) pos++;
    let lhs = text.slice(start, pos);
    if (text[pos] === ':' || (lhs === '' && text[pos] === ':')) {
      // Extensible: attr[:dn][:rule]:=value  or  [:dn]:rule:=value
      const attribute: string | null = lhs === '' ? null : lhs;
      if (attribute !== null && !isAttributeDescription(attribute))
        fail('an attribute name', `"${attribute}" is not an attribute name`, start);
      let dnAttributes = false;
      let matchingRule: string | null = null;
      while (text[pos] === ':' && text[pos + 1] !== '=') {
        pos++;
        const partStart = pos;
        while (pos < text.length && !':=()'.includes(text[pos]!)) pos++;
        const part = text.slice(partStart, pos);
        if (part.toLowerCase() === 'dn' && !dnAttributes && matchingRule === null) dnAttributes = true;
        else if (matchingRule === null && isOid(part)) matchingRule = part;
        else fail('"dn" or a matching rule', `"${part}" is not "dn" or a matching rule (an OID or name)`, partStart);
      }
      if (text[pos] !== ':' || text[pos + 1] !== '=') fail('":="');
      if (attribute === null && matchingRule === null)
        fail('a matching rule', 'an extensible match without an attribute needs a matching rule', start);
      pos += 2;
      return { type: 'extensible', attribute, dnAttributes, matchingRule, value: value(false) };
    }
    if (lhs === '') fail('an attribute name');
    let type: 'equality' | 'approx' | 'greaterOrEqual' | 'lessOrEqual';
    const op = text[pos];
    if (op === '=') {
      type = 'equality';
      pos++;
    } else if ((op === '~' || op === '>' || op === '<') && text[pos + 1] === '=') {
      type = op === '~' ? 'approx' : op === '>' ? 'greaterOrEqual' : 'lessOrEqual';
      pos += 2;
    } else if (op === undefined || op === ')' || op === '(') {
      return fail('"=", "~=", ">=" or "<=" after the attribute name');
    } else {
      return fail('"=" after "' + op + '"', `"${op}" must be followed by "=" (">=", "<=", "~=")`, pos + 1);
    }
    if (!isAttributeDescription(lhs))
      fail(
        'an attribute name',
        `"${lhs}" is not an attribute name (letters, digits and "-", starting with a letter, or an OID)`,
        start,
      );
    lhs = lhs.trim();
    if (type !== 'equality') return { type, attribute: lhs, value: value(false) };
    // Equality, presence or substrings.
    const pieces: string[] = [value(true)];
    let stars = 0;
    while (text[pos] === '*') {
      if (stars > 0 && pieces[pieces.length - 1] === '')
        fail('a value between two "*"', '"**" is not allowed in a substring filter');
      pos++;
      stars++;
      pieces.push(value(true));
    }
    if (stars === 0) return { type: 'equality', attribute: lhs, value: pieces[0]! };
    if (stars === 1 && pieces[0] === '' && pieces[1] === '') return { type: 'present', attribute: lhs };
    const middle = pieces.slice(1, -1);
    return {
      type: 'substrings',
      attribute: lhs,
      initial: pieces[0] === '' ? null : pieces[0]!,
      any: middle,
      final: pieces[pieces.length - 1] === '' ? null : pieces[pieces.length - 1]!,
    };
  };

  // Only the whole filter's surrounding white space is insignificant.
  while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  if (pos >= text.length) fail('"("', 'the filter is empty');
  if (text[pos] !== '(') fail('"("', 'a filter starts with "(", e.g. (department=Sales)');
  const result = filter(1);
  while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  if (pos < text.length)
    fail('the end of the filter', 'there is more after the filter\'s closing ")" (combine filters with (&…) or (|…))');
  return result;
}

/** Escapes an assertion value for a filter string (RFC 4515 §3): *, (, ), \ and NUL. */
export function escapeFilterValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL must be escaped (RFC 4515 §3)
  return value.replace(/[*()\\\u0000]/g, (c) => '\\' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

/** The filter as a string; parseLdapFilter(printLdapFilter(f)) deep-equals f. */
export function printLdapFilter(filter: LdapFilter): string {
  switch (filter.type) {
    case 'and':
      return `(&${filter.filters.map(printLdapFilter).join('')})`;
    case 'or':
      return `(|${filter.filters.map(printLdapFilter).join('')})`;
    case 'not':
      return `(!${printLdapFilter(filter.filter)})`;
    case 'equality':
      return `(${filter.attribute}=${escapeFilterValue(filter.value)})`;
    case 'approx':
      return `(${filter.attribute}~=${escapeFilterValue(filter.value)})`;
    case 'greaterOrEqual':
      return `(${filter.attribute}>=${escapeFilterValue(filter.value)})`;
    case 'lessOrEqual':
      return `(${filter.attribute}<=${escapeFilterValue(filter.value)})`;
    case 'present':
      return `(${filter.attribute}=*)`;
    case 'substrings':
      return (
        `(${filter.attribute}=${escapeFilterValue(filter.initial ?? '')}*` +
        filter.any.map((a) => escapeFilterValue(a) + '*').join('') +
        `${escapeFilterValue(filter.final ?? '')})`
      );
    case 'extensible':
      return (
        `(${filter.attribute ?? ''}${filter.dnAttributes ? ':dn' : ''}` +
        `${filter.matchingRule ? ':' + filter.matchingRule : ''}:=${escapeFilterValue(filter.value)})`
      );
  }
}

/** The attribute names a filter reads (lowercased, without options), e.g. to $select them from Graph. */
export function filterAttributes(filter: LdapFilter): string[] {
  const names = new Set<string>();
  const walk = (f: LdapFilter) => {
    if (f.type === 'and' || f.type === 'or') f.filters.forEach(walk);
    else if (f.type === 'not') walk(f.filter);
    else if (f.attribute !== null) names.add(attributeKey(f.attribute));
  };
  walk(filter);
  return [...names];
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

export type AttributeValue = string | number | boolean | bigint;
/** A directory user's attributes: one value, several, or null/absent. Names are matched case-insensitively. */
export type AttributeMap = Readonly<Record<string, AttributeValue | readonly AttributeValue[] | null | undefined>>;

/** RFC 4511's three values: TRUE, FALSE, Undefined. */
export type FilterResult = true | false | undefined;

/** The attribute type without options, lowercased: how names are compared. */
export function attributeKey(attribute: string): string {
  return attribute.split(';')[0]!.trim().toLowerCase();
}

/** Case-insensitive, insignificant spaces removed (leading, trailing, runs of white space count as one). */
export function normaliseAssertionValue(value: string): string {
  return value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Substring pieces keep their edge spaces (they separate words); runs of white space count as one. */
function normalisePiece(value: string): string {
  return value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ');
}

function valueText(value: AttributeValue): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'; // LDAP's Boolean syntax
  return String(value);
}

/** Attribute values as text, keyed by lowercased attribute type. Build once per user for many filters. */
export function indexAttributes(attributes: AttributeMap): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const [name, raw] of Object.entries(attributes)) {
    if (raw === null || raw === undefined) continue;
    const values = (Array.isArray(raw) ? raw : [raw]) as readonly AttributeValue[];
    const key = attributeKey(name);
    const list = index.get(key) ?? [];
    for (const v of values) if (v !== null && v !== undefined) list.push(valueText(v));
    if (list.length > 0) index.set(key, list);
  }
  return index;
}

const INTEGER = /^[+-]?\d+$/;

function compareValues(a: string, b: string): number {
  if (INTEGER.test(a.trim()) && INTEGER.test(b.trim())) {
    const x = BigInt(a.trim());
    const y = BigInt(b.trim());
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = normaliseAssertionValue(a);
  const y = normaliseAssertionValue(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function matchesSubstrings(value: string, initial: string | null, any: string[], final: string | null): boolean {
  const v = normalisePiece(value).trim();
  let from = 0;
  if (initial !== null) {
    const i = normalisePiece(initial).trimStart();
    if (!v.startsWith(i)) return false;
    from = i.length;
  }
  for (const piece of any) {
    const p = normalisePiece(piece);
    const at = v.indexOf(p, from);
    if (at < 0) return false;
    from = at + p.length;
  }
  if (final !== null) {
    const f = normalisePiece(final).trimEnd();
    if (v.length - f.length < from || !v.endsWith(f)) return false;
  }
  return true;
}

/** Matching rules the evaluator knows, by OID and name (RFC 4517). Anything else is Undefined. */
const EQUALITY_RULES = new Set([
  '2.5.13.2',
  'caseignorematch',
  '2.5.13.5',
  'caseexactmatch',
  '2.5.13.0',
  'objectidentifiermatch',
]);
const CASE_EXACT_RULES = new Set(['2.5.13.5', 'caseexactmatch']);
/** AD's bitwise rules: LDAP_MATCHING_RULE_BIT_AND and _BIT_OR, e.g. (userAccountControl:1.2.840.113556.1.4.803:=2). */
export const BIT_AND_RULE = '1.2.840.113556.1.4.803';
export const BIT_OR_RULE = '1.2.840.113556.1.4.804';

function bitwise(values: string[], assertion: string, rule: string): FilterResult {
  if (!INTEGER.test(assertion.trim())) return undefined;
  const mask = BigInt.asUintN(64, BigInt(assertion.trim()));
  let result: FilterResult = false;
  for (const v of values) {
    if (!INTEGER.test(v.trim())) {
      result = undefined;
      continue;
    }
    const bits = BigInt.asUintN(64, BigInt(v.trim()));
    if (rule === BIT_AND_RULE ? (bits & mask) === mask : (bits & mask) !== 0n) return true;
  }
  return result;
}

/** RFC 4511 three-valued evaluation of a filter against one user's attributes. */
export function evaluateLdapFilter3(
  filter: LdapFilter,
  attributes: AttributeMap | Map<string, string[]>,
): FilterResult {
  const index = attributes instanceof Map ? attributes : indexAttributes(attributes);
  const evaluate = (f: LdapFilter): FilterResult => {
    switch (f.type) {
      case 'and': {
        let result: FilterResult = true;
        for (const sub of f.filters) {
          const r = evaluate(sub);
          if (r === false) return false;
          if (r === undefined) result = undefined;
        }
        return result;
      }
      case 'or': {
        let result: FilterResult = false;
        for (const sub of f.filters) {
          const r = evaluate(sub);
          if (r === true) return true;
          if (r === undefined) result = undefined;
        }
        return result;
      }
      case 'not': {
        const r = evaluate(f.filter);
        return r === undefined ? undefined : !r;
      }
      case 'present':
        return index.has(attributeKey(f.attribute));
      case 'equality':
      case 'approx': {
        const wanted = normaliseAssertionValue(f.value);
        return (index.get(attributeKey(f.attribute)) ?? []).some((v) => normaliseAssertionValue(v) === wanted);
      }
      case 'greaterOrEqual':
        return (index.get(attributeKey(f.attribute)) ?? []).some((v) => compareValues(v, f.value) >= 0);
      case 'lessOrEqual':
        return (index.get(attributeKey(f.attribute)) ?? []).some((v) => compareValues(v, f.value) <= 0);
      case 'substrings':
        return (index.get(attributeKey(f.attribute)) ?? []).some((v) =>
          matchesSubstrings(v, f.initial, f.any, f.final),
        );
      case 'extensible': {
        const rule = f.matchingRule?.toLowerCase() ?? null;
        if (!f.dnAttributes && f.attribute !== null && (rule === BIT_AND_RULE || rule === BIT_OR_RULE)) {
          return bitwise(index.get(attributeKey(f.attribute)) ?? [], f.value, rule);
        }
        if (f.dnAttributes || f.attribute === null || (rule !== null && !EQUALITY_RULES.has(rule))) return undefined;
        const values = index.get(attributeKey(f.attribute)) ?? [];
        if (rule !== null && CASE_EXACT_RULES.has(rule)) return values.some((v) => v === f.value);
        const wanted = normaliseAssertionValue(f.value);
        return values.some((v) => normaliseAssertionValue(v) === wanted);
      }
    }
  };
  return evaluate(filter);
}

/** Whether the user matches: the filter is TRUE (FALSE and Undefined do not match, as in an LDAP search). */
export function evaluateLdapFilter(filter: LdapFilter, attributes: AttributeMap | Map<string, string[]>): boolean {
  return evaluateLdapFilter3(filter, attributes) === true;
}
