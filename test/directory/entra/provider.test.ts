/**
 * The Entra provider's two pure pieces at the port: how Graph's failures become a DirectoryFailure (what the
 * activities act on), and how a stored incremental state is read back (it crossed the database: checked, not cast).
 */
import { AuthenticationError } from '@azure/identity';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphError } from './graph-error.js';
import { deltaLinksOf } from '../../../src/directory/entra/delta-round.js';
import { about } from '../../../src/directory/entra/errors.js';
import { ForeignGraphLinkError } from '../../../src/directory/entra/links.js';
import { classifyEntraFailure } from '../../../src/directory/entra/provider.js';

describe('classifyEntraFailure', () => {
  it.each([
    [403, 'Authorization_RequestDenied', 'access_lost'],
    [429, 'TooManyRequests', 'throttled'],
    [503, 'serviceNotAvailable', 'transient'],
    [500, 'generalException', 'transient'],
    [400, 'Request_BadRequest', 'request_failed'],
    [401, 'InvalidAuthenticationToken', 'request_failed'],
    [409, 'Conflict', 'request_failed'],
  ] as const)('Graph %i %s → %s', (status, code, kind) => {
    expect(classifyEntraFailure(graphError(status, code))).toMatchObject({ kind });
  });

  it('a 404 is about the group only where the call says so; otherwise it names the resource', () => {
    expect(classifyEntraFailure(about(graphError(404, 'Request_ResourceNotFound'), 'group'))).toMatchObject({
      kind: 'not_found',
      about: 'group',
    });
    expect(classifyEntraFailure(graphError(404, 'Request_ResourceNotFound'))).toMatchObject({
      kind: 'not_found',
      about: 'resource',
      message: expect.stringMatching(/^Microsoft Graph answered 404 Request_ResourceNotFound/),
    });
  });

  it('keeps Retry-After, says when Graph could not be reached, and never retries a foreign paging link', () => {
    expect(classifyEntraFailure(graphError(429, 'TooManyRequests', { 'Retry-After': '3' }))).toMatchObject({
      kind: 'throttled',
      retryAfterMs: 3000,
    });
    expect(classifyEntraFailure(new TypeError('fetch failed'))).toMatchObject({
      kind: 'transient',
      message: 'Microsoft Graph could not be reached: fetch failed',
    });
    const foreign = new ForeignGraphLinkError('https://graph.attacker.example/v1.0/x', 'https://graph/v1.0/');
    expect(classifyEntraFailure(foreign)).toMatchObject({ kind: 'request_failed', message: foreign.message });
  });

  it('token failures: a missing consent is lost access, a wrong tenant or secret is configuration', () => {
    const failure = (aadsts: number) =>
      classifyEntraFailure(new AuthenticationError(400, { error: 'x', error_description: `AADSTS${aadsts}: no` }));
    expect(failure(7000229)).toMatchObject({ kind: 'access_lost' });
    expect(failure(90002)).toMatchObject({ kind: 'configuration' });
    expect(failure(7000215)).toMatchObject({ kind: 'configuration' });
  });
});

describe('deltaLinksOf', () => {
  const links = {
    groupLinks: [{ groupIds: ['g1', 'g2'], link: 'https://graph/v1.0/groups/delta?$deltatoken=a' }],
    usersLink: 'https://graph/v1.0/users/delta?$deltatoken=b',
    trackedGroupIds: ['g2'],
  };

  it('reads back what the provider stored', () => {
    expect(deltaLinksOf(JSON.parse(JSON.stringify(links)))).toEqual(links);
  });

  it('refuses any other shape instead of following it (generated states)', () => {
    const notLinks = fc.oneof(
      fc.record({ usersLink: fc.oneof(fc.integer(), fc.constant(null)) }, { requiredKeys: [] }),
      fc.constant({ ...links, trackedGroupIds: 'g2' }),
      fc.constant({ ...links, groupLinks: [{ groupIds: ['g1'], link: 42 }] }),
      fc.constant({ ...links, groupLinks: [null] }),
      fc.constant({ ...links, groupLinks: {} }),
      fc.constant({ version: 3 }),
    );
    fc.assert(
      fc.property(notLinks, (state) => {
        expect(deltaLinksOf(state as Record<string, unknown>)).toBeNull();
      }),
    );
  });
});
