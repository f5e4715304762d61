import type { App } from '../../../src/api/context.js';
import type { onboardCompany } from '../../support/stack.js';

/** A company made by onboardCompany: its id, API key and customer type. */
export type Company = Awaited<ReturnType<typeof onboardCompany>>;

/**
 * A browser stand-in for the in-process app: keeps cookies, reads the CSRF token from each page, and posts
 * forms the way a browser does (urlencoded, redirects not followed so tests can check them).
 */
export class AdminClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(
    private readonly app: App,
    private readonly headers: Record<string, string> = {},
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (!value || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, path: string, form?: Record<string, string>): Promise<Response> {
    const response = await this.app.request(path, {
      method,
      headers: {
        ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...this.headers,
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    this.remember(response);
    return response;
  }

  /** A page's status and HTML; its CSRF token becomes the one the next post sends. */
  async page(path: string): Promise<{ status: number; html: string; response: Response }> {
    const response = await this.request('GET', path);
    const html = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, html, response };
  }

  /** Posts a form with the session's CSRF token (or `csrf: null` for none, or a given wrong one). */
  post(path: string, fields: Record<string, string> = {}, options: { csrf?: string | null } = {}): Promise<Response> {
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    return this.request('POST', path, csrf === null ? fields : { ...fields, _csrf: csrf });
  }

  async signIn(apiKey: string): Promise<Response> {
    await this.page('/admin/sign-in');
    const response = await this.post('/admin/sign-in', { apiKey, next: '/admin/system' });
    await this.page('/admin/system');
    return response;
  }
}

/** The text of an HTML fragment without tags, whitespace collapsed, for readable assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
