import type { RunStatus } from '../../../db/schema.js';
import type { Messages } from '../i18n/en.js';

export function RunStatusBadge({ t, status, id }: { t: Messages; status: RunStatus; id?: string }) {
  return (
    <span class={`badge badge-${status}`} id={id} data-status={status}>
      {t.runs.status[status]}
    </span>
  );
}
