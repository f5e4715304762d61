import type { Hono } from 'hono';
import { ownSetup } from '../data/own-records.js';
import { setupValues } from '../data/setup-form-input.js';
import type { AdminEnv } from '../env.js';
import { renderSetupForm, submitSetupForm } from './setup-form-submit.js';

/** Edit a setup: the same form, filled in; its schedule follows the saved interval and status. */
export function registerSetupEdit(admin: Hono<AdminEnv>): void {
  admin.get('/setup/:id/edit', async (c) => {
    const setup = await ownSetup(c, c.req.param('id'));
    return renderSetupForm(c, setupValues(setup), setup.id);
  });
  admin.post('/setup/:id/edit', async (c) => submitSetupForm(c, await ownSetup(c, c.req.param('id'))));
}
