import type { Context } from 'hono';
import { listCompanyConnections } from '../../../db/repositories/connections.js';
import { listCustomerTypes } from '../../../db/repositories/customer-types.js';
import type { DirectoryConnection } from '../../../db/schema.js';
import type { AdminEnv } from '../env.js';
import type { SetupChoices } from '../pages/setup-form.js';

/** How a connection is named to the admin: their designation, else the verified organisation, else the tenant. */
export function connectionLabel(
  connection: Pick<DirectoryConnection, 'designation' | 'organization_name' | 'tenant_id'>,
): string {
  return connection.designation ?? connection.organization_name ?? connection.tenant_id;
}

/**
 * What a setup may point at: the company's connected tenants and its customer types. An existing setup's own
 * connection is listed whatever its state, so the form can name it.
 */
export async function setupChoices(c: Context<AdminEnv>, ownConnectionId?: string): Promise<SetupChoices> {
  const { db } = c.get('deps');
  const companyId = c.get('company').id;
  const [connections, customerTypes] = await Promise.all([
    listCompanyConnections(db, companyId),
    listCustomerTypes(db, companyId),
  ]);
  return {
    connections: connections
      .filter((cn) => cn.status === 'connected' || cn.id === ownConnectionId)
      .map((cn) => ({ value: cn.id, label: connectionLabel(cn) })),
    customerTypes: customerTypes.map((ct) => ({ value: ct.id, label: ct.name })),
  };
}
