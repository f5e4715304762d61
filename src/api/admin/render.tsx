import type { Context } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Layout, type PageContext } from './components/layout.js';
import { Notice } from './components/notice.js';
import type { AdminEnv } from './env.js';
import { messagesFor } from './i18n/language.js';

/** What every page component needs from the request: language, CSRF token, who is signed in, the URL. */
export function pageContext(c: Context<AdminEnv>): PageContext {
  const company = c.get('company') as AdminEnv['Variables']['company'] | undefined;
  // An error page may be rendered before the language was chosen: English then.
  return {
    t: c.get('t') ?? messagesFor('en'),
    lang: c.get('lang') ?? 'en',
    csrfToken: c.get('csrfToken'),
    company: company ? { name: company.name, moduleEnabled: company.directory_sync_enabled } : undefined,
    url: new URL(c.req.url),
  };
}

/** A page as HTML; pages are per user and change with every run, so never cached. */
export function render(c: Context<AdminEnv>, node: unknown, status: ContentfulStatusCode = 200) {
  c.header('Cache-Control', 'no-store');
  return c.html(html`<!doctype html>${node}`, status);
}

/** A page with a title and one message (errors, refusals, the module switched off). */
export function renderMessage(c: Context<AdminEnv>, status: ContentfulStatusCode, title: string, message: string) {
  const page = pageContext(c);
  return render(
    c,
    <Layout page={page} title={title}>
      <h1>{title}</h1>
      <Notice kind="error">{message}</Notice>
    </Layout>,
    status,
  );
}

/** After a form: back to a page (303, so reloading it does not post again), with a notice key to show there. */
export function redirectTo(c: Context<AdminEnv>, path: string, params: Record<string, string> = {}) {
  const query = new URLSearchParams(params).toString();
  return c.redirect(query ? `${path}?${query}` : path, 303);
}
