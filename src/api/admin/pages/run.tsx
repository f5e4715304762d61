import type { SyncRun, SyncSetup } from '../../../db/schema.js';
import { ApprovalPrompt } from '../components/approval-prompt.js';
import { ChangeList } from '../components/change-list.js';
import { Layout, type PageContext } from '../components/layout.js';
import { Notice } from '../components/notice.js';
import { RunProgress } from '../components/run-progress.js';
import { RunStatusBadge } from '../components/run-status.js';
import type { PendingRemoval } from '../data/pending-removals.js';
import type { RunChangesPage } from '../data/run-changes.js';
import { progressView } from '../data/run-progress.js';
import { setupName } from '../data/setup-overview.js';
import { countsSummary, formatDateTime, runCountsOf, runDuration } from '../format.js';
import { shownReason } from '../stored-reason.js';

export interface RunPageProps {
  page: PageContext;
  run: SyncRun;
  setup: SyncSetup | undefined;
  changes: RunChangesPage;
  removals: PendingRemoval[] | undefined;
  notice?: { kind: 'success' | 'error' | 'info'; text: string };
}

function Facts({ page, run, setup }: Pick<RunPageProps, 'page' | 'run' | 'setup'>) {
  const { t } = page;
  // Why a run read the whole group rather than the delta (the engine's words).
  const fullReason = run.mode === 'full' ? (run.progress as { fullReason?: string }).fullReason : undefined;
  return (
    <dl class="facts">
      <dt>{t.run.setup}</dt>
      <dd>{setup ? <a href={`/admin/setup/${setup.id}/runs`}>{setupName(setup)}</a> : t.common.none}</dd>
      <dt>{t.common.status}</dt>
      <dd>
        <RunStatusBadge t={t} status={run.status} id="run-status" />
      </dd>
      <dt>{t.runs.mode}</dt>
      <dd>
        {t.runs.modes[run.mode]}
        {run.dry_run ? <span class="tag"> {t.runs.preview}</span> : null}
        {fullReason ? <span class="tag"> ({fullReason})</span> : null}
      </dd>
      <dt>{t.runs.trigger}</dt>
      <dd>{t.runs.triggers[run.trigger]}</dd>
      <dt>{t.runs.started}</dt>
      <dd>{formatDateTime(t, run.started_at ?? run.created_at)}</dd>
      <dt>{t.run.finished}</dt>
      <dd>{formatDateTime(t, run.finished_at)}</dd>
      <dt>{t.runs.duration}</dt>
      <dd>{runDuration(t, run)}</dd>
      <dt>{t.runs.counts}</dt>
      <dd id="run-counts">{countsSummary(t, runCountsOf(run))}</dd>
    </dl>
  );
}

/** The progress script; without JavaScript the page simply reloads every few seconds while the run is active. */
function LiveProgressHead() {
  return (
    <>
      <script src="/admin/assets/run-progress.js" defer />
      <noscript>
        <meta http-equiv="refresh" content="5" />
      </noscript>
    </>
  );
}

/** One run: its facts, live progress while active, the approval prompt when held, and its changes. */
export function RunPage({ page, run, setup, changes, removals, notice }: RunPageProps) {
  const { t } = page;
  const progress = progressView(t, run);
  const title = `${t.run.title} ${formatDateTime(t, run.started_at ?? run.created_at)}`;
  return (
    <Layout page={page} title={title} tab="setup" head={progress.active ? <LiveProgressHead /> : null}>
      <h1>{title}</h1>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      {run.dry_run ? <Notice kind="info">{t.run.previewBanner}</Notice> : null}
      <Facts page={page} run={run} setup={setup} />
      {run.error ? (
        <p class="notice notice-error" id="run-error">
          {`${t.run.error}: ${shownReason(t, run.error, run.error_detail)}`}
        </p>
      ) : null}
      {progress.active ? (
        <RunProgress t={t} progress={progress} progressUrl={`/admin/runs/${run.id}/progress`} />
      ) : null}
      {run.status === 'awaiting_approval' && setup && removals ? (
        <ApprovalPrompt page={page} run={run} setup={setup} removals={removals} />
      ) : null}
      <h2>{run.dry_run ? t.run.plannedChanges : t.run.changes}</h2>
      <ChangeList t={t} runId={run.id} changes={changes} />
    </Layout>
  );
}
