import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  acceptConsentCallback,
  acceptSignInCallback,
  awaitOnboardingOutcome,
  type CallbackResult,
} from '../../connections/service.js';
import { messagesFor } from '../admin/i18n/language.js';
import type { App, AppEnv } from '../context.js';
import { messagePage } from '../pages/message-page.js';
import { consentLanguage } from './consent-start.js';
import { shownReason } from '../admin/stored-reason.js';

const ConsentQuery = z.object({
  state: z.string().optional(),
  admin_consent: z.string().optional(),
  tenant: z.string().optional(),
  scope: z.string().optional(),
  error: z.string().optional(),
  error_subcode: z.string().optional(),
  error_description: z.string().optional(),
  error_uri: z.string().optional(),
});

const SignInQuery = z.object({
  state: z.string().optional(),
  code: z.string().optional(),
  session_state: z.string().optional(),
  client_info: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
  error_uri: z.string().optional(),
});

const refusedPage = {
  description: 'a page saying why the response was refused',
  content: { 'text/html': { schema: z.string() } },
};

const consentRoute = createRoute({
  method: 'get',
  path: '/consent/callback',
  tags: ['consent'],
  summary: "Microsoft's admin-consent redirect (a registered redirect URI of the app; public)",
  description:
    'Validates the one-time `state`; an unknown, reused or expired state, or a tenant other than the requested one, answers 400 and changes nothing. `admin_consent=True` proves nothing by itself: it redirects to the OpenID Connect sign-in (authorization code + PKCE) of the person who consented; a denial ends the attempt.',
  request: { query: ConsentQuery },
  responses: {
    302: { description: "to Microsoft's sign-in, or (denied) to the admin page with `notice=consent_denied`" },
    400: refusedPage,
  },
});

const signInRoute = createRoute({
  method: 'get',
  path: '/consent/signin',
  tags: ['consent'],
  summary: "Microsoft's sign-in redirect after admin consent (a registered redirect URI of the app; public)",
  description:
    'Redeems the authorization code (PKCE), validates the ID token (signature by the tenant’s JWKS, issuer, audience, nonce, expiry, tenant) and the signed-in user’s admin role, then lets the onboarding verify the tenant. A non-admin or another tenant is refused with the reason.',
  request: { query: SignInQuery },
  responses: {
    302: {
      description:
        'to the admin page, with `notice` (connection_established, connection_failed, consent_denied, connection_verifying)',
    },
    400: refusedPage,
  },
});

/** How long the callback waits for verification, so the admin lands on the outcome rather than "verifying". */
const outcomeWaitMs = 20_000;

async function answer(c: Context<AppEnv>, result: CallbackResult): Promise<Response> {
  const deps = c.get('deps');
  const adminPage = `${deps.config.publicBaseUrl}/admin/system`;
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  if (!result.ok) {
    deps.logger.warn({ requestId: c.get('requestId'), reason: result.reason }, 'consent callback refused');
    const t = messagesFor(consentLanguage(c));
    return c.html(
      messagePage(t.consentFlow.refusedTitle, shownReason(t, result.reason, result.detail), {
        href: adminPage,
        text: t.consentFlow.back,
      }),
      400,
    );
  }
  if ('signInUrl' in result) return c.redirect(result.signInUrl, 302);
  const { decision } = result;
  const outcome =
    decision.granted || decision.status === 'failed'
      ? await awaitOnboardingOutcome(deps, result.connectionId, outcomeWaitMs)
      : undefined;
  const notice = !decision.granted
    ? decision.status === 'failed'
      ? 'connection_failed'
      : 'consent_denied'
    : !outcome
      ? 'connection_verifying'
      : outcome.status === 'connected'
        ? 'connection_established'
        : 'connection_failed';
  const target = new URL(adminPage);
  target.searchParams.set('notice', notice);
  target.searchParams.set('connection', result.connectionId);
  return c.redirect(target.toString(), 302);
}

export function registerConsentCallback(app: App): void {
  app.openapi(
    consentRoute,
    async (c) => answer(c, await acceptConsentCallback(c.get('deps'), c.req.valid('query'))) as never,
  );
  app.openapi(
    signInRoute,
    async (c) => answer(c, await acceptSignInCallback(c.get('deps'), c.req.valid('query'))) as never,
  );
}
