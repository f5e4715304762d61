/**
 * A setup's attribute mapping (issue 16) applied to a member: which product fields its mapping overrides, and
 * what they become. A setup stores only its overrides (`sync_setups.mapping`); a field it does not name keeps
 * today's value (src/sync/mapping.ts), and a field beyond the user table's columns that it does not name is
 * not written at all — so a setup without a mapping behaves exactly as before.
 */
import {
  ATTRIBUTE_FIELDS,
  COLUMN_FIELDS,
  ENTRA_MAPPABLE_ATTRIBUTES,
  MAPPING_FIELDS,
  evaluateSourceWith,
  parseMapping,
  type AttributeReader,
  type CompiledMapping,
  type CompiledSource,
  type MappingError,
  type MappingField,
  type MappingSource,
} from './mapping-expression.js';
import { emailKey, initialsKey, looksLikeEmail } from './normalise.js';

export { ATTRIBUTE_FIELDS, COLUMN_FIELDS };
export type ColumnField = (typeof COLUMN_FIELDS)[number];
export type AttributeField = (typeof ATTRIBUTE_FIELDS)[number];

/** A product user's `attributes`: only the fields some mapping wrote are present. */
export type ProductAttributes = Partial<Record<AttributeField, string | null>>;

/** What a setup stores and PATCH /setups/{id} takes under `mapping`: the fields it maps differently. */
export type StoredMapping = Partial<Record<MappingField, MappingSource>>;

export const isAttributeField = (field: string): field is AttributeField =>
  (ATTRIBUTE_FIELDS as readonly string[]).includes(field);

/**
 * The user attributes a provider can read, by provider kind: what a mapping and a filter rule may name. Entra's
 * list is the reader's `$select` (src/directory/entra) plus what it resolves itself (manager).
 */
export const MAPPABLE_ATTRIBUTES: Readonly<Record<'azure' | 'ldap', readonly string[]>> = {
  azure: ENTRA_MAPPABLE_ATTRIBUTES,
  ldap: [
    'objectGUID',
    'distinguishedName',
    'cn',
    'displayName',
    'givenName',
    'sn',
    'initials',
    'mail',
    'userPrincipalName',
    'sAMAccountName',
    'telephoneNumber',
    'mobile',
    'department',
    'title',
    'physicalDeliveryOfficeName',
    'company',
    'employeeID',
    'employeeNumber',
    'employeeType',
    'manager',
    'preferredLanguage',
    'division',
    'l',
    'st',
    'c',
    'co',
    'streetAddress',
    'postalCode',
    ...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
  ],
};

/** The attributes a mapping on a connection of this provider kind may name (Entra's unless it is an LDAP one). */
export function mappableAttributesFor(provider: string): readonly string[] {
  return MAPPABLE_ATTRIBUTES[provider === 'ldap' ? 'ldap' : 'azure'];
}

/** Checks a `mapping` from a request: what to store (the sources as given, attributes in the provider's spelling). */
export function checkStoredMapping(
  input: unknown,
  readable: readonly string[],
): { ok: true; stored: StoredMapping; compiled: CompiledMapping } | { ok: false; errors: MappingError[] } {
  const parsed = parseMapping(input, readable);
  if (!parsed.ok) return parsed;
  const stored: StoredMapping = {};
  for (const field of MAPPING_FIELDS) {
    const source = parsed.mapping[field];
    if (source) stored[field] = source.source;
  }
  return { ok: true, stored, compiled: parsed.mapping };
}

/**
 * A stored mapping compiled for a run. It was checked on save; a source the provider can no longer read (an
 * attribute dropped from its list since) fails the run with the field named, rather than mapping it to nothing.
 */
export function compileStoredMapping(stored: unknown, readable: readonly string[]): CompiledMapping {
  if (stored === null || stored === undefined) return {};
  const parsed = parseMapping(stored, readable);
  if (!parsed.ok) {
    const [first] = parsed.errors;
    throw new Error(`the setup's mapping of ${first!.field} is no longer valid: ${first!.message}`);
  }
  return parsed.mapping;
}

/** A mapped value cleaned as the product stores its field: email lowercase and an address, initials uppercase. */
function cleanedFor(field: MappingField, value: string | null): string | null {
  if (field === 'email') {
    const email = emailKey(value);
    return email !== null && looksLikeEmail(email) ? email : null;
  }
  if (field === 'initials') return initialsKey(value);
  return value;
}

/**
 * The member's product fields under the mapping: `columns` are today's values with the mapped ones replaced,
 * `attributes` the mapped fields beyond the columns (only those the mapping names).
 */
export function applyMapping<T extends Record<ColumnField, string | null>>(
  todays: T,
  mapping: CompiledMapping,
  read: AttributeReader,
): { columns: T; attributes: ProductAttributes } {
  const columns = { ...todays };
  const attributes: ProductAttributes = {};
  for (const field of MAPPING_FIELDS) {
    const source = mapping[field];
    if (!source) continue;
    const value = mappedValue(field, source, read);
    if (isAttributeField(field)) attributes[field] = value;
    else (columns as Record<ColumnField, string | null>)[field] = value;
  }
  return { columns, attributes };
}

/** One mapped field's value for a member (cleaned as the product stores it); null when the mapping gives none. */
export function mappedValue(field: MappingField, source: CompiledSource, read: AttributeReader): string | null {
  return cleanedFor(field, evaluateSourceWith(source, read));
}

/** Whether two stored mappings say the same (key order aside): a changed one makes the next run full. */
export function sameMapping(a: StoredMapping | null | undefined, b: StoredMapping | null | undefined): boolean {
  const canonical = (m: StoredMapping | null | undefined) =>
    JSON.stringify(MAPPING_FIELDS.map((field) => m?.[field] ?? null));
  return canonical(a) === canonical(b);
}
