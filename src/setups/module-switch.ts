import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { reconcileCompanySchedules } from './schedules.js';

/**
 * The operator switched the add-on on or off: the company's setups stop (or resume) being scheduled. The
 * setups themselves are kept, so switching it back on needs no reconfiguration.
 */
export async function applyModuleSwitch(
  deps: { db: Db; temporal: Client; config: Config },
  companyId: string,
  _enabled: boolean,
): Promise<void> {
  await reconcileCompanySchedules(deps, { companyId });
}
