import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { findCompanySetup } from '../../../db/repositories/setups.js';
import { setupOverviews } from '../data/setup-overview.js';
import type { AdminEnv } from '../env.js';
import { SetupsPage, type CustomerTypeForm } from '../pages/setups.js';
import { pageContext, render } from '../render.js';

type SimpleNotice = 'setup_saved' | 'setup_deleted' | 'setup_paused' | 'setup_resumed';
const simpleNotices: readonly string[] = [
  'setup_saved',
  'setup_deleted',
  'setup_paused',
  'setup_resumed',
] satisfies SimpleNotice[];

/** The notice a setup action redirected here with; "created" names the group and its user count. */
async function setupNotice(c: Context<AdminEnv>) {
  const t = c.get('t');
  const notice = c.req.query('notice') ?? '';
  if (simpleNotices.includes(notice))
    return { kind: 'success' as const, text: t.setups.notices[notice as SimpleNotice] };
  if (notice === 'customer_type_added')
    return { kind: 'success' as const, text: t.customerTypes.added(c.req.query('name') ?? '') };
  const id = c.req.query('setup') ?? '';
  if (notice !== 'setup_created' || !z.uuid().safeParse(id).success) return undefined;
  const setup = await findCompanySetup(c.get('deps').db, c.get('company').id, id);
  const users = Number.parseInt(c.req.query('users') ?? '', 10);
  return setup
    ? {
        kind: 'success' as const,
        text: t.setups.notices.setup_created(
          setup.group_display_name ?? setup.group_id,
          Number.isFinite(users) ? users : 0,
        ),
      }
    : undefined;
}

/** Tab Setup (Opsætning): every setup with its group, options, schedule, last and next run, and its actions; the customer types. */
export async function renderSetupsTab(
  c: Context<AdminEnv>,
  customerTypeForm?: CustomerTypeForm,
  status: ContentfulStatusCode = 200,
) {
  const [{ overviews, customerTypes, hasConnection }, notice] = await Promise.all([
    setupOverviews(c),
    customerTypeForm ? undefined : setupNotice(c),
  ]);
  return render(
    c,
    <SetupsPage
      page={pageContext(c)}
      overviews={overviews}
      customerTypes={customerTypes}
      hasConnection={hasConnection}
      notice={notice}
      customerTypeForm={customerTypeForm}
    />,
    status,
  );
}

export function registerSetupsTab(admin: Hono<AdminEnv>): void {
  admin.get('/setup', (c) => renderSetupsTab(c));
}
