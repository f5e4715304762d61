/**
 * A setup's "LDAP path" and "Filter" as a scope on Entra users (hybrid companies whose users come from AD
 * through Entra Connect). Pure: no I/O.
 *
 * - LDAP path: the user's onPremisesDistinguishedName lies under the path (DN-normalised, RDN by RDN,
 *   case-insensitive). Cloud-only users have no onPremisesDistinguishedName and are outside any path.
 * - Filter: the RFC 4515 filter, evaluated against the user's Graph properties under both their Graph names and
 *   the AD names an administrator knows (title = jobTitle, sn = surname, l = city, …), so a filter copied from
 *   AD means the same. Synthetic values make AD idioms work: objectClass (top, person, organizationalPerson,
 *   user), objectCategory (person) and userAccountControl (512, or 514 when accountEnabled is false).
 *
 * A filter that names an attribute Entra does not give us (memberOf, anything unknown) or uses a rule only the
 * directory can evaluate (the in-chain rule, :dn:) is refused when the setup is saved: it would otherwise put
 * every user outside the scope, and a removal must have a real reason.
 */
import { DnSyntaxError, isUnderDn, parseDn, type Dn } from './dn.js';
import {
  BIT_AND_RULE,
  BIT_OR_RULE,
  LdapFilterSyntaxError,
  evaluateLdapFilter,
  parseLdapFilter,
  type LdapFilter,
} from './ldap-filter.js';

export interface AzureScope {
  ldapPath: Dn | null;
  filter: LdapFilter | null;
  /** Graph properties to $select for the scope (empty when there is no scope). */
  select: string[];
}

export interface ScopeError {
  field: 'ldapPath' | 'ldapFilter';
  message: string;
  /** For filters: 0-based offset of the problem. */
  offset?: number;
}

export type ScopeResult = { ok: true; scope: AzureScope | null } | { ok: false; errors: ScopeError[] };

/** Graph property → the AD attribute names that mean the same (lowercase keys are how filters look them up). */
const ALIASES: Record<string, string[]> = {
  onPremisesDistinguishedName: ['distinguishedName'],
  onPremisesSamAccountName: ['sAMAccountName'],
  onPremisesUserPrincipalName: [],
  onPremisesDomainName: [],
  userPrincipalName: [],
  mail: [],
  mailNickname: [],
  givenName: [],
  surname: ['sn'],
  displayName: [],
  jobTitle: ['title'],
  department: [],
  companyName: ['company'],
  officeLocation: ['physicalDeliveryOfficeName'],
  businessPhones: ['telephoneNumber'],
  mobilePhone: ['mobile'],
  employeeId: ['employeeID'],
  employeeType: [],
  city: ['l'],
  state: ['st'],
  country: ['co'],
  postalCode: [],
  streetAddress: [],
  usageLocation: [],
  accountEnabled: [],
  proxyAddresses: [],
};
const EXTENSION_ATTRIBUTES = Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`);
const SYNTHETIC = ['objectClass', 'objectCategory', 'userAccountControl'];

/** Lowercase filter attribute → the Graph property that carries it (null: synthetic, from no property). */
const GRAPH_PROPERTY_OF = new Map<string, string | null>();
for (const [graph, aliases] of Object.entries(ALIASES)) {
  GRAPH_PROPERTY_OF.set(graph.toLowerCase(), graph);
  for (const alias of aliases) GRAPH_PROPERTY_OF.set(alias.toLowerCase(), graph);
}
for (const ext of EXTENSION_ATTRIBUTES) GRAPH_PROPERTY_OF.set(ext.toLowerCase(), 'onPremisesExtensionAttributes');
GRAPH_PROPERTY_OF.set('objectclass', null);
GRAPH_PROPERTY_OF.set('objectcategory', null);
GRAPH_PROPERTY_OF.set('useraccountcontrol', 'accountEnabled');

/**
 * Extensible matches Active Directory evaluates and so can we: its bitwise rules. AD does not implement the RFC's
 * own rules in extensible matches (on Samba caseIgnoreMatch matches nothing, no rule fails with result 1), so
 * neither side takes them: the same filter then means the same on an LDAP and on an Azure connection.
 */
const EVALUABLE_RULES = new Set([BIT_AND_RULE, BIT_OR_RULE]);

function filterProblems(filter: LdapFilter): string[] {
  const problems: string[] = [];
  const walk = (f: LdapFilter) => {
    if (f.type === 'and' || f.type === 'or') return f.filters.forEach(walk);
    if (f.type === 'not') return walk(f.filter);
    if (f.type === 'extensible') {
      if (f.dnAttributes) problems.push('":dn" matches need the directory and cannot be evaluated on Entra users');
      if (f.matchingRule === null) {
        problems.push(`an extensible match needs one of AD's bitwise rules (${BIT_AND_RULE}, ${BIT_OR_RULE})`);
      } else if (f.matchingRule === '1.2.840.113556.1.4.1941') {
        problems.push('the in-chain rule 1.2.840.113556.1.4.1941 needs the directory (choose the group in the setup)');
      } else if (!EVALUABLE_RULES.has(f.matchingRule.toLowerCase())) {
        problems.push(`the matching rule ${f.matchingRule} is not one AD evaluates (${BIT_AND_RULE}, ${BIT_OR_RULE})`);
      }
    }
    if (f.attribute === null) return;
    const name = f.attribute.split(';')[0]!.toLowerCase();
    if (name === 'memberof')
      problems.push('memberOf is not available on Entra users (choose the group in the setup instead)');
    else if (!GRAPH_PROPERTY_OF.has(name))
      problems.push(`the attribute "${f.attribute}" is not one Entra gives for users`);
  };
  walk(filter);
  return [...new Set(problems)];
}

/** The attribute names a filter may use on an Azure connection (Graph names, AD names, synthetic ones). */
export function azureFilterAttributes(): string[] {
  return [...Object.keys(ALIASES), ...Object.values(ALIASES).flat(), ...EXTENSION_ATTRIBUTES, ...SYNTHETIC];
}

/** Validates the two fields; null scope when both are empty (everyone in the group is in scope). */
export function compileAzureScope(input: { ldapPath?: string | null; ldapFilter?: string | null }): ScopeResult {
  const errors: ScopeError[] = [];
  let ldapPath: Dn | null = null;
  let filter: LdapFilter | null = null;
  const pathText = input.ldapPath?.trim() ?? '';
  const filterText = input.ldapFilter?.trim() ?? '';
  if (pathText !== '') {
    try {
      ldapPath = parseDn(pathText);
      if (ldapPath.length === 0) ldapPath = null;
    } catch (error) {
      if (!(error instanceof DnSyntaxError)) throw error;
      errors.push({ field: 'ldapPath', message: error.message, offset: error.offset });
    }
  }
  if (filterText !== '') {
    try {
      filter = parseLdapFilter(filterText);
      const problems = filterProblems(filter);
      if (problems.length > 0) {
        errors.push({ field: 'ldapFilter', message: `The filter cannot scope Entra users: ${problems.join('; ')}.` });
      }
    } catch (error) {
      if (!(error instanceof LdapFilterSyntaxError)) throw error;
      errors.push({ field: 'ldapFilter', message: error.message, offset: error.offset });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  if (ldapPath === null && filter === null) return { ok: true, scope: null };
  const select = new Set<string>();
  if (ldapPath) select.add('onPremisesDistinguishedName');
  if (filter) {
    const walk = (f: LdapFilter) => {
      if (f.type === 'and' || f.type === 'or') f.filters.forEach(walk);
      else if (f.type === 'not') walk(f.filter);
      else if (f.attribute !== null) {
        const property = GRAPH_PROPERTY_OF.get(f.attribute.split(';')[0]!.toLowerCase());
        if (property) select.add(property);
      }
    };
    walk(filter);
  }
  return { ok: true, scope: { ldapPath, filter, select: [...select].sort() } };
}

type GraphValue = string | number | boolean | null | undefined | readonly (string | number | boolean | null)[];

/** A Graph user's properties as the filter sees them: Graph names, AD names, synthetic AD values. */
export function scopeAttributes(user: Readonly<Record<string, unknown>>): Map<string, string[]> {
  const index = new Map<string, string[]>();
  const add = (name: string, raw: GraphValue) => {
    if (raw === null || raw === undefined) return;
    const values = (Array.isArray(raw) ? raw : [raw]) as readonly (string | number | boolean | null)[];
    const texts = values
      .filter((v): v is string | number | boolean => v !== null && v !== undefined)
      .map((v) => (typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v)))
      .filter((v) => v !== '');
    if (texts.length === 0) return;
    const key = name.toLowerCase();
    index.set(key, [...(index.get(key) ?? []), ...texts]);
  };
  for (const [graph, aliases] of Object.entries(ALIASES)) {
    const value = user[graph] as GraphValue;
    add(graph, value);
    for (const alias of aliases) add(alias, value);
  }
  const extensions = user.onPremisesExtensionAttributes;
  if (extensions && typeof extensions === 'object') {
    for (const ext of EXTENSION_ATTRIBUTES) add(ext, (extensions as Record<string, GraphValue>)[ext]);
  }
  add('objectClass', ['top', 'person', 'organizationalPerson', 'user']);
  add('objectCategory', 'person');
  if (typeof user.accountEnabled === 'boolean') add('userAccountControl', user.accountEnabled ? 512 : 514);
  return index;
}

/** Whether a Graph user is inside the setup's scope (null scope: everyone is). */
export function isInAzureScope(scope: AzureScope | null, user: Readonly<Record<string, unknown>>): boolean {
  if (scope === null) return true;
  if (scope.ldapPath !== null) {
    const dn = user.onPremisesDistinguishedName;
    if (typeof dn !== 'string' || !isUnderDn(dn, scope.ldapPath)) return false;
  }
  return scope.filter === null || evaluateLdapFilter(scope.filter, scopeAttributes(user));
}

/**
 * Whether a directory user read from Graph is inside the scope: its attributes (Graph's names, nested objects
 * flattened with dots by the Entra mapper) put back into Graph's shape, `accountEnabled` from `enabled`.
 */
export function isDirectoryUserInAzureScope(
  scope: AzureScope | null,
  user: { attributes: Readonly<Record<string, string | null>>; enabled: boolean | null },
): boolean {
  if (scope === null) return true;
  const graph: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(user.attributes)) {
    const dot = name.indexOf('.');
    if (dot < 0) graph[name] = value;
    else {
      const outer = name.slice(0, dot);
      const nested = (graph[outer] ??= {}) as Record<string, unknown>;
      if (typeof nested === 'object' && nested !== null) nested[name.slice(dot + 1)] = value;
    }
  }
  if (user.enabled !== null) graph.accountEnabled = user.enabled;
  return isInAzureScope(scope, graph);
}
