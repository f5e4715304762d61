/**
 * "Test" for a setup's LDAP path and filter: how many members of a group they select and the first ten, read
 * from the directory now and saved nowhere, through the provider's own member read (AD: the DC applies path and
 * filter; Entra: the pure scope of src/sync/azure-scope.ts on the group's members).
 */
import type { DirectoryConnection } from '../db/schema.js';
import { directoryProviderFor, type DirectoryDeps } from '../directory/factory.js';
import { groupIdProblem, setupScopeProblems } from '../sync/setup-scope.js';

export interface ScopeSample {
  id: string;
  email: string | null;
  displayName: string | null;
  enabled: boolean | null;
}

export type ScopeTestOutcome =
  | { kind: 'ok'; count: number; first: ScopeSample[] }
  | { kind: 'invalid'; problems: { field: string; message: string }[] }
  | { kind: 'group_not_found'; message: string }
  | { kind: 'directory_error'; message: string };

const SAMPLE = 10;

export async function testSetupScope(
  deps: DirectoryDeps & { config: { sync: { pageSize: number } } },
  connection: DirectoryConnection,
  input: { groupId: string; ldapPath?: string | null; ldapFilter?: string | null },
): Promise<ScopeTestOutcome> {
  const group = groupIdProblem(connection.provider, input.groupId);
  const problems = [...(group ? [group] : []), ...setupScopeProblems(connection.provider, input)];
  if (problems.length > 0) return { kind: 'invalid', problems };
  const directory = directoryProviderFor(deps, connection);
  const scope = { groupId: input.groupId, ldapPath: input.ldapPath || null, ldapFilter: input.ldapFilter || null };
  let count = 0;
  const first: ScopeSample[] = [];
  try {
    for await (const page of directory.pageMembers(scope, { pageSize: deps.config.sync.pageSize })) {
      for (const user of page.users) {
        count += 1;
        if (first.length < SAMPLE)
          first.push({ id: user.id, email: user.email, displayName: user.displayName, enabled: user.enabled });
      }
    }
  } catch (err) {
    const failure = directory.classify(err);
    return failure.kind === 'not_found' && failure.about === 'group'
      ? { kind: 'group_not_found', message: failure.message }
      : { kind: 'directory_error', message: failure.message };
  }
  return { kind: 'ok', count, first };
}
