import { subscribableEventTypes } from '../../../events/types.js';
import type { FieldErrors } from '../components/fields.js';
import { TextField } from '../components/fields.js';
import { Layout, type PageContext } from '../components/layout.js';
import { Notice } from '../components/notice.js';
import { Pager } from '../components/pager.js';
import { CsrfField, PostButton } from '../components/post-button.js';
import { Table } from '../components/table.js';
import { formatDateTime } from '../format.js';

export interface TargetView {
  id: string;
  kind: 'webhook' | 'email';
  name: string;
  url: string | null;
  emails: string[] | null;
  event_types: string[];
}

export interface DeliveryView {
  id: string;
  type: string;
  target_name: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

export interface NotificationForm {
  kind: 'webhook' | 'email';
  name: string;
  destination: string;
  eventTypes: string[];
  errors: FieldErrors;
}

export interface NotificationsPageProps {
  page: PageContext;
  targets: TargetView[];
  deliveries: DeliveryView[];
  total: number;
  current: number;
  notice?: { kind: 'success' | 'error' | 'info'; text: string; secret?: string };
  form?: NotificationForm;
}

function EventChoices({ page, prefix, chosen }: { page: PageContext; prefix: string; chosen: string[] }) {
  const n = page.t.notifications;
  return (
    <fieldset class="events">
      <legend>{n.events}</legend>
      <p class="hint">{n.eventsHint}</p>
      {subscribableEventTypes.map((type) => (
        <label class="check">
          <input
            type="checkbox"
            name="eventTypes"
            value={type}
            id={`${prefix}-event-${type.replace('.', '-')}`}
            checked={chosen.includes(type)}
          />{' '}
          {n.eventNames[type] ?? type}
        </label>
      ))}
    </fieldset>
  );
}

function TargetForm({ page, kind, form }: { page: PageContext; kind: 'webhook' | 'email'; form?: NotificationForm }) {
  const n = page.t.notifications;
  const mine = form?.kind === kind ? form : undefined;
  const errors = mine?.errors ?? {};
  return (
    <form
      method="post"
      action="/admin/notifications/targets"
      class={`target-form target-${kind}`}
      id={`add-${kind}-form`}
      novalidate
    >
      <h3>{kind === 'webhook' ? n.addWebhook : n.addEmail}</h3>
      <CsrfField page={page} />
      <input type="hidden" name="kind" value={kind} />
      <TextField name={`${kind}.name`} label={n.name} value={mine?.name ?? ''} errors={errors} required />
      {kind === 'webhook' ? (
        <TextField
          name="webhook.url"
          label={n.url}
          value={mine?.destination ?? ''}
          errors={errors}
          hint={n.urlHint}
          required
        />
      ) : (
        <TextField
          name="email.emails"
          label={n.emails}
          value={mine?.destination ?? ''}
          errors={errors}
          hint={n.emailsHint}
          required
        />
      )}
      <EventChoices page={page} prefix={kind} chosen={mine?.eventTypes ?? []} />
      <button type="submit" class="primary" id={`add-${kind}`}>
        {n.add}
      </button>
    </form>
  );
}

/** The notifications tab: the targets (add, test, delete) and the delivery history. */
export function NotificationsPage({ page, targets, deliveries, total, current, notice, form }: NotificationsPageProps) {
  const { t } = page;
  const n = t.notifications;
  return (
    <Layout page={page} title={n.title} tab="notifications">
      <h1>{n.title}</h1>
      {notice ? (
        <Notice kind={notice.kind}>
          {notice.text}
          {notice.secret ? (
            <>
              {' '}
              <code id="webhook-secret">{notice.secret}</code>
            </>
          ) : null}
        </Notice>
      ) : null}
      {form && Object.keys(form.errors).length > 0 ? <Notice kind="error">{t.common.formHasErrors}</Notice> : null}
      <p class="intro">{n.intro}</p>
      <section id="targets">
        <h2>{n.targets}</h2>
        <Table
          id="target-list"
          headers={[n.name, n.kind, n.destination, n.events, t.common.actions]}
          empty={n.noTargets}
          rows={targets.map((target) => (
            <tr data-target={target.id}>
              <td>{target.name}</td>
              <td>{target.kind === 'webhook' ? n.webhook : n.email}</td>
              <td>{target.kind === 'webhook' ? target.url : (target.emails ?? []).join(', ')}</td>
              <td>{target.event_types.map((e) => n.eventNames[e] ?? e).join(', ')}</td>
              <td class="actions">
                <PostButton
                  page={page}
                  action={`/admin/notifications/targets/${target.id}/test`}
                  label={n.sendTest}
                  id={`test-${target.id}`}
                />
                <PostButton
                  page={page}
                  action={`/admin/notifications/targets/${target.id}/delete`}
                  label={t.common.delete}
                  kind="danger"
                  id={`delete-${target.id}`}
                />
              </td>
            </tr>
          ))}
        />
        <div class="target-forms">
          <TargetForm page={page} kind="webhook" form={form} />
          <TargetForm page={page} kind="email" form={form} />
        </div>
      </section>
      <section id="deliveries">
        <h2>{n.deliveries}</h2>
        <Table
          id="delivery-list"
          headers={[n.createdAt, n.event, n.target, t.common.status, n.attempts, n.lastError, n.deliveredAt]}
          empty={n.noDeliveries}
          rows={deliveries.map((d) => (
            <tr data-delivery={d.id} data-status={d.status}>
              <td>{formatDateTime(t, d.created_at)}</td>
              <td>{n.eventNames[d.type] ?? d.type}</td>
              <td>{d.target_name}</td>
              <td>{n.deliveryStatus[d.status] ?? d.status}</td>
              <td>{d.attempts}</td>
              <td>{d.last_error ?? t.common.none}</td>
              <td>{formatDateTime(t, d.delivered_at)}</td>
            </tr>
          ))}
        />
        <Pager t={t} page={current} total={total} hrefFor={(p) => `/admin/notifications?page=${p}`} />
      </section>
    </Layout>
  );
}
