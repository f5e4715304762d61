import type { Context, Hono } from 'hono';
import type { AppRegistration } from './apps.js';
import { aadsts, type AadstsError } from './entra-errors.js';
import type { GraphEnv } from './graph-api.js';
import type { SimulatorRuntime } from './runtime.js';
import type { Tenant } from './tenant.js';

interface ConsentRequest {
  tenant: Tenant;
  app: AppRegistration;
  redirectUri: string;
  state: string | undefined;
  /** The v2.0 endpoint also returns the granted scope. */
  v2: boolean;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
/** `common` and `organizations` mean "the signed-in admin's tenant": here the chosen one, or the demo tenant. */
const multiTenantAliases = new Set(['common', 'organizations']);

function errorPage(c: Context<GraphEnv>, failure: AadstsError): Response {
  return c.html(
    `<!doctype html><html><head><meta charset="utf-8"><title>Sign in to your account</title></head><body>` +
      `<h1>Sorry, but we're having trouble signing you in.</h1><p id="error">AADSTS${failure.code}: ${escapeHtml(failure.description)}</p></body></html>`,
    failure.status,
  );
}

function redirectUriAllowed(app: AppRegistration, uri: string): boolean {
  return app.redirectUris === 'any' ? /^https?:\/\/[^\s]+$/i.test(uri) : app.redirectUris.includes(uri);
}

function backTo(request: ConsentRequest, params: Record<string, string | undefined>): string {
  const url = new URL(request.redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * The admin-consent endpoint (`/{tenant}/adminconsent`, also under `/v2.0/`). The tenant's consent mode
 * decides: `grant` and `deny` redirect straight back as Entra does after the admin's click; `interactive`
 * shows a page whose Accept / Cancel buttons POST the decision. Accepting records consent for the app.
 */
export function registerAdminConsent(app: Hono<GraphEnv>, runtime: SimulatorRuntime): void {
  const read = (c: Context<GraphEnv>, fields: Record<string, string | undefined>): ConsentRequest | Response => {
    const world = runtime.world;
    const tenantRef = c.req.param('tenant') as string;
    const chosen = multiTenantAliases.has(tenantRef.toLowerCase())
      ? (fields.tenant ?? runtime.demo.tenantId)
      : tenantRef;
    const tenant = world.directory.resolve(chosen);
    if (!tenant) return errorPage(c, aadsts.tenantNotFound(chosen));
    if (!fields.client_id) return errorPage(c, aadsts.missingParameter('client_id'));
    const registered = world.apps.find(fields.client_id);
    if (!registered) return errorPage(c, aadsts.appNotFound(fields.client_id, tenant.displayName));
    if (!fields.redirect_uri || !redirectUriAllowed(registered, fields.redirect_uri)) {
      return errorPage(c, aadsts.redirectMismatch(fields.redirect_uri ?? '', registered.clientId));
    }
    return {
      tenant,
      app: registered,
      redirectUri: fields.redirect_uri,
      state: fields.state,
      v2: c.req.path.toLowerCase().includes('/v2.0/'),
    };
  };

  const decide = (c: Context<GraphEnv>, request: ConsentRequest, accepted: boolean): Response => {
    if (accepted) {
      runtime.world.apps.grantConsent(request.tenant.id, request.app.clientId);
      return c.redirect(
        backTo(request, {
          admin_consent: 'True',
          tenant: request.tenant.id,
          state: request.state,
          scope: request.v2 ? 'https://graph.microsoft.com/.default' : undefined,
        }),
        302,
      );
    }
    // Entra's answer to Cancel carries admin_consent=True next to the error, and no tenant: a client must read `error` first.
    const declined = aadsts.consentDeclined();
    return c.redirect(
      backTo(request, {
        error: declined.error,
        error_subcode: 'cancel',
        error_description: `AADSTS${declined.code}: ${declined.description}`,
        error_uri: `${new URL(c.req.url).origin}/error?code=${declined.code}`,
        admin_consent: 'True',
        state: request.state,
      }),
      302,
    );
  };

  const onGet = (c: Context<GraphEnv>): Response => {
    const request = read(c, c.req.query());
    if (request instanceof Response) return request;
    const mode = runtime.world.apps.consentMode(request.tenant.id);
    if (mode !== 'interactive') return decide(c, request, mode === 'grant');
    return c.html(consentPage(runtime, c.req.param('tenant') as string, request));
  };

  const onPost = async (c: Context<GraphEnv>): Promise<Response> => {
    const form = await c.req.parseBody();
    const fields = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as Record<
      string,
      string
    >;
    const request = read(c, fields);
    if (request instanceof Response) return request;
    return decide(c, request, fields.decision === 'accept');
  };

  for (const path of ['/:tenant/adminconsent', '/:tenant/v2.0/adminconsent']) {
    app.get(path, onGet);
    app.post(path, onPost);
  }
}

function consentPage(runtime: SimulatorRuntime, tenantRef: string, request: ConsentRequest): string {
  const hidden = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const tenantChoice = multiTenantAliases.has(tenantRef.toLowerCase())
    ? `<p><label>Organization <select name="tenant">${runtime.world.directory
        .list()
        .map(
          (t) =>
            `<option value="${t.id}"${t.id === request.tenant.id ? ' selected' : ''}>${escapeHtml(t.displayName)}</option>`,
        )
        .join('')}</select></label></p>`
    : '';
  const permissions = request.app.permissions.map((p) => `<li>${escapeHtml(p)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Permissions requested</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1.5rem;margin-right:.5rem}</style></head>
<body>
<p>Entra ID simulator · ${escapeHtml(request.tenant.displayName)}</p>
<h1>Permissions requested</h1>
<p><strong id="app-name">${escapeHtml(request.app.displayName)}</strong> wants to:</p>
<ul id="permissions">${permissions}</ul>
<p>Accepting grants these permissions for everyone in <span id="tenant-name">${escapeHtml(request.tenant.displayName)}</span>.</p>
<form method="post" id="consent-form">
${hidden('client_id', request.app.clientId)}${hidden('redirect_uri', request.redirectUri)}${hidden('state', request.state)}${tenantChoice}
<button type="submit" name="decision" value="accept" id="accept">Accept</button>
<button type="submit" name="decision" value="cancel" id="cancel">Cancel</button>
</form>
</body></html>`;
}
