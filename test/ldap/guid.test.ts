/** objectGUID bytes ↔ GUID string in AD's layout (the first three fields little-endian); checked against Samba's
 * own printing in members.test.ts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectGuidFilterValue, objectGuidToBytes, objectGuidToString } from '../../src/directory/ldap/guid.js';

describe('objectGUID', () => {
  it('reads the first three fields little-endian, the rest in order', () => {
    const bytes = Buffer.from('088149c7bf0e594cafe4cf9950428146', 'hex');
    expect(objectGuidToString(bytes)).toBe('c7498108-0ebf-4c59-afe4-cf9950428146');
    expect(objectGuidFilterValue('c7498108-0ebf-4c59-afe4-cf9950428146')).toBe(
      '\\08\\81\\49\\c7\\bf\\0e\\59\\4c\\af\\e4\\cf\\99\\50\\42\\81\\46',
    );
  });

  it('round-trips any 16 bytes, and refuses anything that is not 16 bytes or a GUID', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (raw) => {
        const text = objectGuidToString(raw)!;
        expect(text).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(objectGuidToBytes(text).equals(Buffer.from(raw))).toBe(true);
        expect(objectGuidToBytes(text.toUpperCase()).equals(Buffer.from(raw))).toBe(true);
      }),
    );
    expect(objectGuidToString(Buffer.alloc(15))).toBeNull();
    expect(objectGuidToString(null)).toBeNull();
    expect(() => objectGuidToBytes('not-a-guid')).toThrow(/is not a GUID/);
  });
});
