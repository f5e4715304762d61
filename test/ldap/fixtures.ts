import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { LdapConnectionOptions } from '../../src/directory/ldap/index.js';
import type { SambaDcInfo } from './samba.js';

export function dcInfo(): SambaDcInfo {
  return inject('sambaDc');
}

/** Connection options for the test DC as the service would hold them: LDAPS, Samba's CA, Administrator. */
export function connectionTo(info: SambaDcInfo, overrides: Partial<LdapConnectionOptions> = {}): LdapConnectionOptions {
  return {
    url: info.ldapsUrl,
    caCertificatePem: readFileSync(info.caFile, 'utf8'),
    bindDn: info.adminDn,
    bindPassword: info.adminPassword,
    ...overrides,
  };
}

/** A fresh OU name per test file, so files running in parallel against the one DC never see each other's data. */
export function uniqueOu(prefix: string, info: SambaDcInfo): string {
  return `OU=${prefix}-${randomBytes(4).toString('hex')},${info.baseDn}`;
}
