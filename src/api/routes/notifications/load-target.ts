import type { Context } from 'hono';
import { findCompanyTarget } from '../../../db/repositories/notifications.js';
import type { AppEnv } from '../../context.js';
import { ApiError } from '../../errors.js';
import { requireDirectorySync } from '../../module-gate.js';

/** The caller's notification target by id: another company's id is 404. */
export async function loadOwnTarget(c: Context<AppEnv>, id: string) {
  const companyId = await requireDirectorySync(c);
  const target = await findCompanyTarget(c.get('deps').db, companyId, id);
  if (!target) throw ApiError.notFound('notification target');
  return target;
}
