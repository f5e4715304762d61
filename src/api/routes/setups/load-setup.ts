import type { Context } from 'hono';
import { findCompanySetup } from '../../../db/repositories/setups.js';
import type { AppEnv } from '../../context.js';
import { ApiError } from '../../errors.js';
import { requireDirectorySync } from '../../module-gate.js';

/** The caller's setup by id: another company's id is 404, so existence never leaks. */
export async function loadOwnSetup(c: Context<AppEnv>, id: string) {
  const companyId = await requireDirectorySync(c);
  const setup = await findCompanySetup(c.get('deps').db, companyId, id);
  if (!setup) throw ApiError.notFound('setup');
  return setup;
}
