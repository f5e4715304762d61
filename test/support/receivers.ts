import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { testEnvironment } from './context.js';

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  signatureValid: boolean;
  body: { id: string; type: string; timestamp: string; data: Record<string, unknown> };
  status: number;
}

/**
 * A real HTTPS webhook receiver (certificate from the simulator's CA, which the test processes trust) that checks
 * Standard Webhooks signatures with its own HMAC code and dedups on webhook-id, as a receiver should.
 * `answer` decides each response: a status, or 'hang' to never answer.
 */
export async function startWebhookReceiver() {
  const dir = path.dirname(testEnvironment().caFile);
  const requests: ReceivedWebhook[] = [];
  const processed = new Map<string, ReceivedWebhook>();
  let secret = '';
  let answer: (n: number, hook: ReceivedWebhook) => number | 'hang' = () => 200;
  const hanging: ServerResponse[] = [];
  const server = createServer(
    { cert: readFileSync(path.join(dir, 'server.pem')), key: readFileSync(path.join(dir, 'server-key.pem')) },
    (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const id = String(req.headers['webhook-id']);
        const timestamp = Number(req.headers['webhook-timestamp']);
        const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
        const expected = Buffer.from(
          `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${raw}`).digest('base64')}`,
        );
        const given = String(req.headers['webhook-signature'] ?? '')
          .split(' ')
          .map((s) => Buffer.from(s));
        const signatureValid =
          given.some((g) => g.length === expected.length && timingSafeEqual(g, expected)) &&
          Math.abs(Date.now() / 1000 - timestamp) < 300;
        const hook: ReceivedWebhook = { id, timestamp, signatureValid, body: JSON.parse(raw), status: 0 };
        requests.push(hook);
        const decision = answer(requests.length, hook);
        if (decision === 'hang') {
          hanging.push(res);
          return;
        }
        hook.status = decision;
        if (decision >= 200 && decision < 300 && signatureValid && !processed.has(id)) processed.set(id, hook);
        res.writeHead(decision, { 'content-type': 'text/plain' }).end('ok');
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/hooks/directory-sync`,
    requests,
    /** What a deduplicating receiver acted on: one entry per webhook-id. */
    processed,
    setSecret: (s: string) => void (secret = s),
    answerWith: (fn: typeof answer) => void (answer = fn),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A real SMTP server (smtp-server) that keeps every message, parsed with mailparser. */
export async function startSmtpSink() {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          callback();
        },
        (err) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
