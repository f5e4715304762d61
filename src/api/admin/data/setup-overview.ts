import type { Context } from 'hono';
import { listCompanyConnections } from '../../../db/repositories/connections.js';
import { listCustomerTypes } from '../../../db/repositories/customer-types.js';
import { latestRun } from '../../../db/repositories/run-history.js';
import { listCompanySetups } from '../../../db/repositories/setups.js';
import type { CustomerType, SyncRun, SyncSetup } from '../../../db/schema.js';
import { nextScheduledRun } from '../../../setups/schedules.js';
import type { AdminEnv } from '../env.js';

export interface SetupOverview {
  setup: SyncSetup;
  customerTypeName: string | null;
  lastRun: SyncRun | undefined;
  nextRunAt: Date | null;
}

/** Each setup of the company with its customer type's name, its last run and its schedule's next run; the company's customer types, and whether it has a connected tenant. */
export async function setupOverviews(
  c: Context<AdminEnv>,
): Promise<{ overviews: SetupOverview[]; customerTypes: CustomerType[]; hasConnection: boolean }> {
  const { db, temporal } = c.get('deps');
  const companyId = c.get('company').id;
  const [setups, customerTypes, connections] = await Promise.all([
    listCompanySetups(db, companyId),
    listCustomerTypes(db, companyId),
    listCompanyConnections(db, companyId),
  ]);
  const typeNames = new Map(customerTypes.map((ct) => [ct.id, ct.name]));
  const overviews = await Promise.all(
    setups.map(async (setup) => ({
      setup,
      customerTypeName: typeNames.get(setup.customer_type_id) ?? null,
      lastRun: await latestRun(db, setup.id),
      nextRunAt: await nextScheduledRun(temporal, setup.id),
    })),
  );
  return { overviews, customerTypes, hasConnection: connections.some((cn) => cn.status === 'connected') };
}

/** A setup's name for headings: the designation, else the group's name, else the group id. */
export function setupName(setup: Pick<SyncSetup, 'designation' | 'group_display_name' | 'group_id'>): string {
  return setup.designation ?? setup.group_display_name ?? setup.group_id;
}
