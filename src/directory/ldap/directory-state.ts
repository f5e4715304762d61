/**
 * What the rootDSE says about the domain controller that answers: naming contexts, its host name, the highest
 * USN it has committed, and its invocationId (the identity of its database: another DC, or the same DC after a
 * restore, has another one — an incremental read by uSNChanged is only valid against the same invocationId).
 */
import { tryParseDn } from '../../sync/dn.js';
import { objectGuidToString } from './guid.js';
import { bufferOf, textOf, textsOf, type LdapSession } from './session.js';

export interface DirectoryControllerState {
  namingContexts: string[];
  defaultNamingContext: string | null;
  dnsHostName: string | null;
  /** Decimal string: USNs are 64-bit. */
  highestCommittedUsn: string | null;
  dsServiceName: string | null;
  /** GUID string of the DC's NTDS Settings invocationId; null when the server is not AD (or hides it). */
  invocationId: string | null;
  vendorName: string | null;
}

export async function readDirectoryControllerState(session: LdapSession): Promise<DirectoryControllerState> {
  const [root] = await session.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: [
      'namingContexts',
      'defaultNamingContext',
      'dnsHostName',
      'highestCommittedUSN',
      'dsServiceName',
      'vendorName',
    ],
  });
  if (!root) throw new Error('The directory returned no rootDSE.');
  const usn = textOf(root, 'highestCommittedUSN');
  const dsServiceName = textOf(root, 'dsServiceName');
  let invocationId: string | null = null;
  if (dsServiceName && tryParseDn(dsServiceName)) {
    const [settings] = await session.search(dsServiceName, {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['invocationId'],
      binaryAttributes: ['invocationId'],
    });
    invocationId = settings ? objectGuidToString(bufferOf(settings, 'invocationId')) : null;
  }
  return {
    namingContexts: textsOf(root, 'namingContexts'),
    defaultNamingContext: textOf(root, 'defaultNamingContext'),
    dnsHostName: textOf(root, 'dnsHostName'),
    highestCommittedUsn: usn && /^\d+$/.test(usn) ? usn : null,
    dsServiceName,
    invocationId,
    vendorName: textOf(root, 'vendorName'),
  };
}
