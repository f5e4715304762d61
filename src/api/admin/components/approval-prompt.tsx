import type { SyncRun, SyncSetup } from '../../../db/schema.js';
import type { PendingRemoval } from '../data/pending-removals.js';
import type { PageContext } from './layout.js';
import { PostButton } from './post-button.js';

/** A run held by the deletion guard: how many would go, who, and the two decisions. */
export function ApprovalPrompt({
  page,
  run,
  setup,
  removals,
}: {
  page: PageContext;
  run: SyncRun;
  setup: SyncSetup;
  removals: PendingRemoval[];
}) {
  const { t } = page;
  const total = Number((run.progress as { removals?: number }).removals ?? removals.length);
  return (
    <section class="approval" id="approval">
      <h2>{t.run.approvalTitle}</h2>
      <p>{t.run.approvalText(total, setup.deletion_threshold_count, setup.deletion_threshold_percent)}</p>
      <h3>{t.run.whoTitle}</h3>
      <ul id="pending-removals">
        {removals.map((r) => (
          <li>
            {r.name}
            {r.email ? <span class="email"> &lt;{r.email}&gt;</span> : null} —{' '}
            {r.action === 'delete' ? t.run.willDelete : t.run.willDeactivate}
          </li>
        ))}
        {total > removals.length ? <li class="more">{t.run.andMore(total - removals.length)}</li> : null}
      </ul>
      <div class="buttons">
        <PostButton
          page={page}
          action={`/admin/runs/${run.id}/approve`}
          label={t.run.approve}
          id="approve-removals"
          kind="danger"
        />
        <PostButton page={page} action={`/admin/runs/${run.id}/reject`} label={t.run.reject} id="reject-removals" />
      </div>
    </section>
  );
}
