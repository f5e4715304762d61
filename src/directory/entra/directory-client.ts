import type { Config } from '../../config.js';
import { createGraphClient } from './client.js';
import type { Logger } from '../../logger.js';

export class AppIdentityMissingError extends Error {
  constructor() {
    super(
      'the Azure app identity is not configured: set AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)',
    );
    this.name = 'AppIdentityMissingError';
  }
}

/** A Graph client acting as our multi-tenant app inside one customer tenant. */
export function directoryClientFor(config: Config, tenantId: string, logger?: Logger) {
  const identity = config.azure.identity;
  if (!identity) throw new AppIdentityMissingError();
  return createGraphClient({
    tenantId,
    clientId: identity.clientId,
    clientSecret: identity.clientSecret,
    certificatePath: identity.certificatePath,
    authorityHost: config.azure.authorityHost,
    graphBaseUrl: config.azure.graphBaseUrl,
    logger,
  });
}
