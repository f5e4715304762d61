import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { pageSize } from '../../../db/repositories/run-history.js';
import {
  deleteCompanyTarget,
  findCompanyTarget,
  listCompanyDeliveries,
  listCompanyTargets,
} from '../../../db/repositories/notifications.js';
import { subscribableEventTypes } from '../../../events/types.js';
import { SecretsKeyMissingError } from '../../../notifications/secret-box.js';
import {
  createTarget,
  PrivateWebhookError,
  sendTestNotification,
  type TargetInput,
} from '../../../notifications/targets.js';
import { CreateTargetBody } from '../../schemas/notification.js';
import { pageParam } from '../components/pager.js';
import type { AdminEnv } from '../env.js';
import { formText, type FormBody } from '../form.js';
import { NotificationsPage, type NotificationForm, type NotificationsPageProps } from '../pages/notifications.js';
import { pageContext, redirectTo, render, renderMessage } from '../render.js';

const notices = ['target_added', 'target_deleted', 'test_queued'] as const;

async function renderTab(
  c: Context<AdminEnv>,
  extra: Pick<NotificationsPageProps, 'notice' | 'form'> = {},
  status: ContentfulStatusCode = 200,
) {
  const { db } = c.get('deps');
  const companyId = c.get('company').id;
  const current = pageParam(c.req.query('page'));
  const [targets, { rows, total }] = await Promise.all([
    listCompanyTargets(db, companyId),
    listCompanyDeliveries(db, companyId, { page: current, pageSize }),
  ]);
  const t = c.get('t').notifications;
  const key = c.req.query('notice');
  const notice =
    extra.notice ??
    (key && (notices as readonly string[]).includes(key)
      ? {
          kind: 'success' as const,
          text: key === 'target_added' ? t.targetAdded : key === 'target_deleted' ? t.targetDeleted : t.testQueued,
        }
      : undefined);
  return render(
    c,
    <NotificationsPage
      page={pageContext(c)}
      targets={targets}
      deliveries={rows}
      total={total}
      current={current}
      notice={notice}
      form={extra.form}
    />,
    status,
  );
}

function eventTypesOf(form: FormBody): string[] {
  const raw = form['eventTypes'];
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
    (v): v is string => typeof v === 'string',
  );
  return values.filter((v) => (subscribableEventTypes as readonly string[]).includes(v));
}

/** The Notifications tab: targets (webhook, e-mail) with the same rules as the API, test sends, delivery history. */
export function registerNotificationsTab(admin: Hono<AdminEnv>): void {
  admin.get('/notifications', (c) => renderTab(c));

  admin.post('/notifications/targets', async (c) => {
    const t = c.get('t').notifications;
    const body = await c.req.parseBody({ all: true });
    const kind = formText(body, 'kind') === 'email' ? 'email' : 'webhook';
    const name = formText(body, `${kind}.name`);
    const destination = formText(body, kind === 'webhook' ? 'webhook.url' : 'email.emails');
    const eventTypes = eventTypesOf(body);
    const input = {
      kind,
      name,
      ...(kind === 'webhook' ? { url: destination } : { emails: destination.split(/[,;\s]+/).filter((e) => e !== '') }),
      ...(eventTypes.length > 0 ? { eventTypes } : {}),
    };
    const parsed = CreateTargetBody.safeParse(input);
    const form: NotificationForm = { kind, name, destination, eventTypes, errors: {} };
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]);
        if (field === 'name') form.errors[`${kind}.name`] = t.required;
        if (field === 'url') form.errors['webhook.url'] = t.invalidUrl;
        if (field === 'emails') form.errors['email.emails'] = t.invalidEmails;
      }
      return renderTab(c, { form }, 400);
    }
    try {
      const { secret } = await createTarget(
        c.get('deps'),
        c.get('company').id,
        parsed.data as z.infer<typeof CreateTargetBody> & TargetInput,
      );
      if (secret) return renderTab(c, { notice: { kind: 'success', text: t.secretOnce, secret } }, 201);
    } catch (err) {
      if (err instanceof PrivateWebhookError)
        return renderTab(c, { form: { ...form, errors: { 'webhook.url': t.privateUrl } } }, 400);
      if (err instanceof SecretsKeyMissingError)
        return renderTab(c, { notice: { kind: 'error', text: t.secretsKeyMissing }, form }, 503);
      throw err;
    }
    return redirectTo(c, '/admin/notifications', { notice: 'target_added' });
  });

  admin.post('/notifications/targets/:id/test', async (c) => {
    const target = await findOwnTarget(c);
    if (!target) return notFound(c);
    await sendTestNotification(c.get('deps'), target.company_id, target.id);
    return redirectTo(c, '/admin/notifications', { notice: 'test_queued' });
  });

  admin.post('/notifications/targets/:id/delete', async (c) => {
    const target = await findOwnTarget(c);
    if (!target) return notFound(c);
    await deleteCompanyTarget(c.get('deps').db, target.company_id, target.id);
    return redirectTo(c, '/admin/notifications', { notice: 'target_deleted' });
  });
}

async function findOwnTarget(c: Context<AdminEnv>) {
  const id = c.req.param('id') ?? '';
  if (!z.uuid().safeParse(id).success) return undefined;
  return findCompanyTarget(c.get('deps').db, c.get('company').id, id);
}

function notFound(c: Context<AdminEnv>) {
  const t = c.get('t');
  return renderMessage(c, 404, t.errors.notFoundTitle, t.errors.notFound);
}
