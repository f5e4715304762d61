import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTE_FIELDS,
  COLUMN_FIELDS,
  MAPPABLE_ATTRIBUTES,
  applyMapping,
  checkStoredMapping,
  compileStoredMapping,
  sameMapping,
  type ColumnField,
} from '../../src/sync/product-mapping.js';
import { attributeOf } from '../../src/sync/directory-user.js';

const READABLE = MAPPABLE_ATTRIBUTES.azure;
const todays = (): Record<ColumnField, string | null> => ({
  firstName: 'Ada',
  lastName: 'Lovelace',
  displayName: 'Ada Lovelace',
  email: 'ada@contoso.com',
  initials: 'ADA',
  phone: null,
  mobile: null,
  department: 'R&D',
  jobTitle: null,
  officeLocation: null,
});
const reader = (attributes: Record<string, string | null>) => (path: string) => attributeOf({ attributes }, path);

function compiled(mapping: unknown) {
  const checked = checkStoredMapping(mapping, READABLE);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.compiled;
}

describe('a setup’s mapping applied to a member', () => {
  it('maps employeeId and an extension attribute into the product’s attributes, the rest stays today’s', () => {
    const mapping = compiled({
      employeeId: { attribute: 'employeeid' },
      costCenter: { attribute: 'onPremisesExtensionAttributes.extensionAttribute1' },
      department: { expression: 'Upper(Coalesce(department, "none"))' },
    });
    const result = applyMapping(
      todays(),
      mapping,
      reader({ employeeId: 'E-17', 'onPremisesExtensionAttributes.extensionAttribute1': 'CC-4711', department: 'r&d' }),
    );
    expect(result.attributes).toEqual({ employeeId: 'E-17', costCenter: 'CC-4711' });
    expect(result.columns).toEqual({ ...todays(), department: 'R&D' });
  });

  it('cleans mapped emails and initials as the product stores them: an address, lowercase; initials uppercase', () => {
    const mapping = compiled({
      email: { attribute: 'userPrincipalName' },
      initials: { expression: 'Left(givenName, 2)' },
    });
    expect(
      applyMapping(todays(), mapping, reader({ userPrincipalName: 'Ada@Contoso.COM', givenName: 'ada' })).columns,
    ).toMatchObject({ email: 'ada@contoso.com', initials: 'AD' });
    expect(applyMapping(todays(), mapping, reader({ userPrincipalName: 'not an address' })).columns).toMatchObject({
      email: null,
      initials: null,
    });
  });

  it('no mapping is today’s mapping: nothing replaced, no attributes written', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...READABLE), fc.option(fc.string())), (attributes) => {
        expect(applyMapping(todays(), compileStoredMapping(null, READABLE), reader(attributes))).toEqual({
          columns: todays(),
          attributes: {},
        });
      }),
    );
  });

  it('property: a constant maps every member to it (trimmed, blank is null), whatever the field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COLUMN_FIELDS.filter((f) => f !== 'email' && f !== 'initials'), ...ATTRIBUTE_FIELDS),
        fc.string({ maxLength: 50 }),
        fc.dictionary(fc.constantFrom(...READABLE), fc.option(fc.string())),
        (field, constant, attributes) => {
          const result = applyMapping(todays(), compiled({ [field]: { constant } }), reader(attributes));
          const value = constant.trim() === '' ? null : constant.trim();
          const written = (ATTRIBUTE_FIELDS as readonly string[]).includes(field) ? result.attributes : result.columns;
          expect((written as Record<string, unknown>)[field]).toBe(value);
        },
      ),
    );
  });

  it('stores the sources in the provider’s spelling; compares mappings regardless of key order', () => {
    const checked = checkStoredMapping(
      { costCenter: { attribute: 'EMPLOYEEORGDATA.COSTCENTER' }, employeeId: { attribute: 'employeeId' } },
      READABLE,
    );
    expect(checked.ok && checked.stored).toEqual({
      costCenter: { attribute: 'employeeOrgData.costCenter' },
      employeeId: { attribute: 'employeeId' },
    });
    expect(
      sameMapping(
        { employeeId: { attribute: 'employeeId' }, costCenter: { constant: 'x' } },
        { costCenter: { constant: 'x' }, employeeId: { attribute: 'employeeId' } },
      ),
    ).toBe(true);
    expect(sameMapping(null, {})).toBe(true);
    expect(sameMapping(null, { employeeId: { attribute: 'employeeId' } })).toBe(false);
  });

  it('refuses a bad source with the field and the position; a stored one no longer readable fails loudly', () => {
    const checked = checkStoredMapping(
      { employeeId: { expression: 'Lower(employeeId' }, nickname: { constant: 'x' } },
      READABLE,
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors.map((e) => [e.field, e.position])).toEqual([
      ['employeeId', 16],
      ['nickname', 0],
    ]);
    expect(() => compileStoredMapping({ employeeId: { attribute: 'sAMAccountName' } }, READABLE)).toThrow(/employeeId/);
  });
});
