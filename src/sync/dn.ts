/**
 * RFC 4514 distinguished names: parsing, one normal form for comparison, and whether a DN lies under a base DN
 * (an LDAP path). Pure: no I/O.
 *
 * Parsing is as lenient as Active Directory is about spaces around "," "=" and "+" (CN=Anne, OU=Sales is the same
 * DN as cn=anne,ou=sales), strict about everything else. In the normal form attribute types are lowercase,
 * values are unescaped then compared case-insensitively (AD's names are), and a multi-valued RDN's parts are
 * sorted; it is printed with RFC 4514's minimal escaping.
 */

export interface AttributeTypeAndValue {
  /** As written (descr or numeric OID). */
  type: string;
  /** Unescaped. A hex-string value (#0403...) is kept as written, with its "#". */
  value: string;
  hex: boolean;
}
/** One RDN: usually one part (CN=Anne), several with "+" (CN=Anne+UID=42). */
export type Rdn = AttributeTypeAndValue[];
/** Most specific RDN first, as written: CN=Anne,OU=Sales,DC=contoso,DC=test → [CN=Anne], [OU=Sales], … */
export type Dn = Rdn[];

export class DnSyntaxError extends Error {
  override readonly name = 'DnSyntaxError';
  constructor(
    readonly dn: string,
    readonly offset: number,
    detail: string,
  ) {
    super(
      `The distinguished name is malformed at character ${offset + 1}: ${detail}.` +
        ` Write it as in RFC 4514, e.g. OU=Sales,DC=contoso,DC=com (escape , + " \\ < > ; with a backslash).`,
    );
  }
}

const DESCR = /^[A-Za-z][A-Za-z0-9-]*$/;
const NUMERIC_OID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$/;
const HEX = /^[0-9A-Fa-f]{2}$/;
const SPECIAL = '"+,;<>\\ #=';
const MAX_DN_LENGTH = 4096;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Parses a DN; the empty string is the root DN (no RDNs). Throws DnSyntaxError with the position. */
export function parseDn(text: string): Dn {
  if (text.length > MAX_DN_LENGTH)
    throw new DnSyntaxError(text, MAX_DN_LENGTH, `it is longer than ${MAX_DN_LENGTH} characters`);
  let pos = 0;
  const fail = (detail: string, at = pos): never => {
    throw new DnSyntaxError(text, at, detail);
  };
  const skipSpaces = () => {
    while (text[pos] === ' ') pos++;
  };

  const dn: Dn = [];
  skipSpaces();
  if (pos >= text.length) return dn;
  for (;;) {
    const rdn: Rdn = [];
    for (;;) {
      skipSpaces();
      const typeStart = pos;
      while (pos < text.length && /[A-Za-z0-9.-]/.test(text[pos]!)) pos++;
      const type = text.slice(typeStart, pos);
      if (type === '') fail('expected an attribute type such as CN, OU or DC');
      if (!DESCR.test(type) && !NUMERIC_OID.test(type)) fail(`"${type}" is not an attribute type`, typeStart);
      skipSpaces();
      if (text[pos] !== '=') fail(`expected "=" after "${type}"`);
      pos++;
      skipSpaces();
      rdn.push(attributeValue(type));
      if (text[pos] === '+') {
        pos++;
        continue;
      }
      break;
    }
    dn.push(rdn);
    if (pos >= text.length) return dn;
    if (text[pos] !== ',') fail('expected "," between the parts of the name');
    pos++;
  }

  function attributeValue(type: string): AttributeTypeAndValue {
    if (text[pos] === '#') {
      const start = pos;
      pos++;
      while (pos < text.length && HEX.test(text.slice(pos, pos + 2))) pos += 2;
      if (pos === start + 1) fail('expected hexadecimal digits after "#"');
      const value = text.slice(start, pos).toLowerCase();
      skipSpaces();
      if (pos < text.length && text[pos] !== ',' && text[pos] !== '+')
        fail('a "#" value is hexadecimal digits only (escape a leading # as \\#)');
      return { type, value, hex: true };
    }
    const bytes: number[] = [];
    let trailingUnescapedSpaces = 0;
    while (pos < text.length && text[pos] !== ',' && text[pos] !== '+') {
      const c = text[pos]!;
      if (c === '\\') {
        const next = text[pos + 1];
        if (next !== undefined && SPECIAL.includes(next)) {
          bytes.push(next.charCodeAt(0));
          pos += 2;
        } else if (HEX.test(text.slice(pos + 1, pos + 3))) {
          bytes.push(parseInt(text.slice(pos + 1, pos + 3), 16));
          pos += 3;
        } else {
          fail('"\\" must be followed by one of , + " \\ < > ; # = space, or two hexadecimal digits');
        }
        trailingUnescapedSpaces = 0;
        continue;
      }
      if (c === '"' || c === ';' || c === '<' || c === '>' || c === '\u0000') {
        fail(`"${c === '\u0000' ? 'NUL' : c}" must be escaped with a backslash inside a value`);
      }
      const char = String.fromCodePoint(text.codePointAt(pos)!);
      bytes.push(...encoder.encode(char));
      trailingUnescapedSpaces = c === ' ' ? trailingUnescapedSpaces + 1 : 0;
      pos += char.length;
    }
    // Unescaped spaces before "," or "+" are not part of the value (RFC 4514 §3: they must be escaped).
    const kept = bytes.slice(0, bytes.length - trailingUnescapedSpaces);
    let value: string;
    try {
      value = utf8.decode(new Uint8Array(kept));
    } catch {
      return fail('the escaped bytes of this value are not valid UTF-8');
    }
    return { type, value, hex: false };
  }
}

/** The DN, or null when it is not a valid DN (for values read from a directory: trust nothing). */
export function tryParseDn(text: string | null | undefined): Dn | null {
  if (typeof text !== 'string') return null;
  try {
    return parseDn(text);
  } catch {
    return null;
  }
}

/** RFC 4514 §2.4 escaping of one attribute value. */
export function escapeDnValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL must be escaped (RFC 4514 §2.4)
  let out = value.replace(/["+,;<>\\\u0000]/g, (c) => (c === '\u0000' ? '\\00' : '\\' + c));
  const leading = out.startsWith(' ') || out.startsWith('#');
  if (out.endsWith(' ') && !(leading && out.length === 1)) out = out.slice(0, -1) + '\\ ';
  return leading ? '\\' + out : out;
}

/** Prints a parsed DN with the types and values as they are. */
export function printDn(dn: Dn): string {
  return dn
    .map((rdn) => rdn.map((ava) => `${ava.type}=${ava.hex ? ava.value : escapeDnValue(ava.value)}`).join('+'))
    .join(',');
}

function normaliseAva(ava: AttributeTypeAndValue): AttributeTypeAndValue {
  return {
    type: ava.type.toLowerCase(),
    value: ava.hex ? ava.value.toLowerCase() : ava.value.normalize('NFC').toLowerCase(),
    hex: ava.hex,
  };
}

function normaliseRdn(rdn: Rdn): Rdn {
  return rdn
    .map(normaliseAva)
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** One string per DN for comparison: lowercase types and values, sorted multi-valued RDNs, minimal escaping. */
export function normaliseDn(text: string): string {
  return printDn(parseDn(text).map(normaliseRdn));
}

function rdnEquals(a: Rdn, b: Rdn): boolean {
  const x = normaliseRdn(a);
  const y = normaliseRdn(b);
  return (
    x.length === y.length &&
    x.every((ava, i) => ava.type === y[i]!.type && ava.value === y[i]!.value && ava.hex === y[i]!.hex)
  );
}

/** Whether two DNs name the same entry (types and values case-insensitive, spaces and escaping as RFC 4514). */
export function dnEquals(a: string, b: string): boolean {
  const x = tryParseDn(a);
  const y = tryParseDn(b);
  return x !== null && y !== null && x.length === y.length && x.every((rdn, i) => rdnEquals(rdn, y[i]!));
}

/**
 * Whether `dn` is `base` or lies under it: its last RDNs are base's RDNs. This is the scoping rule for an LDAP
 * path ("onPremisesDistinguishedName ends with the path"), compared RDN by RDN, so OU=XSales,… is not under
 * OU=Sales,…. A missing or malformed `dn` (a directory attribute) is not under anything; a malformed `base`
 * throws (validate it when it is saved). The root DN "" contains every DN.
 */
export function isUnderDn(dn: string | null | undefined, base: string | Dn): boolean {
  const baseDn = typeof base === 'string' ? parseDn(base) : base;
  const entry = tryParseDn(dn);
  if (entry === null || entry.length < baseDn.length) return false;
  const offset = entry.length - baseDn.length;
  return baseDn.every((rdn, i) => rdnEquals(entry[offset + i]!, rdn));
}
