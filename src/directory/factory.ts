/**
 * Which provider serves a connection: one line per provider, chosen by `connection.provider`. The engine, the
 * activities and the setup service ask here and know only the port (./provider.ts).
 */
import type { Config } from '../config.js';
import type { DirectoryConnection } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { entraProvider } from './entra/provider.js';
import { ldapProvider } from './ldap/provider.js';
import type { DirectoryKind, DirectoryProvider } from './provider.js';

/** What a provider may use: the service's configuration (app identity, endpoints) and its logger. */
export interface DirectoryDeps {
  config: Config;
  logger?: Logger;
  /** The providers to choose from; the built-in ones unless a composition root (or a test) says otherwise. */
  directoryProviders?: DirectoryProviders;
}

export type DirectoryProviderFactory = (deps: DirectoryDeps, connection: DirectoryConnection) => DirectoryProvider;

/** The providers by the kind a connection names; a kind without a line here is refused. */
export type DirectoryProviders = Readonly<Partial<Record<DirectoryKind | (string & {}), DirectoryProviderFactory>>>;

export const directoryProviders: DirectoryProviders = {
  azure: entraProvider,
  ldap: ldapProvider,
};

export class UnknownDirectoryProviderError extends Error {
  constructor(readonly kind: string) {
    super(
      `no directory provider for connections of kind '${kind}'; known: ${Object.keys(directoryProviders).join(', ')}`,
    );
    this.name = 'UnknownDirectoryProviderError';
  }
}

export function directoryProviderFor(deps: DirectoryDeps, connection: DirectoryConnection): DirectoryProvider {
  const factory = (deps.directoryProviders ?? directoryProviders)[connection.provider];
  if (!factory) throw new UnknownDirectoryProviderError(connection.provider);
  return factory(deps, connection);
}
