import type { Hono } from 'hono';
import { setupChoices } from '../data/setup-choices.js';
import { newSetupValues } from '../data/setup-form-input.js';
import type { AdminEnv } from '../env.js';
import { renderSetupForm, submitSetupForm } from './setup-form-submit.js';

/** Create (Opret) a setup: the seed's fields plus interval and deletion-guard thresholds. */
export function registerSetupCreate(admin: Hono<AdminEnv>): void {
  admin.get('/setup/new', async (c) => {
    const choices = await setupChoices(c);
    // The Setup tab says what is missing (a connected tenant, a customer type).
    if (choices.connections.length === 0 || choices.customerTypes.length === 0) return c.redirect('/admin/setup', 303);
    return renderSetupForm(
      c,
      newSetupValues({ connectionId: choices.connections[0]?.value, customerTypeId: choices.customerTypes[0]?.value }),
    );
  });
  admin.post('/setup', (c) => submitSetupForm(c));
}
