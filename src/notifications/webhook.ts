import { createHmac } from 'node:crypto';

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

/** One POST; a 2xx is delivered, anything else (or no answer in time) is a failed attempt to retry. */
export async function postWebhook(input: { url: string; secret: string; id: string; body: string; timeoutMs: number; now?: Date }): Promise<WebhookResult> {
  const timestamp = Math.floor((input.now ?? new Date()).getTime() / 1000);
  try {
    const response = await fetch(input.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(input.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'directory-sync-webhooks/1',
        'webhook-id': input.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(input.secret, input.id, timestamp, input.body),
      },
      body: input.body,
    });
    await response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, status: response.status, error: `the receiver answered HTTP ${response.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${input.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (err as Error).message);
    return { ok: false, error: `could not deliver: ${reason}` };
  }
}
