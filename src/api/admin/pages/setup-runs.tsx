import type { SyncRun, SyncSetup } from '../../../db/schema.js';
import { Layout, type PageContext } from '../components/layout.js';
import { Pager } from '../components/pager.js';
import { RunStatusBadge } from '../components/run-status.js';
import { Table } from '../components/table.js';
import { setupName } from '../data/setup-overview.js';
import { countsSummary, formatDateTime, runCountsOf, runDuration } from '../format.js';

/** A setup's run history, newest first: mode, trigger, counts, duration and status of each run. */
export function SetupRunsPage({
  page,
  setup,
  runs,
  total,
  current,
}: {
  page: PageContext;
  setup: SyncSetup;
  runs: SyncRun[];
  total: number;
  current: number;
}) {
  const { t } = page;
  const title = t.runs.historyTitle(setupName(setup));
  return (
    <Layout page={page} title={title} tab="setup">
      <h1>{title}</h1>
      <p>
        <a href="/admin/setup">{t.common.back}</a>
      </p>
      <Table
        id="runs"
        headers={[t.runs.started, t.runs.mode, t.runs.trigger, t.runs.counts, t.runs.duration, t.common.status]}
        empty={t.runs.empty}
        rows={runs.map((run) => (
          <tr id={`run-${run.id}`}>
            <td>
              <a href={`/admin/runs/${run.id}`}>{formatDateTime(t, run.started_at ?? run.created_at)}</a>
            </td>
            <td>
              {t.runs.modes[run.mode]}
              {run.dry_run ? <span class="tag"> {t.runs.preview}</span> : null}
            </td>
            <td>{t.runs.triggers[run.trigger]}</td>
            <td class="counts">{countsSummary(t, runCountsOf(run))}</td>
            <td>{runDuration(t, run)}</td>
            <td>
              <RunStatusBadge t={t} status={run.status} />
            </td>
          </tr>
        ))}
      />
      <Pager t={t} page={current} total={total} hrefFor={(p) => `/admin/setup/${setup.id}/runs?page=${p}`} />
    </Layout>
  );
}
