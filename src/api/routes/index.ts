import type { App } from '../context.js';
import { registerCreateApiKey } from './companies/create-api-key.js';
import { registerCreateCompany } from './companies/create-company.js';
import { registerUpdateCompany } from './companies/update-company.js';
import { registerConsentCallback } from './consent-callback.js';
import { registerCheckConnection } from './connections/check-connection.js';
import { registerCreateConnection } from './connections/create-connection.js';
import { registerDeleteConnection } from './connections/delete-connection.js';
import { registerGetConnection } from './connections/get-connection.js';
import { registerListConnections } from './connections/list-connections.js';
import { registerRestartConsent } from './connections/restart-consent.js';
import { registerCreateCustomerType } from './customer-types/create-customer-type.js';
import { registerListCustomerTypes } from './customer-types/list-customer-types.js';
import { registerHealthRoutes } from './health.js';
import { registerMeRoute } from './me.js';

/** Every route module, in the order they appear in the OpenAPI document. */
export function registerRoutes(app: App): void {
  registerHealthRoutes(app);
  registerMeRoute(app);
  registerCreateCompany(app);
  registerUpdateCompany(app);
  registerCreateApiKey(app);
  registerListCustomerTypes(app);
  registerCreateCustomerType(app);
  registerCreateConnection(app);
  registerListConnections(app);
  registerGetConnection(app);
  registerDeleteConnection(app);
  registerRestartConsent(app);
  registerCheckConnection(app);
  registerConsentCallback(app);
}
