import type { Context } from 'hono';
import { findCompany } from '../db/repositories/companies.js';
import type { AppEnv } from './context.js';
import { ApiError } from './errors.js';
import { requireCompany } from './middleware/auth.js';

/**
 * Directory sync is a paid add-on: connections and setups need a company key of a company that has it enabled.
 * Returns the company id.
 */
export async function requireDirectorySync(c: Context<AppEnv>): Promise<string> {
  const companyId = requireCompany(c.get('principal'));
  const company = await findCompany(c.get('deps').db, companyId);
  if (!company?.directory_sync_enabled) {
    throw new ApiError(
      403,
      'module_not_enabled',
      'directory sync is not enabled for this company; ask your provider to enable the module',
    );
  }
  return companyId;
}
