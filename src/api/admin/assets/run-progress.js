// Live progress of an active run on /admin/runs/:id. Polls the run's progress JSON once a second and rewrites
// the phase, the detail and the bar in place; when the run's status changes (finished, waiting for approval,
// running again after a decision) it reloads the page, which then shows the outcome and the changes.
(() => {
  const section = document.getElementById('run-progress');
  if (!section || section.dataset.active !== 'true') return;
  const url = section.dataset.progressUrl;
  const shownStatus = section.dataset.status;
  const field = (name) => section.querySelector(`[data-field="${name}"]`);

  function reloadWithoutNotice() {
    const next = new URL(window.location.href);
    next.searchParams.delete('notice');
    window.location.replace(next.toString());
  }

  function show(progress) {
    field('phase').textContent = progress.phase;
    field('detail').textContent = progress.detail;
    const retrying = field('retrying');
    if (retrying) {
      retrying.textContent = progress.retrying ?? '';
      retrying.hidden = !progress.retrying;
    }
    const bar = field('bar');
    if (progress.max !== null) {
      bar.max = progress.max;
      bar.value = progress.value ?? 0;
    } else {
      bar.removeAttribute('value');
    }
  }

  async function poll() {
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (response.ok) {
        const progress = await response.json();
        if (progress.status !== shownStatus) return reloadWithoutNotice();
        show(progress);
      }
    } catch {
      // a missed poll (network, restart) is retried on the next tick
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 1000);
})();
