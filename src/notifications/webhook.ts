import { createHmac } from 'node:crypto';
import { request } from 'node:https';
import { guardedLookup, isPrivateAddress, PrivateAddressError } from './address-guard.js';

/**
 * Standard Webhooks (https://www.standardwebhooks.com/): headers webhook-id (the same on every retry, receivers
 * dedup on it), webhook-timestamp (Unix seconds) and webhook-signature `v1,<base64 HMAC-SHA256>` over
 * `${id}.${timestamp}.${body}` keyed with the base64 part of the `whsec_` secret.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export interface WebhookResult {
  ok: boolean;
  status?: number;
  error?: string;
}

/** One POST over node:https (no redirects followed); the request never goes to a private address unless allowed. */
function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  allowPrivate: boolean,
): Promise<number> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (host === 'localhost' || isPrivateAddress(host)))
    return Promise.reject(new PrivateAddressError(host, host));
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        ...(allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          clearTimeout(deadline);
          resolve(res.statusCode ?? 0);
        });
        res.on('error', reject);
      },
    );
    req.on('error', (err) => {
      clearTimeout(deadline);
      reject(err);
    });
    req.end(body);
  });
}

/** One delivery attempt; a 2xx is delivered, anything else (or no answer in time) is a failed attempt to retry. */
export async function postWebhook(input: {
  url: string;
  secret: string;
  id: string;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
  now?: Date;
}): Promise<WebhookResult> {
  const timestamp = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'directory-sync-webhooks/1',
    'webhook-id': input.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(input.secret, input.id, timestamp, input.body),
  };
  try {
    const status = await post(input.url, headers, input.body, input.timeoutMs, input.allowPrivate);
    if (status >= 200 && status < 300) return { ok: true, status };
    return { ok: false, status, error: `the receiver answered HTTP ${status}` };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return {
      ok: false,
      error: `could not deliver: ${e instanceof PrivateAddressError ? e.message : (e.code ?? e.message)}`,
    };
  }
}
