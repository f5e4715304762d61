import type { Hono } from 'hono';
import { ownRun } from '../data/own-records.js';
import { progressView } from '../data/run-progress.js';
import type { AdminEnv } from '../env.js';

/** The run's progress as JSON, in the page's language, for the run page's live progress script. */
export function registerRunProgress(admin: Hono<AdminEnv>): void {
  admin.get('/runs/:id/progress', async (c) => {
    const run = await ownRun(c, c.req.param('id'));
    c.header('Cache-Control', 'no-store');
    return c.json(progressView(c.get('t'), run));
  });
}
