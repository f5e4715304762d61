import type { CustomerType } from '../../../db/schema.js';
import { TextField, type FieldErrors } from '../components/fields.js';
import { Layout, type PageContext } from '../components/layout.js';
import { Notice } from '../components/notice.js';
import { CsrfField, PostButton } from '../components/post-button.js';
import { RunStatusBadge } from '../components/run-status.js';
import { Table } from '../components/table.js';
import type { SetupOverview } from '../data/setup-overview.js';
import { countsSummary, formatDateTime, runCountsOf } from '../format.js';
import { shownReason } from '../stored-reason.js';

function Options({ page, setup }: { page: PageContext; setup: SetupOverview['setup'] }) {
  const { t } = page;
  const f = t.setupForm;
  const yesNo = (value: boolean) => (value ? t.common.yes : t.common.no);
  return (
    <ul class="options">
      <li>{`${f.resourceType}: ${f.resourceUsers}`}</li>
      <li>{`${f.updateExisting}: ${yesNo(setup.update_existing)}`}</li>
      <li>{`${f.deleteRemoved}: ${yesNo(setup.delete_removed)}`}</li>
      <li>{`${f.matchOn}: ${setup.match_on === 'email' ? f.email : f.initials}`}</li>
      {setup.ldap_path ? <li>{`${f.ldapPath}: ${setup.ldap_path}`}</li> : null}
      {setup.ldap_filter ? <li>{`${f.ldapFilter}: ${setup.ldap_filter}`}</li> : null}
      <li>{`${f.deletionGuard}: ${setup.deletion_threshold_count} / ${setup.deletion_threshold_percent} %`}</li>
    </ul>
  );
}

function SetupRow({ page, overview }: { page: PageContext; overview: SetupOverview }) {
  const { t } = page;
  const { setup, lastRun } = overview;
  const base = `/admin/setup/${setup.id}`;
  return (
    <tr id={`setup-${setup.id}`} data-status={setup.status}>
      <td>{setup.designation ?? t.common.none}</td>
      <td class="group">
        <span class="group-name">{setup.group_display_name ?? t.common.none}</span>
        <br />
        <code class="group-id">{setup.group_id}</code>
      </td>
      <td>{overview.customerTypeName ?? t.common.none}</td>
      <td class="options-cell">
        <Options page={page} setup={setup} />
      </td>
      <td class="schedule">
        {t.setups.every(setup.interval_minutes)}
        <br />
        <span class={`badge badge-${setup.status}`}>{t.setups.status[setup.status]}</span>
        {setup.status_reason ? (
          <span class="reason">
            {' '}
            {shownReason(t, setup.status_reason, setup.status_reason_detail, (param, value) =>
              param === 'groupId' && setup.group_display_name ? setup.group_display_name : value,
            )}
          </span>
        ) : null}
      </td>
      <td class="last-run">
        {lastRun ? (
          <a href={`/admin/runs/${lastRun.id}`}>
            {formatDateTime(t, lastRun.created_at)} <RunStatusBadge t={t} status={lastRun.status} />
            <br />
            <span class="counts">{countsSummary(t, runCountsOf(lastRun))}</span>
          </a>
        ) : (
          t.setups.never
        )}
      </td>
      <td class="next-run">{overview.nextRunAt ? formatDateTime(t, overview.nextRunAt) : t.setups.notScheduled}</td>
      <td class="actions">
        <PostButton page={page} action={`${base}/run`} label={t.setups.runNow} kind="primary" />
        <PostButton page={page} action={`${base}/preview`} label={t.setups.preview} />
        {setup.status === 'active' ? (
          <PostButton page={page} action={`${base}/pause`} label={t.setups.pause} />
        ) : (
          <PostButton page={page} action={`${base}/resume`} label={t.setups.resume} />
        )}
        <a class="button" href={`${base}/edit`}>
          {t.common.edit}
        </a>
        <a class="button" href={`${base}/runs`}>
          {t.setups.runs}
        </a>
        <PostButton page={page} action={`${base}/delete`} label={t.common.delete} kind="danger" />
      </td>
    </tr>
  );
}

/** The company's customer types and a form to add one (a setup needs one to put its users in). */
function CustomerTypes({
  page,
  customerTypes,
  form,
}: {
  page: PageContext;
  customerTypes: CustomerType[];
  form: CustomerTypeForm;
}) {
  const { t } = page;
  return (
    <section id="customer-types">
      <h2>{t.customerTypes.title}</h2>
      <p class="intro">{t.customerTypes.intro}</p>
      {customerTypes.length === 0 ? (
        <p class="empty">{t.customerTypes.empty}</p>
      ) : (
        <ul id="customer-type-list">
          {customerTypes.map((type) => (
            <li>{type.name}</li>
          ))}
        </ul>
      )}
      <form method="post" action="/admin/customer-types" class="customer-type-form" novalidate>
        <CsrfField page={page} />
        <TextField name="name" label={t.customerTypes.name} value={form.name} errors={form.errors} required />
        <button type="submit" id="add-customer-type">
          {t.customerTypes.add}
        </button>
      </form>
    </section>
  );
}

/** What the customer type form shows: what was typed and why it was refused (empty when nothing was posted). */
export interface CustomerTypeForm {
  name: string;
  errors: FieldErrors;
}

export function SetupsPage({
  page,
  overviews,
  customerTypes,
  hasConnection,
  notice,
  customerTypeForm = { name: '', errors: {} },
}: {
  page: PageContext;
  overviews: SetupOverview[];
  customerTypes: CustomerType[];
  /** Whether the company has a connected tenant a setup can use. */
  hasConnection: boolean;
  notice?: { kind: 'success' | 'error' | 'info'; text: string };
  customerTypeForm?: CustomerTypeForm;
}) {
  const { t } = page;
  const hasCustomerType = customerTypes.length > 0;
  return (
    <Layout page={page} title={t.nav.setup} tab="setup">
      <div class="heading">
        <h1>{t.setups.title}</h1>
        {hasConnection && hasCustomerType ? (
          <a class="button primary" href="/admin/setup/new" id="create-setup">
            {t.common.create}
          </a>
        ) : null}
      </div>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <p class="intro">{t.setups.intro}</p>
      {!hasConnection ? <Notice kind="info">{t.setups.needConnection}</Notice> : null}
      {hasConnection && !hasCustomerType ? <Notice kind="info">{t.setups.needCustomerType}</Notice> : null}
      <Table
        id="setups"
        headers={[
          t.common.designation,
          t.setups.group,
          t.setups.customerType,
          t.setups.options,
          t.setups.schedule,
          t.setups.lastRun,
          t.setups.nextRun,
          t.common.actions,
        ]}
        empty={t.setups.empty}
        rows={overviews.map((overview) => (
          <SetupRow page={page} overview={overview} />
        ))}
      />
      <CustomerTypes page={page} customerTypes={customerTypes} form={customerTypeForm} />
    </Layout>
  );
}
