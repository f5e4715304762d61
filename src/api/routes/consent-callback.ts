import { createRoute, z } from '@hono/zod-openapi';
import { acceptConsentCallback, awaitOnboardingOutcome } from '../../connections/service.js';
import type { App } from '../context.js';
import { messagePage } from '../pages/message-page.js';

const Query = z.object({
  state: z.string().optional(),
  admin_consent: z.string().optional(),
  tenant: z.string().optional(),
  scope: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

const route = createRoute({
  method: 'get',
  path: '/consent/callback',
  tags: ['consent'],
  summary: "Microsoft's admin-consent redirect (the app's registered redirect URI; public)",
  description:
    'Validates the one-time `state`; an unknown, reused or expired state, or a tenant other than the requested one, answers 400 and changes nothing. Otherwise signals the onboarding workflow and redirects to the admin page with a notice.',
  request: { query: Query },
  responses: {
    302: { description: 'to the admin page, with `notice` (connection_established, connection_failed, consent_denied, connection_verifying)' },
    400: { description: 'a page saying why the response was refused', content: { 'text/html': { schema: z.string() } } },
  },
});

/** How long the callback waits for verification, so the admin lands on the outcome rather than "verifying". */
const outcomeWaitMs = 20_000;

export function registerConsentCallback(app: App): void {
  app.openapi(route, async (c) => {
    const deps = c.get('deps');
    const result = await acceptConsentCallback(deps, c.req.valid('query'));
    const adminPage = `${deps.config.publicBaseUrl}/admin/system`;
    if (!result.ok) {
      deps.logger.warn({ requestId: c.get('requestId'), reason: result.reason }, 'consent callback refused');
      return c.html(messagePage('The connection could not be completed', result.reason, { href: adminPage, text: 'Back to Active Directory settings' }), 400);
    }
    const outcome = result.decision.granted ? await awaitOnboardingOutcome(deps, result.connectionId, outcomeWaitMs) : undefined;
    const notice = !result.decision.granted
      ? 'consent_denied'
      : !outcome
        ? 'connection_verifying'
        : outcome.status === 'connected'
          ? 'connection_established'
          : 'connection_failed';
    const target = new URL(adminPage);
    target.searchParams.set('notice', notice);
    target.searchParams.set('connection', result.connectionId);
    return c.redirect(target.toString(), 302);
  });
}
