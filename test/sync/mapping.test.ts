import { describe, expect, it } from 'vitest';
import {
  diffFields,
  directoryEmail,
  directoryInitials,
  mapDirectoryUser,
  syncedFieldsOf,
  withPolicyDefaults,
} from '../../src/sync/index.js';
import { ALICE_FIELDS, COMPANY, CUSTOMER_TYPE, SETUP, directoryUser, productUser, setupPolicy } from './builders.js';

describe('directoryEmail', () => {
  it('takes mail, lowercased and trimmed', () => {
    expect(directoryEmail(directoryUser({ id: 'e1', mail: '  Alice@Example.COM ' }))).toBe('alice@example.com');
  });

  it('falls back to the UPN when mail is missing or blank', () => {
    expect(directoryEmail(directoryUser({ id: 'e1', mail: null, userPrincipalName: 'Bob@Example.com' }))).toBe(
      'bob@example.com',
    );
    expect(directoryEmail(directoryUser({ id: 'e1', mail: '   ', userPrincipalName: 'bob@example.com' }))).toBe(
      'bob@example.com',
    );
  });

  it('falls back to the UPN when mail is not an address', () => {
    expect(
      directoryEmail(directoryUser({ id: 'e1', mail: 'not an address', userPrincipalName: 'bob@example.com' })),
    ).toBe('bob@example.com');
  });

  it("never takes a guest's #EXT# UPN", () => {
    const guest = directoryUser({
      id: 'e1',
      mail: null,
      userPrincipalName: 'carol_partner.com#EXT#@tenant.onmicrosoft.com',
    });
    expect(directoryEmail(guest)).toBeNull();
  });

  it("takes a guest's mail", () => {
    const guest = directoryUser({
      id: 'e1',
      mail: 'carol@partner.com',
      userPrincipalName: 'carol_partner.com#EXT#@tenant.onmicrosoft.com',
    });
    expect(directoryEmail(guest)).toBe('carol@partner.com');
  });

  it('is null when the UPN is not an address either', () => {
    expect(directoryEmail(directoryUser({ id: 'e1', mail: null, userPrincipalName: 'alice' }))).toBeNull();
    expect(directoryEmail(directoryUser({ id: 'e1', mail: null, userPrincipalName: null }))).toBeNull();
  });
});

describe('directoryInitials', () => {
  it('takes the first attribute with a value, uppercased', () => {
    const user = directoryUser({
      id: 'e1',
      onPremisesSamAccountName: ' aex ',
      mailNickname: 'alice',
      employeeId: 'E1',
    });
    expect(directoryInitials(user, ['onPremisesSamAccountName', 'mailNickname'])).toBe('AEX');
    expect(directoryInitials(user, ['mailNickname', 'onPremisesSamAccountName'])).toBe('ALICE');
    expect(directoryInitials(user, ['employeeId'])).toBe('E1');
  });

  it('skips blank attributes', () => {
    const user = directoryUser({ id: 'e1', onPremisesSamAccountName: '  ', mailNickname: 'alice' });
    expect(directoryInitials(user, ['onPremisesSamAccountName', 'mailNickname'])).toBe('ALICE');
  });

  it('is null when no attribute has a value', () => {
    const user = directoryUser({ id: 'e1', onPremisesSamAccountName: null, mailNickname: '' });
    expect(directoryInitials(user, ['onPremisesSamAccountName', 'mailNickname'])).toBeNull();
    expect(directoryInitials(user, [])).toBeNull();
  });
});

describe('mapDirectoryUser', () => {
  it('maps every synced field', () => {
    expect(mapDirectoryUser(directoryUser({ id: 'e1' }), setupPolicy())).toEqual(ALICE_FIELDS);
  });

  it('trims text and turns blanks into null', () => {
    const mapped = mapDirectoryUser(
      directoryUser({ id: 'e1', givenName: '  Alice ', surname: '', jobTitle: '   ', mobilePhone: null }),
      setupPolicy(),
    );
    expect(mapped).toMatchObject({ firstName: 'Alice', lastName: null, jobTitle: null, mobile: null });
  });

  it('takes the first non-blank business phone', () => {
    expect(mapDirectoryUser(directoryUser({ id: 'e1', businessPhones: [' ', '+1 555'] }), setupPolicy()).phone).toBe(
      '+1 555',
    );
    expect(mapDirectoryUser(directoryUser({ id: 'e1', businessPhones: [] }), setupPolicy()).phone).toBeNull();
  });

  it('is active unless Entra says accountEnabled=false (null is not a reason to switch anyone off)', () => {
    expect(mapDirectoryUser(directoryUser({ id: 'e1', accountEnabled: false }), setupPolicy()).active).toBe(false);
    expect(mapDirectoryUser(directoryUser({ id: 'e1', accountEnabled: null }), setupPolicy()).active).toBe(true);
  });

  it("uses the setup's initials attributes", () => {
    const policy = setupPolicy({ initialsAttributes: ['employeeId'] });
    expect(mapDirectoryUser(directoryUser({ id: 'e1', employeeId: 'x42' }), policy).initials).toBe('X42');
  });
});

describe('syncedFieldsOf', () => {
  it('keeps only the synced fields', () => {
    const fields = syncedFieldsOf(productUser({ id: 'p1', externalId: 'e1', managingSetupId: SETUP }));
    expect(Object.keys(fields).sort()).toEqual(
      [
        'active',
        'department',
        'displayName',
        'email',
        'firstName',
        'initials',
        'jobTitle',
        'lastName',
        'mobile',
        'officeLocation',
        'phone',
      ].sort(),
    );
  });
});

describe('diffFields', () => {
  const current = syncedFieldsOf(productUser({ id: 'p1' }));

  it('is null when nothing differs', () => {
    expect(diffFields(current, { ...current })).toBeNull();
    expect(diffFields(current, {})).toBeNull();
  });

  it('returns only the changed fields, before and after', () => {
    expect(diffFields(current, { ...current, jobTitle: 'Manager', active: false })).toEqual({
      before: { jobTitle: 'Engineer', active: true },
      after: { jobTitle: 'Manager', active: false },
    });
  });

  it('compares only the fields desired names', () => {
    expect(diffFields(current, { active: true })).toBeNull();
    expect(diffFields(current, { active: false })).toEqual({ before: { active: true }, after: { active: false } });
  });

  it('ignores case in email and initials', () => {
    expect(
      diffFields(
        { ...current, email: 'Alice@Example.com', initials: 'aex' },
        { email: 'alice@example.com', initials: 'AEX' },
      ),
    ).toBeNull();
  });

  it('respects case in other text', () => {
    expect(diffFields(current, { lastName: 'EXAMPLE' })).toEqual({
      before: { lastName: 'Example' },
      after: { lastName: 'EXAMPLE' },
    });
  });

  it('treats blank and null, and surrounding white space, as the same', () => {
    expect(
      diffFields({ ...current, department: '', jobTitle: 'Engineer ' }, { department: null, jobTitle: 'Engineer' }),
    ).toBeNull();
  });

  it('writes a null over a value', () => {
    expect(diffFields(current, { mobile: null })).toEqual({
      before: { mobile: '+41 79 000 00 00' },
      after: { mobile: null },
    });
  });
});

describe('withPolicyDefaults', () => {
  it('fills initials attributes, grace and threshold', () => {
    const policy = withPolicyDefaults({
      setupId: SETUP,
      companyId: COMPANY,
      customerTypeId: CUSTOMER_TYPE,
      updateExisting: true,
      deleteRemoved: false,
      matchOn: 'email',
    });
    expect(policy).toMatchObject({
      initialsAttributes: ['onPremisesSamAccountName', 'mailNickname'],
      removalGraceDays: 0,
      deletionThreshold: { count: 500, percent: 20 },
    });
  });

  it('keeps what the setup says', () => {
    const policy = withPolicyDefaults({
      ...setupPolicy(),
      initialsAttributes: ['employeeId'],
      removalGraceDays: 7,
      deletionThreshold: { count: 5, percent: 1 },
    });
    expect(policy).toMatchObject({
      initialsAttributes: ['employeeId'],
      removalGraceDays: 7,
      deletionThreshold: { count: 5, percent: 1 },
    });
  });
});
