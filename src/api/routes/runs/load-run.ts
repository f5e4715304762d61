import type { Context } from 'hono';
import { findCompanyRun } from '../../../db/repositories/run-history.js';
import type { AppEnv } from '../../context.js';
import { ApiError } from '../../errors.js';
import { requireDirectorySync } from '../../module-gate.js';

/** The caller's run by id: another company's id is 404. */
export async function loadOwnRun(c: Context<AppEnv>, id: string) {
  const companyId = await requireDirectorySync(c);
  const run = await findCompanyRun(c.get('deps').db, companyId, id);
  if (!run) throw ApiError.notFound('run');
  return run;
}
