/**
 * Microsoft Entra ID behind the directory-provider port: Graph through our multi-tenant app (client credentials)
 * in the connection's tenant. The Graph client is made on first use, so a provider costs nothing until it reads.
 */
import { withManagers } from './managers.js';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { DirectoryConnection } from '../../db/schema.js';
import type { DirectoryDeps } from '../factory.js';
import type { DirectoryFailure, DirectoryProvider, MemberPage, MemberScope } from '../provider.js';
import { deltaLinksOf, establishDeltaLinks, readDeltaRound } from './delta-round.js';
import { stillMembers } from './delta.js';
import { AppIdentityMissingError, directoryClientFor } from './directory-client.js';
import { about, classifyGraphError, describeGraphError, isRetryable } from './errors.js';
import { lookupGroup, searchGroups } from './groups.js';
import { ForeignGraphLinkError } from './links.js';
import { directoryUserSelect, pageGroupUserBytes, pageGroupUserObjects, parseDirectoryUser } from './members.js';
import { digestedMemberPage } from './member-digest.js';
import { compileAzureScope, isDirectoryUserInAzureScope, type AzureScope } from '../../sync/azure-scope.js';
import { verifyTenant } from './verify.js';
import { entraKind } from './kind.js';

/**
 * Graph's and the token endpoint's failures as the service acts on them. Only a 404 on a request about the group
 * itself is "the group is gone"; any other answer Graph will give again (400, 401, 405, 409, a 404 about something
 * else, a paging link off Graph) fails at once with Graph's code, message and the request.
 */
export function classifyEntraFailure(err: unknown): DirectoryFailure {
  // A paging link off Graph: never followed, and retrying would only get the same answer.
  if (err instanceof ForeignGraphLinkError) return { kind: 'request_failed', message: err.message };
  const classified = classifyGraphError(err);
  switch (classified.kind) {
    case 'not_found':
      return { kind: 'not_found', about: classified.notFound ?? 'resource', message: describeGraphError(classified) };
    case 'forbidden':
    case 'consent_missing_or_revoked':
      return { kind: 'access_lost', message: classified.message };
    case 'tenant_not_found':
    case 'invalid_client':
      return { kind: 'configuration', message: classified.message };
    default: {
      if (!isRetryable(classified)) return { kind: 'request_failed', message: describeGraphError(classified) };
      const message = classified.status
        ? describeGraphError(classified)
        : `Microsoft Graph could not be reached: ${classified.message}`;
      return {
        kind: classified.kind === 'throttled' ? 'throttled' : 'transient',
        message,
        ...(classified.retryAfterMs !== undefined ? { retryAfterMs: classified.retryAfterMs } : {}),
      };
    }
  }
}

/** The setup's LDAP path and filter as a scope on Graph data; null when neither is set. */
function azureScopeOf(scope: MemberScope): AzureScope | null {
  const compiled = compileAzureScope(scope);
  if (!compiled.ok) throw new Error(compiled.errors.map((e) => `${e.field}: ${e.message}`).join(' '));
  return compiled.scope;
}

export function entraProvider(deps: DirectoryDeps, connection: DirectoryConnection): DirectoryProvider {
  let graph: ReturnType<typeof directoryClientFor> | undefined;
  const connect = () => (graph ??= directoryClientFor(deps.config, connection.tenant_id, deps.logger));
  const client = (): Client => connect().client;

  return {
    kind: entraKind,

    async verify(options = {}) {
      try {
        const { client: graphClient, credential } = connect();
        const result = await verifyTenant({
          client: graphClient,
          credential,
          requestedTenant: connection.tenant_id,
          consentedTenant: options.consentedTenant,
        });
        return result.ok ? { ok: true, facts: { ...result.tenant } } : result;
      } catch (err) {
        if (err instanceof AppIdentityMissingError) return { ok: false, kind: 'not_configured', reason: err.message };
        throw err;
      }
    },

    lookupGroup: (groupId) => lookupGroup(client(), groupId),
    searchGroups: (search) => searchGroups(client(), search),

    async *pageMembers(scope: MemberScope, options): AsyncGenerator<MemberPage> {
      // An LDAP path or filter scopes Graph's members (issue 13); their attributes are $selected only then.
      const scoped = azureScopeOf(scope);
      try {
        const paging = {
          top: options.pageSize,
          cursor: options.resume ?? undefined,
          ...(scoped ? { select: [...new Set([...directoryUserSelect, ...scoped.select])] } : {}),
        };
        const restOf = (page: { nextLink: string | null; count?: number }) => ({
          next: page.nextLink,
          ...(page.count !== undefined ? { count: page.count } : {}),
        });
        if (!scoped && !scope.withManager) {
          // the common read: members digested as the bytes Graph sent, parsed only if staging needs their data
          for await (const page of pageGroupUserBytes(client(), scope.groupId, paging))
            yield digestedMemberPage(page, restOf(page));
          return;
        }
        for await (const page of pageGroupUserObjects(client(), scope.groupId, paging)) {
          const rest = restOf(page);
          const mapped = page.objects.map(parseDirectoryUser);
          const inScope = scoped ? mapped.filter((u) => isDirectoryUserInAzureScope(scoped, u)) : mapped;
          yield { users: scope.withManager ? await withManagers(client(), inScope) : inScope, ...rest };
        }
      } catch (err) {
        throw about(err, 'group'); // /groups/{id}/transitiveMembers: a 404 is the group itself
      }
    },

    startIncremental: async (scope) => ({ ...(await establishDeltaLinks(client(), scope.groupId)) }),

    async readIncremental(scope, state, sink) {
      // Graph's delta does not say when a user moves in or out of a path or filter: a scoped setup reads in full.
      if (azureScopeOf(scope))
        return { fallback: 'an LDAP path or filter scopes this setup, which Graph delta cannot follow' };
      const links = deltaLinksOf(state);
      if (!links) return { fallback: 'the stored delta state is not a set of Graph delta links' };
      const round = await readDeltaRound({ client: client(), groupId: scope.groupId, links, sink });
      if (round.fallback !== undefined) return { fallback: round.fallback };
      const { links: next, added, removed, changedUsers } = round;
      return { state: { ...next }, added, removed, changedUsers };
    },

    confirmMembers: (scope, externalIds) => stillMembers(client(), scope.groupId, externalIds),

    classify: classifyEntraFailure,
  };
}
