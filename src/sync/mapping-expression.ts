/**
 * Attribute mapping per setup (issue 16, groundwork): the small expression language a product field's source
 * may be written in, its parser, checker, printer and evaluator, and today's fixed mapping stated as sources.
 *
 * The language:
 *   expr      := call | attribute | string | integer
 *   call      := Name "(" [ expr { "," expr } ] ")"          Name is one of FUNCTIONS, matched case-insensitively
 *   attribute := segment { "." segment }                     segment := [A-Za-z_][A-Za-z0-9_-]*
 *   string    := '"' … '"' | "'" … "'"                        escapes: \\ \" \' (any other backslash is an error)
 *   integer   := [0-9]+                                      only as Left's length
 * White space between tokens is ignored. An identifier followed by "(" is a call, otherwise an attribute.
 *
 * Choices (documented here once):
 * - Function names are case-insensitive (`lower(mail)` = `Lower(mail)`); the printer writes the canonical spelling.
 *   Attribute references are matched case-insensitively against the provider's readable attributes (Graph and LDAP
 *   attribute names are case-insensitive) and stored in the provider's spelling.
 * - Single-quoted strings are accepted as well as double-quoted ones; the printer writes double quotes.
 * - Null propagates: every function but Coalesce and Join returns null when an argument is null. Coalesce returns
 *   its first argument that is neither null nor ""; Join skips null and "" items. A source's final value is
 *   cleaned as today's mapping cleans every field: trimmed, and blank is null.
 * - Size: every value read or computed is clipped to MAX_VALUE_LENGTH code points; an expression is at most
 *   MAX_EXPRESSION_LENGTH characters and MAX_DEPTH calls deep.
 * - Replace(x, regex, with): regex is a string literal, checked on save and compiled (once, cached) with flags `gu`
 *   (all matches, Unicode); `with` may use $1…, $& and $<name> as in String.prototype.replace. The engine is V8's
 *   backtracking one, so the checker refuses what makes it blow up: patterns over MAX_REGEX_LENGTH, backreferences,
 *   a repeated group that itself holds a repetition or an alternation (`(a+)+`, `(a|ab)*`: exponential; write
 *   `[ab]+` for a repeated choice of characters), and more than MAX_UNBOUNDED_REPEATS unbounded repetitions
 *   (polynomial: `a*a*b` takes ~1.3 s on 1024 characters, `a*b` ~15 ms, measured on this machine). With values
 *   clipped to 1024 code points that bounds the work per call; V8's linear engine
 *   (`--enable-experimental-regexp-engine`, flag `l`) would be the hard guarantee, but it is a process-wide V8 flag
 *   and so not this pure module's decision.
 */

export const MAX_VALUE_LENGTH = 1024;
export const MAX_EXPRESSION_LENGTH = 2000;
export const MAX_DEPTH = 32;
export const MAX_REGEX_LENGTH = 200;
export const MAX_UNBOUNDED_REPEATS = 1;
export const MAX_LEFT_LENGTH = MAX_VALUE_LENGTH;

// ---------------------------------------------------------------------------------------------------------------
// AST

export type FunctionName = 'Coalesce' | 'Lower' | 'Upper' | 'Trim' | 'Left' | 'Replace' | 'Join';

export type Expression =
  | { kind: 'string'; value: string; position: number }
  | { kind: 'integer'; value: number; position: number }
  | { kind: 'attribute'; path: string; position: number }
  | { kind: 'call'; name: FunctionName; args: Expression[]; position: number };

/** An error in an expression: `position` is the 0-based offset into the expression text it was found at. */
export interface ExpressionError {
  position: number;
  message: string;
}

/** An error in one field's source, in the shape a 400's `details` carries. */
export interface MappingError {
  field: string;
  position: number;
  message: string;
}

type ArgKind = 'string' | 'integer-literal' | 'string-literal';

interface FunctionSpec {
  /** The argument kinds in order; `rest` repeats the last one. */
  params: ArgKind[];
  rest: boolean;
  min: number;
  usage: string;
}

export const FUNCTIONS: Readonly<Record<FunctionName, FunctionSpec>> = {
  Coalesce: { params: ['string'], rest: true, min: 1, usage: 'Coalesce(value, value, …)' },
  Lower: { params: ['string'], rest: false, min: 1, usage: 'Lower(value)' },
  Upper: { params: ['string'], rest: false, min: 1, usage: 'Upper(value)' },
  Trim: { params: ['string'], rest: false, min: 1, usage: 'Trim(value)' },
  Left: { params: ['string', 'integer-literal'], rest: false, min: 2, usage: 'Left(value, length)' },
  Replace: {
    params: ['string', 'string-literal', 'string'],
    rest: false,
    min: 3,
    usage: 'Replace(value, "regex", replacement)',
  },
  Join: { params: ['string', 'string'], rest: true, min: 2, usage: 'Join(separator, value, …)' },
};

const FUNCTION_BY_LOWER = new Map<string, FunctionName>(
  (Object.keys(FUNCTIONS) as FunctionName[]).map((name) => [name.toLowerCase(), name]),
);

// ---------------------------------------------------------------------------------------------------------------
// Tokenizer

type Token =
  | { type: 'ident'; text: string; position: number }
  | { type: 'string'; value: string; position: number }
  | { type: 'integer'; text: string; position: number }
  | { type: '(' | ')' | ',' | '.'; position: number }
  | { type: 'end'; position: number };

class SyntaxFailure extends Error {
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(message);
  }
}

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_-]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `"${c}"`;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (isSpace(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',' || c === '.') {
      tokens.push({ type: c, position: i });
      i++;
    } else if (c === '"' || c === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new SyntaxFailure(start, `unterminated string: expected a closing ${c}`);
        const d = text[i]!;
        if (d === c) {
          i++;
          break;
        }
        if (d === '\\') {
          const e = text[i + 1];
          if (e === undefined) throw new SyntaxFailure(start, `unterminated string: expected a closing ${c}`);
          if (e !== '\\' && e !== '"' && e !== "'")
            throw new SyntaxFailure(i, `unknown escape \\${e}: a string knows only \\\\, \\" and \\'`);
          value += e;
          i += 2;
        } else {
          value += d;
          i++;
        }
      }
      tokens.push({ type: 'string', value, position: start });
    } else if (isDigit(c)) {
      const start = i;
      while (i < text.length && isDigit(text[i]!)) i++;
      if (i < text.length && isIdentStart(text[i]!))
        throw new SyntaxFailure(i, `unexpected ${describeChar(text[i]!)} after a number`);
      tokens.push({ type: 'integer', text: text.slice(start, i), position: start });
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < text.length && isIdentPart(text[i]!)) i++;
      tokens.push({ type: 'ident', text: text.slice(start, i), position: start });
    } else {
      throw new SyntaxFailure(
        i,
        `unexpected ${describeChar(String.fromCodePoint(text.codePointAt(i) ?? 0))}: expected a function, an attribute, a string or a number`,
      );
    }
  }
  tokens.push({ type: 'end', position: text.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------------------------
// Parser (syntax only: the checker below knows functions' arities and the provider's attributes)

interface RawCall {
  kind: 'rawcall';
  name: string;
  args: RawExpression[];
  position: number;
}
type RawExpression = Exclude<Expression, { kind: 'call' }> | RawCall;

function describeToken(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'the end of the expression';
    case 'ident':
      return `"${token.text}"`;
    case 'string':
      return 'a string';
    case 'integer':
      return `the number ${token.text}`;
    default:
      return `"${token.type}"`;
  }
}

function parseTokens(tokens: Token[]): RawExpression {
  let at = 0;
  const peek = () => tokens[at]!;
  const next = () => tokens[at++]!;

  const expression = (depth: number): RawExpression => {
    const token = next();
    if (token.type === 'string') return { kind: 'string', value: token.value, position: token.position };
    if (token.type === 'integer') {
      const value = Number(token.text);
      if (!Number.isSafeInteger(value))
        throw new SyntaxFailure(token.position, `the number ${token.text} is too large`);
      return { kind: 'integer', value, position: token.position };
    }
    if (token.type !== 'ident')
      throw new SyntaxFailure(
        token.position,
        `expected a function, an attribute, a string or a number, got ${describeToken(token)}`,
      );
    if (peek().type === '(') {
      const open = next();
      if (depth >= MAX_DEPTH)
        throw new SyntaxFailure(open.position, `the expression nests deeper than ${MAX_DEPTH} calls`);
      const args: RawExpression[] = [];
      if (peek().type !== ')') {
        for (;;) {
          args.push(expression(depth + 1));
          const after = next();
          if (after.type === ')') break;
          if (after.type !== ',')
            throw new SyntaxFailure(
              after.position,
              `expected "," or ")" after an argument of ${token.text}, got ${describeToken(after)}`,
            );
        }
      } else next();
      return { kind: 'rawcall', name: token.text, args, position: token.position };
    }
    let path = token.text;
    while (peek().type === '.') {
      next();
      const segment = next();
      if (segment.type !== 'ident')
        throw new SyntaxFailure(
          segment.position,
          `expected an attribute name after ".", got ${describeToken(segment)}`,
        );
      path += `.${segment.text}`;
    }
    return { kind: 'attribute', path, position: token.position };
  };

  const result = expression(0);
  const rest = peek();
  if (rest.type !== 'end')
    throw new SyntaxFailure(rest.position, `expected the end of the expression, got ${describeToken(rest)}`);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Checker: functions, arity, argument kinds, regexes, attributes

/** The attributes a provider can read, looked up case-insensitively, answered in the provider's spelling. */
export type ReadableAttributes = Iterable<string>;

function attributeIndex(readable: ReadableAttributes): Map<string, string> {
  const index = new Map<string, string>();
  for (const name of readable) if (!index.has(name.toLowerCase())) index.set(name.toLowerCase(), name);
  return index;
}

/** Why a regex is refused, or null when it is acceptable (see the module comment). */
export function regexProblem(pattern: string): { offset: number; message: string } | null {
  if (pattern.length > MAX_REGEX_LENGTH)
    return { offset: 0, message: `the regex is longer than ${MAX_REGEX_LENGTH} characters` };
  try {
    new RegExp(pattern, 'gu');
  } catch (error) {
    return { offset: 0, message: `the regex does not compile: ${(error as Error).message}` };
  }
  // A scan of the (compiled, so well-formed) pattern: groups, classes, escapes and quantifiers.
  interface Group {
    hasRepeat: boolean;
    hasAlternation: boolean;
  }
  const stack: Group[] = [{ hasRepeat: false, hasAlternation: false }];
  let unbounded = 0;
  let i = 0;
  const repeatAt = (j: number): { unbounded: boolean; repeats: boolean; length: number } | null => {
    const c = pattern[j];
    if (c === '*' || c === '+') return { unbounded: true, repeats: true, length: 1 };
    if (c === '?') return { unbounded: false, repeats: false, length: 1 };
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(j));
      if (!m) return null;
      const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
      return { unbounded: max > 16, repeats: max > 1, length: m[0].length };
    }
    return null;
  };
  while (i < pattern.length) {
    const c = pattern[i]!;
    let atomGroup: Group | null = null; // the group that just closed, when this atom is a group
    if (c === '\\') {
      const e = pattern[i + 1] ?? '';
      if (/[1-9]/.test(e) || e === 'k') return { offset: i, message: 'backreferences are not allowed in a regex' };
      i += e === 'u' && pattern[i + 2] === '{' ? pattern.indexOf('}', i) + 1 - i : 2;
    } else if (c === '[') {
      i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '(') {
      stack.push({ hasRepeat: false, hasAlternation: false });
      i++;
      if (pattern[i] === '?') {
        // (?: (?= (?! (?<= (?<! (?<name>
        i++;
        if (pattern[i] === '<' && pattern[i + 1] !== '=' && pattern[i + 1] !== '!') i = pattern.indexOf('>', i) + 1;
        else i += pattern[i] === '<' ? 2 : 1;
      }
      continue;
    } else if (c === ')') {
      const closed = stack.pop()!;
      const parent = stack[stack.length - 1]!;
      parent.hasRepeat ||= closed.hasRepeat;
      parent.hasAlternation ||= closed.hasAlternation;
      atomGroup = closed;
      i++;
    } else if (c === '|') {
      stack[stack.length - 1]!.hasAlternation = true;
      i++;
      continue;
    } else {
      i++;
    }
    const quantifier = repeatAt(i);
    if (quantifier) {
      if (quantifier.repeats && atomGroup && (atomGroup.hasRepeat || atomGroup.hasAlternation))
        return {
          offset: i,
          message: 'a repeated group may not itself hold a repetition or an alternation (catastrophic backtracking)',
        };
      if (quantifier.repeats) stack[stack.length - 1]!.hasRepeat = true;
      if (quantifier.unbounded && ++unbounded > MAX_UNBOUNDED_REPEATS)
        return { offset: i, message: `a regex may hold at most ${MAX_UNBOUNDED_REPEATS} unbounded repetitions` };
      i += quantifier.length;
      if (pattern[i] === '?') i++; // lazy
    }
  }
  return null;
}

function check(raw: RawExpression, attributes: Map<string, string>, errors: ExpressionError[]): Expression {
  switch (raw.kind) {
    case 'string':
    case 'integer':
      return raw;
    case 'attribute': {
      const known = attributes.get(raw.path.toLowerCase());
      if (known === undefined) {
        errors.push({ position: raw.position, message: `unknown attribute ${raw.path}: the directory cannot read it` });
        return raw;
      }
      return { ...raw, path: known };
    }
    case 'rawcall': {
      const name = FUNCTION_BY_LOWER.get(raw.name.toLowerCase());
      const args = raw.args.map((arg) => check(arg, attributes, errors));
      if (name === undefined) {
        errors.push({
          position: raw.position,
          message: `unknown function ${raw.name}: expected one of ${Object.keys(FUNCTIONS).join(', ')}`,
        });
        return { kind: 'call', name: 'Coalesce', args, position: raw.position };
      }
      const spec = FUNCTIONS[name];
      const max = spec.rest ? Infinity : spec.params.length;
      if (args.length < spec.min || args.length > max) {
        const wanted = spec.rest ? `at least ${spec.min}` : `${spec.min}`;
        errors.push({
          position: raw.position,
          message: `${name} takes ${wanted} argument${spec.min === 1 && !spec.rest ? '' : 's'}, got ${args.length}: ${spec.usage}`,
        });
      }
      args.forEach((arg, index) => {
        const kind = spec.params[Math.min(index, spec.params.length - 1)]!;
        if (index >= max) return;
        if (kind === 'integer-literal') {
          if (arg.kind !== 'integer')
            errors.push({
              position: arg.position,
              message: `${name}'s length must be a non-negative whole number written out: ${spec.usage}`,
            });
          else if (arg.value > MAX_LEFT_LENGTH)
            errors.push({ position: arg.position, message: `${name}'s length may be at most ${MAX_LEFT_LENGTH}` });
        } else if (kind === 'string-literal') {
          if (arg.kind !== 'string') {
            errors.push({ position: arg.position, message: `${name}'s regex must be a string literal: ${spec.usage}` });
          } else {
            const problem = regexProblem(arg.value);
            if (problem) errors.push({ position: arg.position, message: problem.message });
          }
        } else if (arg.kind === 'integer') {
          errors.push({
            position: arg.position,
            message: `a number is allowed only as Left's length; write "${arg.value}" for the text`,
          });
        }
      });
      return { kind: 'call', name, args, position: raw.position };
    }
  }
}

/**
 * Parses and checks an expression against the attributes the provider can read. Syntax errors stop at the first;
 * the checker reports every function, arity, argument and attribute error it finds.
 */
export function parseExpression(
  text: string,
  readable: ReadableAttributes,
): { ok: true; expression: Expression } | { ok: false; errors: ExpressionError[] } {
  if (text.length > MAX_EXPRESSION_LENGTH)
    return {
      ok: false,
      errors: [
        { position: MAX_EXPRESSION_LENGTH, message: `an expression is at most ${MAX_EXPRESSION_LENGTH} characters` },
      ],
    };
  let raw: RawExpression;
  try {
    raw = parseTokens(tokenize(text));
  } catch (error) {
    if (error instanceof SyntaxFailure)
      return { ok: false, errors: [{ position: error.position, message: error.message }] };
    throw error;
  }
  const errors: ExpressionError[] = [];
  const expression = check(raw, attributeIndex(readable), errors);
  if (expression.kind === 'integer')
    errors.push({
      position: expression.position,
      message: `a number is allowed only as Left's length; write "${expression.value}" for the text`,
    });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, expression };
}

/** The error with the expression and a caret under its position, for logs and the admin page. */
export function formatExpressionError(text: string, error: ExpressionError): string {
  const line = text.replace(/[\r\n\t]/g, ' ');
  return `${error.message} (at ${error.position})\n${line}\n${' '.repeat(Math.min(error.position, line.length))}^`;
}

// ---------------------------------------------------------------------------------------------------------------
// Printer: the canonical text of an expression (parse(print(e)) = e, positions aside)

export function quoteString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function printExpression(expression: Expression): string {
  switch (expression.kind) {
    case 'string':
      return quoteString(expression.value);
    case 'integer':
      return String(expression.value);
    case 'attribute':
      return expression.path;
    case 'call':
      return `${expression.name}(${expression.args.map(printExpression).join(', ')})`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluator

/** A directory user's attributes: values string | null | undefined, nested objects addressed by dotted paths. */
export type AttributeMap = Readonly<Record<string, unknown>>;

const clip = (value: string): string => {
  if (value.length <= MAX_VALUE_LENGTH) return value;
  return Array.from(value).slice(0, MAX_VALUE_LENGTH).join('');
};

/**
 * The value at a dotted path: own properties only (never `__proto__`, `constructor` or anything inherited);
 * a string as it is; a list (businessPhones, proxyAddresses, multi-valued AD attributes) as its first non-blank
 * string; anything else (number, boolean, object) as null.
 */
export function readAttribute(attributes: AttributeMap, path: string): string | null {
  let value: unknown = attributes;
  for (const segment of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, segment))
      return null;
    value = (value as Record<string, unknown>)[segment];
  }
  if (typeof value === 'string') return clip(value);
  if (Array.isArray(value)) {
    const first = value.find((item): item is string => typeof item === 'string' && item.trim() !== '');
    return first === undefined ? null : clip(first);
  }
  return null;
}

const isEmpty = (value: string | null): value is null | '' => value === null || value === '';

const regexCache = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let regex = regexCache.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern, 'gu');
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(pattern, regex);
  }
  regex.lastIndex = 0;
  return regex;
}

function evaluate(expression: Expression, attributes: AttributeMap): string | null {
  switch (expression.kind) {
    case 'string':
      return clip(expression.value);
    case 'integer':
      return String(expression.value);
    case 'attribute':
      return readAttribute(attributes, expression.path);
    case 'call': {
      const args = expression.args;
      const arg = (index: number) => evaluate(args[index]!, attributes);
      switch (expression.name) {
        case 'Coalesce': {
          for (const candidate of args) {
            const value = evaluate(candidate, attributes);
            if (!isEmpty(value)) return value;
          }
          return null;
        }
        case 'Lower': {
          const value = arg(0);
          return value === null ? null : clip(value.toLowerCase());
        }
        case 'Upper': {
          const value = arg(0);
          return value === null ? null : clip(value.toUpperCase());
        }
        case 'Trim': {
          const value = arg(0);
          return value === null ? null : value.trim();
        }
        case 'Left': {
          const value = arg(0);
          const length = args[1]!.kind === 'integer' ? args[1]!.value : 0;
          return value === null ? null : Array.from(value).slice(0, length).join('');
        }
        case 'Replace': {
          const value = arg(0);
          const pattern = args[1]!.kind === 'string' ? args[1]!.value : '';
          const replacement = arg(2);
          if (value === null || replacement === null) return null;
          return clip(value.replace(compiled(pattern), replacement));
        }
        case 'Join': {
          const separator = arg(0);
          if (separator === null) return null;
          const items = args
            .slice(1)
            .map((item) => evaluate(item, attributes))
            .filter((value): value is string => !isEmpty(value));
          return items.length === 0 ? null : clip(items.join(separator));
        }
      }
    }
  }
}

/** The value of a checked expression for one user: null when missing (null propagates, see the module comment). */
export function evaluateExpression(expression: Expression, attributes: AttributeMap): string | null {
  return evaluate(expression, attributes);
}

// ---------------------------------------------------------------------------------------------------------------
// Sources: what PATCH /setups/{id} `mapping` and POST /setups/{id}/mapping-preview take per product field

export type MappingSource = { attribute: string } | { constant: string } | { expression: string };

/** A checked source: the expression it amounts to (an attribute or a constant is the trivial expression). */
export interface CompiledSource {
  source: MappingSource;
  expression: Expression;
}

/** The product fields a mapping may set. The first ten are today's user columns; the rest go into `attributes`. */
export const MAPPING_FIELDS = [
  'firstName',
  'lastName',
  'displayName',
  'email',
  'initials',
  'phone',
  'mobile',
  'department',
  'jobTitle',
  'officeLocation',
  'employeeId',
  'manager',
  'preferredLanguage',
  'companyName',
  'costCenter',
] as const;
export type MappingField = (typeof MAPPING_FIELDS)[number];

/**
 * The Entra user attributes the mapping may name: today's `$select` (src/directory/entra/directory-user.ts) plus those the
 * issue adds. `manager` is the manager's e-mail, resolved by the reader (Graph `manager`). The Entra reader must
 * `$select` (and the simulator serve) these before a setup can use them; the checker takes whatever set the
 * provider passes, so an AD provider passes its own (sAMAccountName, manager, …).
 */
export const ENTRA_MAPPABLE_ATTRIBUTES: readonly string[] = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'mailNickname',
  'jobTitle',
  'department',
  'mobilePhone',
  'businessPhones',
  'officeLocation',
  'employeeId',
  'onPremisesSamAccountName',
  'userType',
  'preferredLanguage',
  'companyName',
  'employeeType',
  'city',
  'country',
  'state',
  'streetAddress',
  'postalCode',
  'usageLocation',
  'manager',
  'employeeOrgData.costCenter',
  'employeeOrgData.division',
  ...Array.from({ length: 15 }, (_, i) => `onPremisesExtensionAttributes.extensionAttribute${i + 1}`),
];

const fail = (field: string, position: number, message: string) => ({
  ok: false as const,
  errors: [{ field, position, message }],
});

/**
 * Checks one field's source as it arrives in a request body (anything: it crossed a boundary). Exactly one of
 * `attribute` (a readable attribute), `constant` (any text up to MAX_VALUE_LENGTH) or `expression` (checked as
 * above); errors name the field and the position in the expression (0 for the other two).
 */
export function parseMappingSource(
  field: string,
  source: unknown,
  readable: ReadableAttributes,
): { ok: true; source: CompiledSource } | { ok: false; errors: MappingError[] } {
  if (typeof source !== 'object' || source === null || Array.isArray(source))
    return fail(field, 0, 'a source is { "attribute": … }, { "constant": … } or { "expression": … }');
  const keys = Object.keys(source);
  if (keys.length !== 1 || !['attribute', 'constant', 'expression'].includes(keys[0]!))
    return fail(
      field,
      0,
      `a source has exactly one of "attribute", "constant" or "expression", got ${keys.length === 0 ? 'none' : keys.map((k) => JSON.stringify(k)).join(', ')}`,
    );
  const key = keys[0] as 'attribute' | 'constant' | 'expression';
  const value = (source as Record<string, unknown>)[key];
  if (typeof value !== 'string') return fail(field, 0, `"${key}" must be a string`);
  if (key === 'constant') {
    if (Array.from(value).length > MAX_VALUE_LENGTH)
      return fail(field, MAX_VALUE_LENGTH, `a constant is at most ${MAX_VALUE_LENGTH} characters`);
    return { ok: true, source: { source: { constant: value }, expression: { kind: 'string', value, position: 0 } } };
  }
  if (key === 'attribute') {
    const known = attributeIndex(readable).get(value.toLowerCase());
    if (known === undefined) return fail(field, 0, `unknown attribute ${value}: the directory cannot read it`);
    return {
      ok: true,
      source: { source: { attribute: known }, expression: { kind: 'attribute', path: known, position: 0 } },
    };
  }
  const parsed = parseExpression(value, readable);
  if (!parsed.ok) return { ok: false, errors: parsed.errors.map((error) => ({ field, ...error })) };
  return { ok: true, source: { source: { expression: value }, expression: parsed.expression } };
}

export type CompiledMapping = Partial<Record<MappingField, CompiledSource>>;

/** Checks a whole `mapping` object: unknown fields and every bad source are reported together. */
export function parseMapping(
  mapping: unknown,
  readable: ReadableAttributes,
): { ok: true; mapping: CompiledMapping } | { ok: false; errors: MappingError[] } {
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping))
    return fail('mapping', 0, 'mapping is an object of product field → source');
  const attributes = Array.from(readable);
  const errors: MappingError[] = [];
  const result: CompiledMapping = {};
  for (const [field, source] of Object.entries(mapping)) {
    if (!(MAPPING_FIELDS as readonly string[]).includes(field)) {
      errors.push({
        field,
        position: 0,
        message: `unknown product field: expected one of ${MAPPING_FIELDS.join(', ')}`,
      });
      continue;
    }
    const parsed = parseMappingSource(field, source, attributes);
    if (parsed.ok) result[field as MappingField] = parsed.source;
    else errors.push(...parsed.errors);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, mapping: result };
}

/** A field's value for one user, cleaned as today's mapping cleans every field: trimmed, blank is null. */
export function evaluateSource(source: CompiledSource, attributes: AttributeMap): string | null {
  const value = evaluate(source.expression, attributes)?.trim() ?? '';
  return value === '' ? null : value;
}

// ---------------------------------------------------------------------------------------------------------------
// Today's mapping (src/sync/mapping.ts mapDirectoryUser), stated as sources

/**
 * Today's fixed mapping (mapDirectoryUser) as sources, for the setup's initials attributes (tried in order).
 * `active` (accountEnabled) stays the engine's and is not a mapped field; the fields today does not set
 * (employeeId, manager, preferredLanguage, companyName, costCenter) are absent, i.e. not mapped.
 */
export function defaultMappingFor(
  initialsAttributes: readonly string[] = ['onPremisesSamAccountName', 'mailNickname'],
): Partial<Record<MappingField, MappingSource>> {
  return {
    // Not exact: today also skips a mail that is not an address and a guest's #EXT# UPN. A regex saying so needs
    // several unbounded repetitions, which the guard refuses (two already cost ~1 s on a 1024-character value), so
    // that check stays the engine's rule for the email field, applied after mapping (see the test).
    email: { expression: 'Lower(Coalesce(Trim(mail), Trim(userPrincipalName)))' },
    initials: { expression: `Upper(Coalesce(${initialsAttributes.map((a) => `Trim(${a})`).join(', ')}))` },
    firstName: { attribute: 'givenName' },
    lastName: { attribute: 'surname' },
    displayName: { attribute: 'displayName' },
    phone: { attribute: 'businessPhones' },
    mobile: { attribute: 'mobilePhone' },
    department: { attribute: 'department' },
    jobTitle: { attribute: 'jobTitle' },
    officeLocation: { attribute: 'officeLocation' },
  };
}

/** Today's mapping with the default initials attributes. */
export const defaultMapping: Readonly<Partial<Record<MappingField, MappingSource>>> = defaultMappingFor();
