import type { Client } from '@microsoft/microsoft-graph-client';

/**
 * `@odata.nextLink` and `@odata.deltaLink` come from the answer of a remote service: we follow one (with our
 * bearer token when the host is Graph's) and store it (heartbeats, delta state). So a link is followed or stored
 * only when it points into the configured Graph API, `${GRAPH_BASE_URL}/v1.0/`; anything else (another host, a
 * `..` out of v1.0, another scheme) stops the read with this error, which is not worth retrying.
 */
export class ForeignGraphLinkError extends Error {
  constructor(
    readonly link: string,
    readonly expectedPrefix: string,
  ) {
    super(
      `Microsoft Graph sent a paging link outside ${expectedPrefix} (${describe(link)}); it was not followed. ` +
        'Check GRAPH_BASE_URL and any proxy in front of Graph; the run can be started again once links point to Graph.',
    );
    this.name = 'ForeignGraphLinkError';
  }
}

/** Only the origin and path of the foreign link: its query may carry tokens. */
function describe(link: string): string {
  try {
    const url = new URL(link);
    return `${url.origin}${url.pathname}`;
  } catch {
    return 'not a URL';
  }
}

const prefixes = new WeakMap<Client, string>();

/** createGraphClient records where its client's links must point. */
export function registerGraphLinkPrefix(client: Client, graphBaseUrl: string): void {
  prefixes.set(client, `${graphBaseUrl.replace(/\/+$/, '')}/v1.0/`);
}

/** Whether `link` lies inside `prefix` (`https://graph.microsoft.com/v1.0/`), as text and once resolved. */
export function isTrustedGraphLink(link: string, prefix: string): boolean {
  if (!link.startsWith(prefix)) return false;
  let url: URL;
  let base: URL;
  try {
    url = new URL(link);
    base = new URL(prefix);
  } catch {
    return false;
  }
  return url.origin === base.origin && url.pathname.startsWith(base.pathname) && !url.username && !url.password;
}

/** Returns the link when it may be followed; throws ForeignGraphLinkError otherwise. */
export function trustedGraphLink(client: Client, link: string): string {
  const prefix = prefixes.get(client);
  if (!prefix) throw new Error('this Graph client was not made by createGraphClient, so its links cannot be checked');
  if (!isTrustedGraphLink(link, prefix)) throw new ForeignGraphLinkError(link, prefix);
  return link;
}

/** A link from an answer (or a stored cursor): null stays null, anything else must be trusted. */
export function checkedLink(client: Client, link: unknown): string | null {
  if (link === undefined || link === null) return null;
  if (typeof link !== 'string') throw new ForeignGraphLinkError(String(link), prefixes.get(client) ?? '(unknown)');
  return trustedGraphLink(client, link);
}
