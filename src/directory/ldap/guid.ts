/**
 * Active Directory's objectGUID is 16 bytes in Microsoft's GUID layout: the first three fields little-endian,
 * the last two big-endian. The string form (as ADUC, PowerShell and Entra Connect's sourceAnchor show it) is
 * therefore not the bytes in order: 08 81 49 c7 bf 0e 59 4c af e4 … is c7498108-0ebf-4c59-afe4-….
 */
import { EqualityFilter, OrFilter, type Filter } from 'ldapts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The GUID string (lowercase) of a 16-byte objectGUID; null for anything else (trust nothing). */
export function objectGuidToString(bytes: Buffer | Uint8Array | null | undefined): string | null {
  if (!bytes || bytes.length !== 16) return null;
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = Array.from(bytes.subarray(from, to), (b) => b.toString(16).padStart(2, '0'));
    return (reverse ? part.reverse() : part).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

/** The 16 bytes of a GUID string, in AD's layout (the inverse of objectGuidToString). */
export function objectGuidToBytes(guid: string): Buffer {
  if (!GUID.test(guid)) throw new Error(`"${guid}" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
  const hex = guid.replace(/-/g, '');
  const bytes = Buffer.from(hex, 'hex');
  bytes.subarray(0, 4).reverse();
  bytes.subarray(4, 6).reverse();
  bytes.subarray(6, 8).reverse();
  return bytes;
}

/**
 * A filter matching any of these objectGUIDs (given as GUID strings), with the values as bytes: the filter text
 * (objectGUID=\08\81…) would not do, as ldapts's parser reads escapes as characters and sends them as UTF-8.
 */
export function objectGuidsFilter(guids: readonly string[]): Filter {
  return new OrFilter({
    filters: guids.map((g) => new EqualityFilter({ attribute: 'objectGUID', value: objectGuidToBytes(g) })),
  });
}

/** An LDAP filter value matching an objectGUID exactly: (objectGUID=\c7\49…). */
export function objectGuidFilterValue(guid: string): string {
  return Array.from(objectGuidToBytes(guid), (b) => '\\' + b.toString(16).padStart(2, '0')).join('');
}
