import { describe, expect, it } from 'vitest';
import { formRefusal } from '../../src/api/admin/domain-errors.js';
import { da } from '../../src/api/admin/i18n/da.js';
import { en } from '../../src/api/admin/i18n/en.js';
import { apiErrorFor } from '../../src/api/domain-errors.js';
import { SettingsRefused, UnknownReference } from '../../src/domain/errors.js';
import { domainErrorSamples } from '../support/domain-errors.js';

describe('the admin pages map every domain error in one place', () => {
  for (const [kind, err] of Object.entries(domainErrorSamples)) {
    it(`${kind}: the page's own words beside its field (or above the form), with the API's status`, () => {
      const english = formRefusal(en, err);
      const danish = formRefusal(da, err);
      expect(english.status).toBe(apiErrorFor(err).status);
      expect(danish.status).toBe(english.status);
      if (err instanceof SettingsRefused) {
        // each refused mapping field or rule beside its own form field, in the page's language
        expect(Object.keys(english.errors)).toHaveLength(err.problems.length);
        expect(Object.keys(danish.errors)).toEqual(Object.keys(english.errors));
        for (const field of Object.keys(english.errors)) expect(danish.errors[field]).not.toBe(english.errors[field]);
      } else if (err.field) {
        expect(Object.keys(english.errors)).toEqual([err.field]);
        expect(english.errors[err.field]).toMatch(/\S/);
        expect(Object.keys(danish.errors)).toEqual([err.field]);
        // a value the LDAP client refused is shown in the client's own words (where in a DN, which part of a URL)
        if (err.kind === 'connection_input_refused') expect(danish.errors[err.field]).toBe(err.fieldReason);
        else expect(danish.errors[err.field]).not.toBe(english.errors[err.field]);
        expect(english.failure).toBeUndefined();
      } else {
        expect(english.errors).toEqual({});
        expect(english.failure).toMatch(/\S/);
        expect(danish.failure).not.toBe(english.failure);
      }
    });
  }

  it('says a taken customer type name and a duplicate setup in the page language', () => {
    expect(formRefusal(en, domainErrorSamples.name_taken).errors).toEqual({ name: en.customerTypes.duplicate });
    expect(formRefusal(da, domainErrorSamples.setup_exists).errors).toEqual({
      groupId: da.setupForm.errors.groupAlreadySetUp,
    });
    expect(formRefusal(en, new UnknownReference('connection')).errors).toEqual({
      connectionId: en.setupForm.errors.connectionId,
    });
    expect(formRefusal(da, domainErrorSamples.not_configured)).toEqual({
      status: 503,
      errors: {},
      failure: da.errors.azureNotConfigured,
    });
  });
});
