import type { SyncChange } from '../../../db/schema.js';
import { isReason } from '../../../sync/reasons.js';
import { shownReason } from '../stored-reason.js';
import { changeActions } from '../../schemas/run.js';
import type { RunChangesPage } from '../data/run-changes.js';
import type { Messages } from '../i18n/en.js';
import { Pager } from './pager.js';
import { Table } from './table.js';

type Fields = Record<string, unknown> | null;

function shown(value: unknown, t: Messages): string {
  if (value === null || value === undefined || value === '') return t.common.none;
  if (typeof value === 'boolean') return value ? t.common.yes : t.common.no;
  return String(value);
}

/** Who a change is about: the name and email it had after the change, or before it for a removal. */
function Subject({ change, t }: { change: SyncChange; t: Messages }) {
  const after = change.after as Fields;
  const before = change.before as Fields;
  // A skip or conflict writes nothing: its coded reason carries the member's name and address.
  const subject = isReason(change.reason_detail) ? change.reason_detail.params : {};
  const name = after?.displayName ?? before?.displayName ?? subject.memberName ?? change.external_id;
  const email = after?.email ?? before?.email ?? subject.memberEmail;
  return (
    <>
      {shown(name, t)}
      {email ? (
        <>
          <br />
          <span class="email">{String(email)}</span>
        </>
      ) : null}
    </>
  );
}

/** A change's reason in the page's language, with the customer type's name where the reason holds its id. */
function reasonShown(change: SyncChange, t: Messages, names: RunChangesPage['names']): string {
  return shownReason(t, change.reason, change.reason_detail, (param, value) =>
    param === 'customerTypeId' ? (names.customerTypes.get(value) ?? value) : value,
  );
}

/** Field by field what an update (or adoption, deactivation) changed: "Job title: Engineer → CTO". */
function BeforeAfter({ change, t }: { change: SyncChange; t: Messages }) {
  if (!['update', 'adopt', 'deactivate'].includes(change.action)) return null;
  const before = (change.before as Fields) ?? {};
  const after = (change.after as Fields) ?? {};
  return (
    <ul class="diff">
      {Object.keys(after).map((field) => (
        <li data-field={field}>
          {`${t.fields[field] ?? field}: `}
          <del>{shown(before[field], t)}</del> → <ins>{shown(after[field], t)}</ins>
        </li>
      ))}
    </ul>
  );
}

/** The filter by action (with counts), the page of changes and the pager. */
export function ChangeList({ t, runId, changes }: { t: Messages; runId: string; changes: RunChangesPage }) {
  const base = `/admin/runs/${runId}`;
  const allCount = Object.values(changes.byAction).reduce((a, b) => a + (b ?? 0), 0);
  const filterHref = (action?: string, page = 1) => {
    const params = new URLSearchParams();
    if (action) params.set('action', action);
    if (page > 1) params.set('page', String(page));
    const query = params.toString();
    return query ? `${base}?${query}` : base;
  };
  return (
    <>
      <nav class="filter" id="change-filter">
        <a href={filterHref()} class={changes.action ? '' : 'current'} data-action="all">
          {`${t.run.all} (${allCount})`}
        </a>
        {changeActions
          .filter((action) => (changes.byAction[action] ?? 0) > 0)
          .map((action) => (
            <a href={filterHref(action)} class={changes.action === action ? 'current' : ''} data-action={action}>
              {`${t.run.actions[action]} (${changes.byAction[action]})`}
            </a>
          ))}
      </nav>
      <Table
        id="changes"
        headers={[t.run.action, t.run.user, t.run.details, t.common.reason]}
        empty={t.run.noChanges}
        rows={changes.rows.map((change) => (
          <tr data-action={change.action}>
            <td>
              <span class={`badge badge-${change.action}`}>{t.run.actions[change.action]}</span>
            </td>
            <td>
              <Subject change={change} t={t} />
            </td>
            <td>
              <BeforeAfter change={change} t={t} />
            </td>
            <td class="reason">{reasonShown(change, t, changes.names)}</td>
          </tr>
        ))}
      />
      <Pager t={t} page={changes.page} total={changes.total} hrefFor={(p) => filterHref(changes.action, p)} />
    </>
  );
}
