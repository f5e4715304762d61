import { Client } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../src/directory/entra/client.js';
import { checkedLink, ForeignGraphLinkError, isTrustedGraphLink } from '../../../src/directory/entra/links.js';

describe('paging links are trusted only inside GRAPH_BASE_URL/v1.0/', () => {
  const prefix = 'https://graph.microsoft.com/v1.0/';

  it('accepts Graph’s own links and refuses every other place', () => {
    expect(
      isTrustedGraphLink('https://graph.microsoft.com/v1.0/groups/x/transitiveMembers?$skiptoken=abc', prefix),
    ).toBe(true);
    expect(isTrustedGraphLink('https://graph.microsoft.com/v1.0/users/delta?$deltatoken=abc', prefix)).toBe(true);
    for (const link of [
      'https://graph.microsoft.com.attacker.example/v1.0/users',
      'https://graph.microsoft.com@attacker.example/v1.0/users',
      'http://graph.microsoft.com/v1.0/users',
      'https://graph.microsoft.com/beta/users',
      'https://graph.microsoft.com/v1.0/../beta/users',
      'https://graph.microsoft.com/v1.0/%2e%2e/beta/users',
      'https://attacker.example/v1.0/users',
      '/v1.0/users',
      'javascript:alert(1)',
    ]) {
      expect(isTrustedGraphLink(link, prefix), link).toBe(false);
    }
  });

  it('checks links against the client’s own base URL, and fails closed for a client it does not know', () => {
    const { client } = createGraphClient({
      tenantId: 't',
      clientId: 'c',
      clientSecret: 's',
      authorityHost: 'https://login.example',
      graphBaseUrl: 'https://sim.example:8443/',
    });
    expect(checkedLink(client, undefined)).toBeNull();
    expect(checkedLink(client, 'https://sim.example:8443/v1.0/users?$skiptoken=1')).toBe(
      'https://sim.example:8443/v1.0/users?$skiptoken=1',
    );
    const error = (() => {
      try {
        checkedLink(client, 'https://graph.microsoft.com/v1.0/users?$skiptoken=secret');
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ForeignGraphLinkError);
    expect((error as Error).message).toContain('https://sim.example:8443/v1.0/');
    expect((error as Error).message).not.toContain('secret');
    expect(() => checkedLink(client, 42)).toThrow(ForeignGraphLinkError);
    const stranger = Client.init({ authProvider: (done) => done(null, 'x') });
    expect(() => checkedLink(stranger, 'https://sim.example:8443/v1.0/users')).toThrow(/createGraphClient/);
  });
});
