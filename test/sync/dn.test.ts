/** RFC 4514 distinguished names: parsing, normal form, and the LDAP-path scoping rule isUnderDn. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DnSyntaxError,
  dnEquals,
  escapeDnValue,
  isUnderDn,
  normaliseDn,
  parseDn,
  printDn,
  type Dn,
} from '../../src/sync/dn.js';

describe('parseDn', () => {
  it('parses RFC 4514 §4 examples', () => {
    expect(parseDn('UID=jsmith,DC=example,DC=net')).toEqual([
      [{ type: 'UID', value: 'jsmith', hex: false }],
      [{ type: 'DC', value: 'example', hex: false }],
      [{ type: 'DC', value: 'net', hex: false }],
    ]);
    expect(parseDn('OU=Sales+CN=J.  Smith,DC=example,DC=net')[0]).toEqual([
      { type: 'OU', value: 'Sales', hex: false },
      { type: 'CN', value: 'J.  Smith', hex: false },
    ]);
    expect(parseDn('CN=James \\"Jim\\" Smith\\, III,DC=example,DC=net')[0]![0]!.value).toBe('James "Jim" Smith, III');
    expect(parseDn('CN=Before\\0dAfter,DC=example,DC=net')[0]![0]!.value).toBe('Before\rAfter');
    expect(parseDn('1.3.6.1.4.1.1466.0=#04024869,DC=example,DC=com')[0]).toEqual([
      { type: '1.3.6.1.4.1.1466.0', value: '#04024869', hex: true },
    ]);
    expect(parseDn('CN=Lu\\C4\\8Di\\C4\\87')[0]![0]!.value).toBe('Lučić');
    expect(parseDn('')).toEqual([]);
  });

  it('is lenient about spaces around separators, as AD is, and keeps escaped spaces', () => {
    expect(normaliseDn(' CN = Anne Hansen , OU=Sales ,DC=contoso, DC=test ')).toBe(
      'cn=anne hansen,ou=sales,dc=contoso,dc=test',
    );
    expect(parseDn('CN=\\ Anne\\ ,DC=x')[0]![0]!.value).toBe(' Anne ');
    expect(parseDn('CN=a=b,DC=x')[0]![0]!.value).toBe('a=b');
  });

  it.each([
    ['CN', 3, 'expected "=" after "CN"'],
    ['=x', 1, 'expected an attribute type'],
    ['CN=a,', 6, 'expected an attribute type'],
    ['CN=a;b', 5, '";" must be escaped'],
    ['CN=a\\q', 5, 'must be followed by'],
    ['C N=x', 3, 'expected "=" after "C"'],
    ['CN=#zz', 5, 'hexadecimal digits after "#"'],
    ['1CN=x', 1, '"1CN" is not an attribute type'],
  ])('refuses %j at character %i (%s)', (dn, column, text) => {
    let error: unknown;
    try {
      parseDn(dn);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DnSyntaxError);
    expect((error as DnSyntaxError).offset + 1).toBe(column);
    expect((error as DnSyntaxError).message).toContain(text);
  });
});

describe('normaliseDn and dnEquals', () => {
  it('ignores the case of types and values, sorts multi-valued RDNs, unifies escaping', () => {
    expect(dnEquals('CN=Anne Hansen,OU=Sales,DC=contoso,DC=test', 'cn=ANNE HANSEN, ou=sales,dc=Contoso,dc=TEST')).toBe(
      true,
    );
    expect(dnEquals('CN=a+UID=1,DC=x', 'uid=1+cn=A,dc=x')).toBe(true);
    expect(dnEquals('CN=Smith\\, John,DC=x', 'CN=Smith\\2c John,DC=x')).toBe(true);
    expect(dnEquals('CN=Anne,DC=x', 'CN=Anne,DC=y')).toBe(false);
    expect(dnEquals('CN=Anne,DC=x', 'not a dn')).toBe(false);
    expect(normaliseDn('CN=Smith\\2c John,OU=Sø,DC=x')).toBe('cn=smith\\, john,ou=sø,dc=x');
  });
});

describe('isUnderDn (LDAP path scoping: the DN ends with the path)', () => {
  const base = 'OU=Sales,DC=contoso,DC=test';
  it('is true for entries under the base at any depth and for the base itself', () => {
    expect(isUnderDn('CN=Anne,OU=Sales,DC=contoso,DC=test', base)).toBe(true);
    expect(isUnderDn('CN=Anne,OU=Nordic,OU=Sales,DC=contoso,DC=test', base)).toBe(true);
    expect(isUnderDn('cn=anne, ou=SALES, dc=CONTOSO, dc=test', base)).toBe(true);
    expect(isUnderDn(base, base)).toBe(true);
    expect(isUnderDn('CN=Anne,DC=x', '')).toBe(true);
  });

  it('compares whole RDNs: a string suffix is not enough', () => {
    expect(isUnderDn('CN=Anne,OU=XSales,DC=contoso,DC=test', base)).toBe(false);
    expect(isUnderDn('CN=Anne\\,OU=Sales,DC=contoso,DC=test', 'CN=Anne\\,OU=Sales,DC=contoso,DC=test')).toBe(true);
    expect(isUnderDn('CN=Anne\\,OU=Sales,DC=contoso,DC=test', base)).toBe(false); // one RDN "Anne,OU=Sales"
    expect(isUnderDn('CN=Anne,OU=Sales,DC=contoso,DC=com', base)).toBe(false);
    expect(isUnderDn('DC=contoso,DC=test', base)).toBe(false);
  });

  it('puts missing or malformed entry DNs (directory data) nowhere, and throws on a malformed base', () => {
    expect(isUnderDn(null, base)).toBe(false);
    expect(isUnderDn(undefined, base)).toBe(false);
    expect(isUnderDn('CN=Anne;OU=Sales,DC=contoso,DC=test', base)).toBe(false);
    expect(() => isUnderDn('CN=Anne,DC=x', 'OU=Sales,')).toThrow(DnSyntaxError);
  });
});

describe('properties', () => {
  const valueChar = fc.constantFrom('a', 'B', ' ', ',', '+', '"', '\\', '<', '>', ';', '#', '=', 'ø', '\u0000', 'é');
  const value = fc.array(valueChar, { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
  const type = fc.constantFrom('CN', 'ou', 'DC', 'uid', '2.5.4.3');
  const rdnArb = fc.array(fc.record({ type, value, hex: fc.constant(false) }), { minLength: 1, maxLength: 2 });
  const dnArb: fc.Arbitrary<Dn> = fc.array(rdnArb, { minLength: 1, maxLength: 4 });

  it('printing and parsing again gives the same DN', () => {
    fc.assert(
      fc.property(dnArb, (dn) => {
        expect(parseDn(printDn(dn))).toEqual(dn);
      }),
      { numRuns: 3000 },
    );
  });

  it('a DN is under each of its suffixes and under nothing else (reference: normal forms)', () => {
    fc.assert(
      fc.property(dnArb, dnArb, (a, b) => {
        const entry = printDn(a);
        const candidate = printDn(b);
        // Reference: the normal forms' RDN lists, compared from the end.
        const norm = (dn: Dn) => parseDn(normaliseDn(printDn(dn))).map((rdn) => JSON.stringify(rdn));
        const x = norm(a);
        const y = norm(b);
        const expected = y.length <= x.length && y.every((rdn, i) => rdn === x[x.length - y.length + i]);
        expect(isUnderDn(entry, candidate)).toBe(expected);
        for (let k = 0; k <= a.length; k++) expect(isUnderDn(entry, printDn(a.slice(k)).toUpperCase())).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('escapeDnValue output parses back to the value', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(parseDn(`CN=${escapeDnValue(v)}`)[0]![0]!.value).toBe(v);
      }),
      { numRuns: 2000 },
    );
  });
});
