import type { Hono } from 'hono';
import { setupChoices } from '../data/setup-choices.js';
import { newSetupValues } from '../data/setup-form-input.js';
import type { AdminEnv } from '../env.js';
import { renderSetupForm, submitSetupForm } from './setup-form-submit.js';

/** Create (Opret) a setup: the seed's fields plus interval and deletion-guard thresholds. */
export function registerSetupCreate(admin: Hono<AdminEnv>): void {
  admin.get('/setup/new', async (c) => {
    const choices = await setupChoices(c);
    return renderSetupForm(c, newSetupValues({ connectionId: choices.connections[0]?.id, customerTypeId: choices.customerTypes[0]?.id }));
  });
  admin.post('/setup', (c) => submitSetupForm(c));
}
