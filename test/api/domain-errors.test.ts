import { describe, expect, it } from 'vitest';
import { apiErrorFor } from '../../src/api/domain-errors.js';
import { errorBody } from '../../src/api/errors.js';
import { SettingsRefused, UnknownReference } from '../../src/domain/errors.js';
import { domainErrorSamples } from '../support/domain-errors.js';

/** The JSON API's answer to each use-case refusal: the status, code and body the existing API tests expect. */
const expected = {
  unknown_reference: { status: 422, code: 'unprocessable', field: 'customerTypeId' },
  connection_not_connected: { status: 422, code: 'unprocessable', field: 'connectionId' },
  group_not_found: { status: 422, code: 'unprocessable', field: 'groupId' },
  directory_unavailable: { status: 502, code: 'upstream_error', field: undefined },
  setup_exists: { status: 409, code: 'conflict', field: 'groupId' },
  run_already_active: { status: 409, code: 'conflict', field: undefined },
  name_taken: { status: 409, code: 'conflict', field: 'name' },
  tenant_taken: { status: 409, code: 'conflict', field: 'tenantId' },
  tenant_already_connected: { status: 409, code: 'conflict', field: 'tenantId' },
  not_configured: { status: 503, code: 'not_configured', field: undefined },
  settings_malformed: { status: 400, code: 'validation_failed', field: undefined },
  settings_refused: { status: 422, code: 'unprocessable', field: undefined },
  connection_input_refused: { status: 400, code: 'validation_failed', field: 'baseDn' },
  directory_already_connected: { status: 409, code: 'conflict', field: 'baseDn' },
  secrets_key_missing: { status: 503, code: 'not_configured', field: undefined },
} as const;

describe('the JSON API maps every domain error in one place', () => {
  for (const [kind, err] of Object.entries(domainErrorSamples)) {
    it(`${kind} → ${expected[kind as keyof typeof expected].status}`, () => {
      const want = expected[kind as keyof typeof expected];
      const mapped = apiErrorFor(err);
      expect(mapped.status).toBe(want.status);
      const body = errorBody(mapped, 'req-1');
      expect(body.error.code).toBe(want.code);
      expect(body.error.message).toBe(err.message);
      expect(body.error.requestId).toBe('req-1');
      if (want.field) expect(body.error.details).toEqual([{ field: want.field, reason: err.fieldReason }]);
      else if (err instanceof SettingsRefused)
        expect(body.error.details).toEqual(err.problems); // with positions
      else expect(body.error.details).toBeUndefined();
    });
  }

  it('keeps the wording clients read: a 422 names the field first, a lost run race names the winner', () => {
    expect(errorBody(apiErrorFor(domainErrorSamples.group_not_found)).error).toMatchObject({
      message: 'groupId: group 6a1b2c3d-0000-4000-8000-00000000000a was not found in the tenant',
      details: [{ field: 'groupId', reason: 'group 6a1b2c3d-0000-4000-8000-00000000000a was not found in the tenant' }],
    });
    expect(errorBody(apiErrorFor(domainErrorSamples.connection_not_connected)).error.details).toEqual([
      {
        field: 'connectionId',
        reason: 'the connection is consent_revoked (the app has no admin consent); it must be connected',
      },
    ]);
    expect(errorBody(apiErrorFor(domainErrorSamples.run_already_active)).error).toMatchObject({
      message: 'a run of this setup is already in progress (7b2c3d4e-0000-4000-8000-00000000000b)',
      runId: '7b2c3d4e-0000-4000-8000-00000000000b',
    });
    expect(errorBody(apiErrorFor(new UnknownReference('connection'))).error).toMatchObject({
      message: 'connectionId: no such connection in this company',
      details: [{ field: 'connectionId', reason: 'no such connection in this company' }],
    });
    expect(errorBody(apiErrorFor(domainErrorSamples.setup_exists)).error.details).toEqual([
      { field: 'groupId', reason: 'already set up' },
    ]);
  });
});
