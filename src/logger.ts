import { pino, type Logger } from 'pino';

/** Keys that may carry secrets: pino replaces their values before a line is written. */
export const redactedPaths = [
  'password',
  'bindPassword',
  'secret',
  'clientSecret',
  'apiKey',
  'key',
  'token',
  'accessToken',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.bindPassword',
  '*.secret',
  '*.clientSecret',
  '*.apiKey',
  '*.token',
  '*.accessToken',
  '*.client_secret',
];

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'directory-sync',
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: redactedPaths, censor: '[redacted]' },
  });
}

export type { Logger };
