import { AuthenticationError, AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import { graphError } from './graph-error.js';
import {
  about,
  classifyGraphError,
  describeGraphError,
  isDeltaResyncRequired,
  isRetryable,
  recordFailedRequest,
} from '../../../src/directory/entra/errors.js';

describe('classifyGraphError', () => {
  it.each([
    [404, 'Request_ResourceNotFound', 'not_found'],
    [403, 'Authorization_RequestDenied', 'forbidden'],
    [429, 'TooManyRequests', 'throttled'],
    [503, 'serviceNotAvailable', 'transient'],
    [504, 'gatewayTimeout', 'transient'],
    [500, 'generalException', 'transient'],
    [400, 'Request_BadRequest', 'unknown'],
    [401, 'InvalidAuthenticationToken', 'unknown'],
  ] as const)('Graph %i %s → %s', (status, code, kind) => {
    expect(classifyGraphError(graphError(status, code))).toMatchObject({ kind, status, code });
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(classifyGraphError(graphError(429, 'TooManyRequests', { 'Retry-After': '2.128' })).retryAfterMs).toBe(2128);
    const later = new Date(Date.now() + 5_000).toUTCString();
    const fromDate = classifyGraphError(graphError(503, 'serviceNotAvailable', { 'Retry-After': later })).retryAfterMs!;
    expect(fromDate).toBeGreaterThan(3_000);
    expect(fromDate).toBeLessThanOrEqual(5_000);
  });

  it.each([
    [7000215, 'invalid_client'],
    [7000222, 'invalid_client'],
    [90002, 'tenant_not_found'],
    [700016, 'consent_missing_or_revoked'],
    [7000229, 'consent_missing_or_revoked'],
    [65001, 'consent_missing_or_revoked'],
    [70011, 'unknown'],
  ] as const)(
    'token failure AADSTS%i → %s, in each form @azure/identity and the Graph client deliver it',
    (code, kind) => {
      const message = `invalid_client: Error(s): ${code} - Timestamp: 2026-01-01 00:00:00Z - Description: AADSTS${code}: Something.`;
      const required = new AuthenticationRequiredError({ scopes: ['https://graph.microsoft.com/.default'], message });
      const authentication = new AuthenticationError(400, {
        error: 'invalid_request',
        error_description: `AADSTS${code}: Something.`,
        error_codes: [code],
      });
      const wrapped = new GraphError(-1, message);
      wrapped.code = 'AuthenticationRequiredError';
      for (const error of [required, authentication, wrapped])
        expect(classifyGraphError(error)).toMatchObject({ kind, aadsts: code });
    },
  );

  it('treats an unreachable authority or a broken connection as transient', () => {
    expect(
      classifyGraphError(
        new CredentialUnavailableError('endpoints_resolution_error: See https://aka.ms/msal.js.errors'),
      ).kind,
    ).toBe('transient');
    expect(
      classifyGraphError(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
        }),
      ).kind,
    ).toBe('transient');
    const wrapped = new GraphError(-1, 'fetch failed');
    wrapped.code = 'TypeError';
    expect(classifyGraphError(wrapped).kind).toBe('transient');
    expect(classifyGraphError(new Error('something else entirely')).kind).toBe('unknown');
    expect(classifyGraphError('a string').kind).toBe('unknown');
  });

  it('recognises an expired or reset delta token', () => {
    expect(isDeltaResyncRequired(graphError(410, 'syncStateNotFound'))).toBe(true);
    expect(isDeltaResyncRequired(graphError(410, 'resyncRequired'))).toBe(true);
    expect(isDeltaResyncRequired(graphError(404, 'Request_ResourceNotFound'))).toBe(false);
  });

  it('a 404 means what its call site says: the group only for a request about the group, never by default', () => {
    expect(classifyGraphError(graphError(404, 'Request_ResourceNotFound')).notFound).toBe('resource');
    expect(classifyGraphError(graphError(404, 'Request_ResourceNotFound'), { notFound: 'user' }).notFound).toBe('user');
    const aboutGroup = about(graphError(404, 'Request_ResourceNotFound'), 'group');
    expect(classifyGraphError(aboutGroup).notFound).toBe('group');
    expect(classifyGraphError(about(aboutGroup, 'user')).notFound).toBe('group'); // the innermost call site wins
    expect(classifyGraphError(about(graphError(400, 'Request_BadRequest'), 'group')).notFound).toBeUndefined();
  });

  it.each([
    [400, 'Request_BadRequest', false],
    [401, 'InvalidAuthenticationToken', false],
    [405, 'Request_BadRequest', false],
    [409, 'Request_MultipleObjectsWithSameKeyValue', false],
    [429, 'TooManyRequests', true],
    [503, 'serviceNotAvailable', true],
  ] as const)('Graph %i %s retryable: %s', (status, code, retryable) => {
    expect(isRetryable(classifyGraphError(graphError(status, code)))).toBe(retryable);
  });

  it('names the request of a failed answer, without tokens', () => {
    const error = graphError(400, 'Request_BadRequest');
    recordFailedRequest(
      error.headers!,
      'get',
      'https://graph.example/v1.0/users/delta?$select=id,mail&$deltatoken=SECRET123&$skiptoken=S2',
    );
    const classified = classifyGraphError(error);
    expect(classified.request).toEqual({
      method: 'GET',
      path: '/v1.0/users/delta?$select=id,mail&$deltatoken=…&$skiptoken=…',
    });
    expect(describeGraphError(classified)).toBe(
      'Microsoft Graph answered 400 Request_BadRequest to GET /v1.0/users/delta?$select=id,mail&$deltatoken=…&$skiptoken=…: Request_BadRequest happened',
    );
    expect(describeGraphError(classified)).not.toContain('SECRET123');
  });
});
