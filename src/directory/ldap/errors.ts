/**
 * Why an LDAP connection or read failed, in the few classes an administrator can act on. Each failure carries a
 * message that says what to do next; none ever contains the bind password.
 */
import { ResultCodeError } from 'ldapts';

export type LdapFailureReason =
  | 'invalid_options' // the URL, bind identity, CA or base DN is not usable as given
  | 'unencrypted_refused' // plain ldap:// without StartTLS and without allowUnencrypted
  | 'host_unreachable' // DNS, refused, timed out, reset
  | 'certificate_not_trusted' // TLS: unknown CA, self-signed, expired, wrong host name
  | 'tls_failed' // TLS could not be set up for another reason (StartTLS refused, protocol)
  | 'invalid_credentials' // result 49
  | 'strong_auth_required' // result 8: the DC wants TLS or signing for a simple bind
  | 'base_dn_not_found' // result 32 on the base DN
  | 'insufficient_access' // result 50
  | 'paging_cookie_rejected' // a paged search's cookie is not valid (another DC, another connection, expired)
  | 'timeout'
  | 'ldap_error'; // anything else the server answered, with its code

export class LdapError extends Error {
  override readonly name = 'LdapError';
  /** For invalid_options: the connection field at fault (url, bindDn, bindPassword, caCertificatePem). */
  readonly field: string | undefined;
  constructor(
    readonly reason: LdapFailureReason,
    message: string,
    /** The LDAP result code when the server answered with one. */
    readonly resultCode: number | null = null,
    options?: { cause?: unknown; field?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.field = options?.field;
  }

  toJSON(): { reason: LdapFailureReason; message: string; resultCode: number | null } {
    return { reason: this.reason, message: this.message, resultCode: this.resultCode };
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
]);
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** AD's sub-codes in a 49's diagnostic message ("… data 52e, v1db1"). */
const AD_BIND_DETAIL: Record<string, string> = {
  '525': 'the user does not exist',
  '52e': 'the user name or password is wrong',
  '530': 'the account may not sign in at this time',
  '531': 'the account may not sign in from this computer',
  '532': 'the password has expired',
  '533': 'the account is disabled',
  '701': 'the account has expired',
  '773': 'the password must be changed before the account can be used',
  '775': 'the account is locked out',
};

/** Turns whatever ldapts, net or tls threw into an LdapError; `context` names the step ("binding as …"). */
export function classifyLdapError(error: unknown, context: { host: string; step: string; baseDn?: string }): LdapError {
  if (error instanceof LdapError) return error;
  const where = `${context.step} (${context.host})`;
  if (error instanceof ResultCodeError) {
    const code = error.code;
    const server = error.message.replace(/\s+/g, ' ').slice(0, 300);
    switch (code) {
      case 49: {
        const sub = /data ([0-9a-f]{3,4})/i.exec(error.message)?.[1]?.toLowerCase();
        const detail = sub ? AD_BIND_DETAIL[sub] : undefined;
        return new LdapError(
          'invalid_credentials',
          `The directory refused the bind DN/UPN and password (LDAP result 49, invalid ` +
            `credentials${detail ? `: ${detail}` : ''}). ` +
            'Check the bind account and enter its password again.',
          code,
          { cause: error },
        );
      }
      case 8:
        return new LdapError(
          'strong_auth_required',
          `The directory requires an encrypted connection for this bind (LDAP result 8, ${where}). Use ldaps:// ` +
            `or StartTLS.`,
          code,
          { cause: error },
        );
      case 32:
        return new LdapError(
          'base_dn_not_found',
          `The base DN ${context.baseDn ?? ''} does not exist on the directory (LDAP result 32, no such object). ` +
            "Check the spelling against the domain's naming context (e.g. DC=contoso,DC=com).",
          code,
          { cause: error },
        );
      case 50:
        return new LdapError(
          'insufficient_access',
          `The bind account may not read this (LDAP result 50, ${where}). Give it read access to the users and ` +
            `groups under the base DN.`,
          code,
          { cause: error },
        );
      default:
        return new LdapError(
          'ldap_error',
          `The directory answered LDAP result ${code} while ${where}: ${server}`,
          code,
          { cause: error },
        );
    }
  }
  const err = error as NodeJS.ErrnoException & { code?: string };
  const code = typeof err?.code === 'string' ? err.code : '';
  if (UNTRUSTED.has(code)) {
    const why =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? `its certificate is not issued for ${context.host}`
        : code === 'CERT_HAS_EXPIRED'
          ? 'its certificate has expired'
          : `its certificate is not signed by a trusted CA (${code})`;
    return new LdapError(
      'certificate_not_trusted',
      `The directory's TLS certificate is not trusted: ${why}. Paste the CA certificate (PEM) that issued the ` +
        `domain controller's ` +
        'certificate into the connection, or connect by the host name the certificate names.',
      null,
      { cause: error },
    );
  }
  if (UNREACHABLE.has(code) || err?.message === 'Connection timeout') {
    return new LdapError(
      'host_unreachable',
      `Could not reach the directory at ${context.host} (${code || 'connection timed out'}). Check the host name ` +
        `and port, ` +
        'and that this service may connect to the domain controller through the firewall.',
      null,
      { cause: error },
    );
  }
  if (typeof err?.message === 'string' && /Operation timed out/.test(err.message)) {
    return new LdapError(
      'timeout',
      `The directory did not answer in time while ${where}. Try again; if it persists, check the DC's load.`,
      null,
      {
        cause: error,
      },
    );
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /TLS|SSL/i.test(err?.message ?? '')) {
    return new LdapError(
      'tls_failed',
      `TLS could not be set up with ${context.host} (${code || err.message}). Check that the port speaks LDAPS ` +
        `or StartTLS.`,
      null,
      {
        cause: error,
      },
    );
  }
  return new LdapError('ldap_error', `LDAP failed while ${where}: ${err?.message ?? String(error)}`, null, {
    cause: error,
  });
}
