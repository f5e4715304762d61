import type { ProgressView } from '../data/run-progress.js';
import type { Messages } from '../i18n/en.js';

/**
 * The progress of an active run. /admin/assets/run-progress.js polls `progressUrl` and rewrites the
 * data-field elements in place; when the status changes it reloads the page to show the outcome.
 */
export function RunProgress({
  t,
  progress,
  progressUrl,
}: {
  t: Messages;
  progress: ProgressView;
  progressUrl: string;
}) {
  return (
    <section
      id="run-progress"
      class="progress"
      data-progress-url={progressUrl}
      data-status={progress.status}
      data-active={progress.active ? 'true' : 'false'}
    >
      <h2>{t.run.progress}</h2>
      <p>
        <strong data-field="phase">{progress.phase}</strong>: <span data-field="detail">{progress.detail}</span>
      </p>
      <p class="notice notice-info" data-field="retrying" id="run-retrying" hidden={progress.retrying === null}>
        {progress.retrying ?? ''}
      </p>
      {progress.max !== null ? (
        <progress data-field="bar" value={progress.value ?? 0} max={progress.max} />
      ) : (
        <progress data-field="bar" />
      )}
    </section>
  );
}
