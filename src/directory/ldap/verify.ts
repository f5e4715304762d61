/**
 * "Test the connection" for an LDAP connection: TLS, bind, the rootDSE (naming contexts; for AD the DC's host
 * name, highestCommittedUSN, dsServiceName and its invocationId), the base DN exists, and how many users are
 * under it. A failure is one classified reason with a message that says what to do.
 */
import { DnSyntaxError, parseDn } from '../../sync/dn.js';
import { readDirectoryControllerState, type DirectoryControllerState } from './directory-state.js';
import { LdapError, classifyLdapError, type LdapFailureReason } from './errors.js';
import { resolveLdapOptions, type LdapConnectionOptions, type LdapTransport } from './options.js';
import { openLdapSession, type LdapSession } from './session.js';

export interface LdapVerificationFacts extends DirectoryControllerState {
  transport: LdapTransport;
  baseDn: string;
  /** Users (objectCategory=person, objectClass=user) under the base DN. */
  usersUnderBase: number;
}

export type LdapVerification =
  | { ok: true; facts: LdapVerificationFacts }
  | { ok: false; failure: { reason: LdapFailureReason; message: string; resultCode: number | null } };

const USERS = '(&(objectCategory=person)(objectClass=user))';

export async function countUsersUnder(session: LdapSession, baseDn: string): Promise<number> {
  let count = 0;
  let cookie: Buffer | null = null;
  do {
    const page: { entries: unknown[]; cookie: Buffer | null } = await session.searchPage(
      { baseDn, scope: 'sub', filter: USERS, attributes: ['1.1'], pageSize: 1000 },
      cookie,
    );
    count += page.entries.length;
    cookie = page.cookie;
  } while (cookie);
  return count;
}

export async function verifyLdapConnection(
  connection: LdapConnectionOptions,
  options: { baseDn: string },
): Promise<LdapVerification> {
  let session: LdapSession | null = null;
  try {
    const resolved = resolveLdapOptions(connection);
    try {
      if (parseDn(options.baseDn).length === 0)
        throw new LdapError('invalid_options', 'The base DN is required (e.g. DC=contoso,DC=com).', null, {
          field: 'baseDn',
        });
    } catch (error) {
      if (error instanceof DnSyntaxError)
        throw new LdapError('invalid_options', `The base DN is not a valid DN: ${error.message}`, null, {
          field: 'baseDn',
        });
      throw error;
    }
    session = await openLdapSession(connection);
    const state = await readDirectoryControllerState(session);
    // The base must exist: a base-scope read answers 32 (no such object) when it does not.
    await session.search(options.baseDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
    const usersUnderBase = await countUsersUnder(session, options.baseDn);
    return {
      ok: true,
      facts: { ...state, transport: resolved.transport, baseDn: options.baseDn.trim(), usersUnderBase },
    };
  } catch (error) {
    const failure =
      error instanceof LdapError
        ? error
        : classifyLdapError(error, { host: connection.url, step: 'verifying', baseDn: options.baseDn });
    return { ok: false, failure: failure.toJSON() };
  } finally {
    await session?.close();
  }
}
