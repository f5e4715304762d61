/** Secrets are never logged: the bind password of an LDAP connection is redacted by the service's logger. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { describeLdapOptions } from '../../src/directory/ldap/options.js';
import { redactedPaths } from '../../src/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ redact: { paths: redactedPaths, censor: '[redacted]' } }, stream), lines };
}

describe('LDAP bind password in logs', () => {
  it('is redacted at the top level and one level down', () => {
    const { logger, lines } = capture();
    const options = { url: 'ldaps://dc01', bindDn: 'CN=svc,DC=x', bindPassword: 'S3cret-Bind-Pw' };
    logger.info({ bindPassword: options.bindPassword }, 'top');
    logger.info({ connection: options }, 'nested');
    expect(lines.join('')).not.toContain('S3cret-Bind-Pw');
    expect(lines.join('')).toContain('[redacted]');
  });

  it('describeLdapOptions gives a loggable view without it', () => {
    const view = describeLdapOptions({
      url: 'ldaps://dc01',
      bindDn: 'CN=svc,DC=x',
      bindPassword: 'S3cret-Bind-Pw',
      caCertificatePem: 'x',
    });
    expect(JSON.stringify(view)).not.toContain('S3cret');
    expect(view).toMatchObject({ url: 'ldaps://dc01', bindDn: 'CN=svc,DC=x', caCertificate: 'given' });
  });
});
