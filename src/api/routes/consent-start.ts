import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { describeConsentAttempt } from '../../connections/service.js';
import { messagesFor, negotiateLanguage, type Lang } from '../admin/i18n/language.js';
import type { App, AppEnv } from '../context.js';
import { consentConfirmPage } from '../pages/consent-confirm.js';
import { messagePage } from '../pages/message-page.js';
import { shownReason } from '../admin/stored-reason.js';

const route = createRoute({
  method: 'get',
  path: '/consent/start',
  tags: ['consent'],
  summary: 'Our confirm page before Microsoft: which tenant is connected to which company (public, by state)',
  description:
    'The `consentUrl` of a connection. Shows "Connect Microsoft Entra tenant … to … in this product?" with a link to Microsoft’s admin-consent page; an unknown, used or expired state answers 400.',
  request: { query: z.object({ state: z.string().optional(), lang: z.enum(['en', 'da']).optional() }) },
  responses: {
    200: { description: 'the confirm page', content: { 'text/html': { schema: z.string() } } },
    400: { description: 'a page saying why the link is not valid', content: { 'text/html': { schema: z.string() } } },
  },
});

/** The page language: `?lang=`, else the browser's Accept-Language. */
export function consentLanguage(c: Context<AppEnv>): Lang {
  const asked = c.req.query('lang');
  return asked === 'da' || asked === 'en' ? asked : negotiateLanguage(c.req.header('accept-language'));
}

export function registerConsentStart(app: App): void {
  app.openapi(route, async (c) => {
    const deps = c.get('deps');
    const lang = consentLanguage(c);
    const t = messagesFor(lang);
    const adminPage = `${deps.config.publicBaseUrl}/admin/system`;
    const attempt = await describeConsentAttempt(deps, c.req.valid('query').state);
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    // a page that leads to granting access must not be framed (clickjacking)
    c.header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
    );
    c.header('X-Frame-Options', 'DENY');
    if (!attempt.ok) {
      return c.html(
        messagePage(t.consentFlow.refusedTitle, shownReason(t, attempt.reason, attempt.detail), {
          href: adminPage,
          text: t.consentFlow.back,
        }),
        400,
      );
    }
    const tenant = attempt.connection.organization_name
      ? `${attempt.connection.organization_name} (${attempt.connection.tenant_id})`
      : attempt.connection.tenant_id;
    const state = c.req.valid('query').state ?? '';
    return c.html(
      consentConfirmPage({
        t,
        lang,
        tenant,
        company: attempt.companyName,
        microsoftUrl: attempt.microsoftUrl,
        cancelUrl: adminPage,
        state,
      }),
      200,
    );
  });
}
