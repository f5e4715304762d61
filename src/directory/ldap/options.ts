/**
 * How to reach and bind to a directory over LDAP, validated before any socket is opened. Encryption is the
 * default: ldaps://, or ldap:// with StartTLS; plain LDAP only with allowUnencrypted (meant for tests).
 */
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { tryParseDn } from '../../sync/dn.js';
import { LdapError } from './errors.js';

export interface LdapConnectionOptions {
  /** ldaps://host[:636] or ldap://host[:389]; no path, query or credentials. */
  url: string;
  /** For ldap:// URLs: upgrade with StartTLS (default true). Ignored for ldaps://. */
  startTls?: boolean;
  /** Allow ldap:// without StartTLS: the password crosses the network in the clear. Tests only. */
  allowUnencrypted?: boolean;
  /** PEM of the CA (or CAs) to trust instead of the system's; for a DC with an internal CA. */
  caCertificatePem?: string | null;
  /** A DN (CN=svc-sync,OU=Service,DC=contoso,DC=com), a UPN (svc-sync@contoso.com) or DOMAIN\user. */
  bindDn: string;
  /** Never logged, never part of an error message. */
  bindPassword: string;
  /** Per operation (default 30 s). */
  timeoutMs?: number;
  /** TCP connect (default 10 s). */
  connectTimeoutMs?: number;
}

export type LdapTransport = 'ldaps' | 'starttls' | 'none';

export interface ResolvedLdapOptions {
  url: string; // normalised: scheme://host:port
  host: string;
  port: number;
  transport: LdapTransport;
  tls: ConnectionOptions | undefined;
  bindDn: string;
  bindPassword: string;
  timeoutMs: number;
  connectTimeoutMs: number;
}

const UPN = /^[^\s@\\]+@[^\s@\\]+$/;
const DOWN_LEVEL = /^[^\s\\@]+\\[^\s\\]+$/;

/** The connection field an invalid option is in, so a form or the API can point at it. */
export type LdapOptionField = 'url' | 'bindDn' | 'bindPassword' | 'caCertificatePem';

function invalid(message: string, field: LdapOptionField = 'url'): never {
  throw new LdapError('invalid_options', message, null, { field });
}

/** Validates and resolves connection options; throws LdapError('invalid_options' | 'unencrypted_refused'). */
export function resolveLdapOptions(options: LdapConnectionOptions): ResolvedLdapOptions {
  let url: URL;
  try {
    url = new URL(options.url.trim());
  } catch {
    return invalid(`"${options.url}" is not a URL; write ldaps://dc01.contoso.com or ldap://dc01.contoso.com.`);
  }
  if (url.protocol !== 'ldaps:' && url.protocol !== 'ldap:')
    invalid(`The URL must start with ldaps:// or ldap://, not ${url.protocol}//.`);
  if (url.username || url.password)
    invalid('The URL must not contain a user name or password; use the bind DN and password fields.');
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) {
    invalid(
      'The URL is only scheme, host and port (e.g. ldaps://dc01.contoso.com:636); the base DN has its own field.',
    );
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') invalid('The URL has no host name.');
  const secure = url.protocol === 'ldaps:';
  const port = url.port ? Number(url.port) : secure ? 636 : 389;

  const transport: LdapTransport = secure ? 'ldaps' : options.startTls === false ? 'none' : 'starttls';
  if (transport === 'none' && options.allowUnencrypted !== true) {
    throw new LdapError(
      'unencrypted_refused',
      'Plain LDAP would send the bind password unencrypted. Use ldaps:// or StartTLS (or, for a test directory ' +
        'only, allow unencrypted).',
      null,
      { field: 'url' },
    );
  }

  const bindDn = options.bindDn.trim();
  if (bindDn === '') invalid('The bind DN or UPN is required.', 'bindDn');
  if (!UPN.test(bindDn) && !DOWN_LEVEL.test(bindDn)) {
    const dn = tryParseDn(bindDn);
    if (dn === null || dn.length === 0)
      invalid(`"${bindDn}" is neither a DN (CN=…,DC=…), a UPN (user@domain) nor DOMAIN\\user.`, 'bindDn');
  }
  if (options.bindPassword === '')
    invalid('The bind password is required (an empty password would be an anonymous bind).', 'bindPassword');

  let tls: ConnectionOptions | undefined;
  if (transport !== 'none') {
    const ca = options.caCertificatePem?.trim() ? caCertificates(options.caCertificatePem) : undefined;
    tls = {
      host,
      // SNI only for names; Node's identity check uses `host` (IP addresses are checked against IP SANs).
      ...(isIP(host) ? {} : { servername: host }),
      ...(ca ? { ca } : {}),
      minVersion: 'TLSv1.2',
      rejectUnauthorized: true,
    };
  }
  return {
    url: `${url.protocol}//${isIP(host) === 6 ? `[${host}]` : host}:${port}`,
    host,
    port,
    transport,
    tls,
    bindDn,
    bindPassword: options.bindPassword,
    timeoutMs: options.timeoutMs ?? 30_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
  };
}

/** The PEM certificates in `pem`, each checked to be a certificate; throws invalid_options otherwise. */
function caCertificates(pem: string): string[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0)
    invalid('The CA certificate must be PEM (-----BEGIN CERTIFICATE----- …).', 'caCertificatePem');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      invalid(
        'The CA certificate could not be read; paste the PEM text of the certificate, not of a key.',
        'caCertificatePem',
      );
    }
  }
  return blocks;
}

/** The options as they may appear in a log line: no password. */
export function describeLdapOptions(options: LdapConnectionOptions): Record<string, unknown> {
  return {
    url: options.url,
    startTls: options.startTls ?? true,
    allowUnencrypted: options.allowUnencrypted ?? false,
    bindDn: options.bindDn,
    caCertificate: options.caCertificatePem ? 'given' : 'system',
  };
}
