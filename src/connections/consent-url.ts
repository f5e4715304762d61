/**
 * Microsoft's admin consent endpoint for a multi-tenant app (client credentials flow):
 *   {authority}/{tenant}/adminconsent?client_id=…&redirect_uri=…&state=…
 * The admin signs in to their own tenant there, grants the app's application permissions, and is sent back
 * to redirect_uri with admin_consent=True&tenant=… or error=…&error_description=…, plus our state.
 */
export function consentRedirectUri(publicBaseUrl: string): string {
  return `${publicBaseUrl}/consent/callback`;
}

export function buildConsentUrl(input: {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  publicBaseUrl: string;
  state: string;
}): string {
  const url = new URL(`${input.authorityHost}/${encodeURIComponent(input.tenantId)}/adminconsent`);
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', consentRedirectUri(input.publicBaseUrl));
  url.searchParams.set('state', input.state);
  return url.toString();
}
