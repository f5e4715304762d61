/**
 * Customer type by rule (issue 16): a setup's optional, ordered rules "member of group X → customer type A" or
 * "matches the RFC 4515 filter F → customer type A". The first rule that matches wins; no match (or no rules)
 * gives the setup's own customer type. Pure: the engine tells which rule groups each member is in.
 */
import { evaluateLdapFilter, LdapFilterSyntaxError, parseLdapFilter, type LdapFilter } from './ldap-filter.js';
import type { DirectoryUser } from './directory-user.js';

/** A rule as stored on the setup and taken by PATCH /setups/{id} `customerTypeRules`: exactly one condition. */
export type CustomerTypeRule =
  { memberOf: string; customerTypeId: string } | { filter: string; customerTypeId: string };

/** A checked rule: the filter parsed once. */
export type CompiledRule =
  { memberOf: string; customerTypeId: string } | { filter: LdapFilter; text: string; customerTypeId: string };

/** A rule error in the shape a 400's `details` carries: `field` is `customerTypeRules[i].…`. */
export interface RuleError {
  field: string;
  position: number;
  message: string;
}

export const MAX_RULES = 20;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks `customerTypeRules` as it arrives (anything: it crossed a boundary). Whether each customer type is one
 * of the company's is the caller's check (it needs the database); every other error is reported here, together.
 */
export function parseCustomerTypeRules(
  input: unknown,
): { ok: true; rules: CustomerTypeRule[]; compiled: CompiledRule[] } | { ok: false; errors: RuleError[] } {
  if (!Array.isArray(input))
    return { ok: false, errors: [{ field: 'customerTypeRules', position: 0, message: 'must be a list of rules' }] };
  if (input.length > MAX_RULES)
    return {
      ok: false,
      errors: [{ field: 'customerTypeRules', position: 0, message: `at most ${MAX_RULES} rules` }],
    };
  const errors: RuleError[] = [];
  const rules: CustomerTypeRule[] = [];
  const compiled: CompiledRule[] = [];
  input.forEach((raw: unknown, index) => {
    const at = `customerTypeRules[${index}]`;
    const error = (field: string, message: string, position = 0) =>
      errors.push({ field: `${at}${field}`, position, message });
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      return error('', 'a rule is { "memberOf": groupId, "customerTypeId" } or { "filter", "customerTypeId" }');
    const rule = raw as Record<string, unknown>;
    const unknownKeys = Object.keys(rule).filter((key) => !['memberOf', 'filter', 'customerTypeId'].includes(key));
    if (unknownKeys.length > 0)
      return error('', `unknown keys ${unknownKeys.map((k) => JSON.stringify(k)).join(', ')}`);
    const { memberOf, filter, customerTypeId } = rule;
    if (typeof customerTypeId !== 'string' || !GUID.test(customerTypeId))
      return error('.customerTypeId', 'must be the id of one of your customer types');
    const type = customerTypeId.toLowerCase();
    if ((memberOf === undefined) === (filter === undefined))
      return error('', 'a rule has exactly one of "memberOf" (a group id) or "filter" (an LDAP filter)');
    if (memberOf !== undefined) {
      if (typeof memberOf !== 'string' || !GUID.test(memberOf))
        return error('.memberOf', 'must be the object id (a GUID) of a group');
      rules.push({ memberOf: memberOf.toLowerCase(), customerTypeId: type });
      compiled.push({ memberOf: memberOf.toLowerCase(), customerTypeId: type });
      return;
    }
    if (typeof filter !== 'string' || filter.trim() === '') return error('.filter', 'must be an LDAP filter');
    try {
      const parsed = parseLdapFilter(filter);
      rules.push({ filter, customerTypeId: type });
      compiled.push({ filter: parsed, text: filter, customerTypeId: type });
    } catch (err) {
      if (!(err instanceof LdapFilterSyntaxError)) throw err;
      error('.filter', err.message, err.offset);
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rules, compiled };
}

/** Rules read back from the setup row (already checked on save): compiled, or [] for a row without rules. */
export function compileStoredRules(stored: unknown): CompiledRule[] {
  if (stored === null || stored === undefined) return [];
  const parsed = parseCustomerTypeRules(stored);
  if (!parsed.ok) throw new Error(`the setup's stored customer type rules are invalid: ${parsed.errors[0]!.message}`);
  return parsed.compiled;
}

/** The group ids the rules ask about, in rule order, each once: what the engine must check membership of. */
export function ruleGroupIds(rules: readonly CompiledRule[]): string[] {
  return [...new Set(rules.flatMap((rule) => ('memberOf' in rule ? [rule.memberOf] : [])))];
}

/**
 * The attribute map a filter rule is evaluated against: every attribute the provider read, a nested one also by
 * its last segment (RFC 4515 names have no dots: `(extensionAttribute1=…)` reads
 * `onPremisesExtensionAttributes.extensionAttribute1`), and `mail` as the provider's email when it sent none.
 */
function filterAttributes(user: Pick<DirectoryUser, 'attributes' | 'email'>): Record<string, string | null> {
  const attributes: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(user.attributes)) {
    const last = name.slice(name.lastIndexOf('.') + 1);
    if (last !== name && !(last in user.attributes)) attributes[last] = value;
  }
  Object.assign(attributes, user.attributes);
  if (user.email !== null && attributes.mail === undefined) attributes.mail = user.email;
  return attributes;
}

/**
 * The customer type a member belongs in: the first rule that matches, else `fallback` (the setup's own).
 * `memberOf` holds the rule groups the member is (transitively) in; a group rule never matches a member the
 * engine did not check (missing membership is "not a member", which keeps the fallback, never an error).
 */
export function customerTypeFor(
  user: Pick<DirectoryUser, 'attributes' | 'email'>,
  memberOf: ReadonlySet<string>,
  rules: readonly CompiledRule[],
  fallback: string,
): { customerTypeId: string; rule: number | null } {
  for (const [index, rule] of rules.entries()) {
    const matches =
      'memberOf' in rule ? memberOf.has(rule.memberOf) : evaluateLdapFilter(rule.filter, filterAttributes(user));
    if (matches) return { customerTypeId: rule.customerTypeId, rule: index };
  }
  return { customerTypeId: fallback, rule: null };
}
