/** Groups for the admin form: search by name under a base DN, and look one up by its DN. */
import { DnSyntaxError, parseDn } from '../../sync/dn.js';
import { escapeFilterValue } from '../../sync/ldap-filter.js';
import { LdapError } from './errors.js';
import { objectGuidToString } from './guid.js';
import { bufferOf, textOf, type LdapSession } from './session.js';
import type { Entry } from 'ldapts';

export interface LdapGroup {
  id: string | null; // objectGUID
  distinguishedName: string;
  name: string | null; // cn
  sAMAccountName: string | null;
  description: string | null;
  /** The RID users carry as primaryGroupID when this is their primary group; AD gives it on base-scope reads only. */
  primaryGroupToken: number | null;
}

const GROUP_ATTRIBUTES = ['objectGUID', 'distinguishedName', 'cn', 'sAMAccountName', 'description'];

function toGroup(entry: Entry): LdapGroup {
  return {
    id: objectGuidToString(bufferOf(entry, 'objectGUID')),
    distinguishedName: textOf(entry, 'distinguishedName') ?? entry.dn,
    name: textOf(entry, 'cn'),
    sAMAccountName: textOf(entry, 'sAMAccountName'),
    description: textOf(entry, 'description'),
    primaryGroupToken: /^\d+$/.test(textOf(entry, 'primaryGroupToken') ?? '')
      ? Number(textOf(entry, 'primaryGroupToken'))
      : null,
  };
}

function checkedDn(label: string, dn: string): string {
  try {
    parseDn(dn);
  } catch (error) {
    if (error instanceof DnSyntaxError)
      throw new LdapError('invalid_options', `The ${label} is not a valid DN: ${error.message}`);
    throw error;
  }
  return dn.trim();
}

/** Groups whose name, account name or display name contains `text` (case-insensitive), at most `limit`, by name. */
export async function searchGroups(
  session: LdapSession,
  options: { searchBase: string; text: string; limit?: number },
): Promise<LdapGroup[]> {
  const base = checkedDn('search base', options.searchBase);
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 100);
  const text = options.text.trim();
  const match =
    text === ''
      ? ''
      : `(|${['cn', 'sAMAccountName', 'displayName'].map((a) => `(${a}=*${escapeFilterValue(text)}*)`).join('')})`;
  const entries = await session.search(base, {
    scope: 'sub',
    filter: `(&(objectClass=group)${match})`,
    attributes: GROUP_ATTRIBUTES,
    binaryAttributes: ['objectGUID'],
    sizeLimit: limit,
  });
  return entries
    .map(toGroup)
    .sort(
      (a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.distinguishedName.localeCompare(b.distinguishedName),
    )
    .slice(0, limit);
}

/** The group at `dn`, or null when there is no such entry or it is not a group. */
export async function getGroupByDn(session: LdapSession, dn: string): Promise<LdapGroup | null> {
  const groupDn = checkedDn('group DN', dn);
  try {
    const [entry] = await session.search(groupDn, {
      scope: 'base',
      filter: '(objectClass=group)',
      attributes: [...GROUP_ATTRIBUTES, 'primaryGroupToken'],
      binaryAttributes: ['objectGUID'],
    });
    return entry ? toGroup(entry) : null;
  } catch (error) {
    if (error instanceof LdapError && error.reason === 'base_dn_not_found') return null;
    throw error;
  }
}
