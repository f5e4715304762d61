/**
 * Members staged as their directory sent them (DigestedMember.source), mapped back when the apply reads them: one
 * line per format, beside the provider that stages it. Staging stores the format with each such member, so a
 * row is read back by the mapper it was staged for, whichever worker reads it.
 */
import type { DirectoryUser } from '../sync/directory-user.js';
import { ENTRA_USER_SOURCE, entraUserFromSource } from './entra/member-digest.js';

type SourceMapper = (object: unknown, externalId: string) => DirectoryUser;

const stagedSourceMappers: Readonly<Record<string, SourceMapper>> = {
  [ENTRA_USER_SOURCE]: entraUserFromSource,
};

/**
 * The DirectoryUser of a member staged in `format`, checked to be the member staged under `externalId`; throws
 * when it cannot be (an unknown format, an object its mapper refuses).
 */
export function mapStagedSource(format: string, object: unknown, externalId: string): DirectoryUser {
  const mapper = stagedSourceMappers[format];
  if (!mapper) throw new TypeError(`no mapper for the format '${format}'`);
  return mapper(object, externalId);
}
