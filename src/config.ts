import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * All configuration comes from environment variables, validated once at start. A bad or missing value stops
 * the process with one message that lists every offending variable and why (never the value: it may be a secret).
 */

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const httpsUrl = (name: string) =>
  z
    .url({ message: `${name} must be an absolute URL` })
    .refine((v) => v.startsWith('https://'), {
      message: `${name} must use https:// (MSAL and the Graph client refuse plain http)`,
    })
    .transform((v) => v.replace(/\/+$/, ''));

const port = z.coerce
  .number({ message: 'must be a whole number' })
  .int({ message: 'must be a whole number' })
  .min(1, { message: 'must be between 1 and 65535' })
  .max(65535, { message: 'must be between 1 and 65535' });

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), { message: 'must be a postgres:// or postgresql:// URL' })
  .optional();

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, { message: "must be a duration such as '30s', '15m', '24h' or '7d'" });

// Metrics, notifications and the event feed (issue 14): one block, spread into the schema below.
const observabilityShape = {
  METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters long',
  }),
  TEMPORAL_METRICS_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d+$/, { message: 'must be host:port, for example 127.0.0.1:9465' })
    .optional(),
  SECRETS_KEY: optionalString.refine((v) => v === undefined || Buffer.from(v, 'base64').length === 32, {
    message: 'must be 32 random bytes, base64-encoded (openssl rand -base64 32)',
  }),
  SMTP_URL: optionalString.refine((v) => v === undefined || /^smtps?:\/\//.test(v), {
    message: 'must be an smtp:// or smtps:// URL',
  }),
  SMTP_FROM: z.string().min(3).default('directory-sync <directory-sync@localhost>'),
  NOTIFICATION_RETRY_INITIAL: duration.default('10s'),
  NOTIFICATION_RETRY_MAX: duration.default('1h'),
  NOTIFICATION_GIVE_UP_AFTER: duration.default('24h'),
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: z.enum(['true', 'false'], { message: "must be 'true' or 'false'" }).default('false'),
  NOTIFICATION_RELAY: z.enum(['on', 'off'], { message: "must be 'on' or 'off'" }).default('on'),
};

export const configSchema = z
  .object({
    ...observabilityShape,
    PORT: port.default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    PUBLIC_BASE_URL: z.url({ message: 'must be an absolute URL such as https://sync.example.com' }).optional(),
    DATABASE_URL: postgresUrl,
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[^\s:/]+:\d+$/, { message: 'must be host:port, for example 127.0.0.1:7233' })
      .optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('directory-sync'),
    TEMPORAL_CLI_PATH: optionalString,
    TEMPORAL_TLS_CA: optionalString,
    TEMPORAL_TLS_CERT: optionalString,
    TEMPORAL_TLS_KEY: optionalString,
    TEMPORAL_API_KEY: optionalString,
    AZURE_CLIENT_ID: optionalString,
    AZURE_CLIENT_SECRET: optionalString,
    AZURE_CLIENT_CERTIFICATE_PATH: optionalString,
    AZURE_AUTHORITY_HOST: httpsUrl('AZURE_AUTHORITY_HOST').default('https://login.microsoftonline.com'),
    GRAPH_BASE_URL: httpsUrl('GRAPH_BASE_URL').default('https://graph.microsoft.com'),
    OPERATOR_API_KEY: optionalString.refine((v) => v === undefined || v.length >= 24, {
      message: 'must be at least 24 characters long',
    }),
    SESSION_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, {
      message: 'must be at least 32 characters long',
    }),
    CONSENT_TIMEOUT: duration.default('24h'),
    APPROVAL_TIMEOUT: duration
      .refine((v) => parseDuration(v) >= 1000, { message: 'must be at least 1s' })
      .default('24h'),
    SYNC_PAGE_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(999, { message: 'must be at most 999 (Graph’s largest page)' })
      .default(999),
    SYNC_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
    SYNC_BATCHES_PER_ACTIVITY: z.coerce.number().int().min(1).max(10_000).default(40),
    SYNC_HEARTBEAT_TIMEOUT: duration.default('60s'),
    SYNC_APPLY_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
    WORKER_ACTIVITY_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(20),
    DATA_DIR: z.string().min(1).default('.data'),
    EMBEDDED_POSTGRES_PORT: port.default(5433),
    TEMPORAL_DEV_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((c, ctx) => {
    if (c.AZURE_CLIENT_SECRET && c.AZURE_CLIENT_CERTIFICATE_PATH) {
      ctx.addIssue({
        code: 'custom',
        path: ['AZURE_CLIENT_CERTIFICATE_PATH'],
        message: 'set either AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, not both',
      });
    }
    if ((c.AZURE_CLIENT_SECRET || c.AZURE_CLIENT_CERTIFICATE_PATH) && !c.AZURE_CLIENT_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['AZURE_CLIENT_ID'],
        message: 'is required when a client secret or certificate is set',
      });
    }
    if (c.AZURE_CLIENT_ID && !c.AZURE_CLIENT_SECRET && !c.AZURE_CLIENT_CERTIFICATE_PATH) {
      ctx.addIssue({
        code: 'custom',
        path: ['AZURE_CLIENT_SECRET'],
        message: 'AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH is required when AZURE_CLIENT_ID is set',
      });
    }
    if (c.AZURE_CLIENT_CERTIFICATE_PATH && !existsSync(c.AZURE_CLIENT_CERTIFICATE_PATH)) {
      ctx.addIssue({ code: 'custom', path: ['AZURE_CLIENT_CERTIFICATE_PATH'], message: 'no file at that path' });
    }
    // Temporal TLS: PEM files, read now so a wrong path or file stops the process at start, not at first connect.
    if (!!c.TEMPORAL_TLS_CERT !== !!c.TEMPORAL_TLS_KEY) {
      const missing = c.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (mTLS) go together: set both or neither',
      });
    }
    const pemChecks = [
      ['TEMPORAL_TLS_CA', c.TEMPORAL_TLS_CA, 'CERTIFICATE'],
      ['TEMPORAL_TLS_CERT', c.TEMPORAL_TLS_CERT, 'CERTIFICATE'],
      ['TEMPORAL_TLS_KEY', c.TEMPORAL_TLS_KEY, 'PRIVATE KEY'],
    ] as const;
    for (const [variable, file, label] of pemChecks) {
      if (!file) continue;
      const problem = pemFileProblem(file, label);
      if (problem) ctx.addIssue({ code: 'custom', path: [variable], message: problem });
    }
  });

/** Why a PEM file cannot be used (never its content), or undefined when it looks right. */
function pemFileProblem(file: string, label: 'CERTIFICATE' | 'PRIVATE KEY'): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `no file at ${file}` : `cannot read ${file} (${code ?? 'error'})`;
  }
  const pattern =
    label === 'CERTIFICATE' ? /-----BEGIN CERTIFICATE-----/ : /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;
  if (!pattern.test(text)) return `${file} is not a PEM file with a ${label.toLowerCase()} (-----BEGIN ${label}-----)`;
  if (/ENCRYPTED/.test(text) && label === 'PRIVATE KEY')
    return `${file} holds an encrypted key; give an unencrypted one`;
  return undefined;
}

export type RawConfig = z.infer<typeof configSchema>;

/** Which external services a command needs to be configured (the embedded `start` needs none). */
export type Role = 'start' | 'api' | 'worker' | 'migrate';

export interface AppIdentity {
  clientId: string;
  clientSecret?: string;
  certificatePath?: string;
}

/** How to reach a production Temporal: TLS (own CA, mTLS client pair) and/or a Temporal Cloud API key. */
export interface TemporalSecurity {
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** Temporal Cloud API key; implies TLS. A secret: never logged. */
  apiKey?: string;
}

export interface Config {
  port: number;
  host: string;
  publicBaseUrl: string;
  databaseUrl?: string;
  databasePoolSize: number;
  temporal: { address?: string; namespace: string; taskQueue: string; cliPath?: string } & TemporalSecurity;
  azure: { identity?: AppIdentity; authorityHost: string; graphBaseUrl: string };
  operatorApiKey?: string;
  sessionSecret?: string;
  consentTimeoutMs: number;
  /** How long a run held by the deletion guard waits for a decision; an approval after that re-reads first. */
  approvalTimeoutMs: number;
  /** Members per Graph page; users per applied batch (one transaction); batches per activity call; activities per worker. */
  sync: {
    pageSize: number;
    batchSize: number;
    batchesPerActivity: number;
    activityConcurrency: number;
    heartbeatTimeoutMs: number;
    applyConcurrency: number;
  };
  dataDir: string;
  /** Ports of the services `directory-sync start` runs itself when DATABASE_URL / TEMPORAL_ADDRESS are unset. */
  embedded: { postgresPort: number; temporalPort: number; temporalUiPort: number };
  logLevel: RawConfig['LOG_LEVEL'];
  /** Worker metrics port and bind address, the optional scrape token, the Temporal SDK exporter's address. */
  metrics: { port?: number; host: string; token?: string; temporalAddress?: string };
  /** SECRETS_KEY (webhook secrets at rest), SMTP, and the delivery backoff (milliseconds). */
  notifications: {
    secretsKey?: string;
    smtpUrl?: string;
    smtpFrom: string;
    retryInitialMs: number;
    retryMaxMs: number;
    giveUpAfterMs: number;
    allowPrivateWebhooks: boolean;
    /** Whether this worker runs the outbox relay (on in production; tests turn it on only where they need it). */
    relay: boolean;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super(
      `invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.reason}`).join('\n')}\n` +
        'See the configuration table in README.md.',
    );
    this.name = 'ConfigError';
  }
}

const requiredByRole: Record<Role, (keyof RawConfig)[]> = {
  start: [],
  api: ['DATABASE_URL', 'TEMPORAL_ADDRESS'],
  worker: ['DATABASE_URL', 'TEMPORAL_ADDRESS'],
  migrate: ['DATABASE_URL'],
};

export function parseDuration(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!match) throw new Error(`not a duration: ${value}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, role: Role = 'start'): Config {
  const result = configSchema.safeParse(env);
  const problems: { variable: string; reason: string }[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push({ variable: String(issue.path[0] ?? '?'), reason: issue.message });
    }
  }
  for (const name of requiredByRole[role]) {
    const value = env[name];
    if ((value === undefined || value.trim() === '') && !problems.some((p) => p.variable === name)) {
      problems.push({ variable: name, reason: `is required for 'directory-sync ${role}'` });
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const c = result.data;
  return {
    port: c.PORT,
    host: c.HOST,
    publicBaseUrl: (c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    databaseUrl: c.DATABASE_URL,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    temporal: {
      address: c.TEMPORAL_ADDRESS,
      namespace: c.TEMPORAL_NAMESPACE,
      taskQueue: c.TEMPORAL_TASK_QUEUE,
      cliPath: c.TEMPORAL_CLI_PATH,
      ...(c.TEMPORAL_TLS_CA || c.TEMPORAL_TLS_CERT
        ? { tls: { caFile: c.TEMPORAL_TLS_CA, certFile: c.TEMPORAL_TLS_CERT, keyFile: c.TEMPORAL_TLS_KEY } }
        : {}),
      ...(c.TEMPORAL_API_KEY ? { apiKey: c.TEMPORAL_API_KEY } : {}),
    },
    azure: {
      identity: c.AZURE_CLIENT_ID
        ? {
            clientId: c.AZURE_CLIENT_ID,
            clientSecret: c.AZURE_CLIENT_SECRET,
            certificatePath: c.AZURE_CLIENT_CERTIFICATE_PATH,
          }
        : undefined,
      authorityHost: c.AZURE_AUTHORITY_HOST,
      graphBaseUrl: c.GRAPH_BASE_URL,
    },
    operatorApiKey: c.OPERATOR_API_KEY,
    sessionSecret: c.SESSION_SECRET,
    consentTimeoutMs: parseDuration(c.CONSENT_TIMEOUT),
    approvalTimeoutMs: parseDuration(c.APPROVAL_TIMEOUT),
    sync: {
      pageSize: c.SYNC_PAGE_SIZE,
      batchSize: c.SYNC_BATCH_SIZE,
      batchesPerActivity: c.SYNC_BATCHES_PER_ACTIVITY,
      activityConcurrency: c.WORKER_ACTIVITY_CONCURRENCY,
      heartbeatTimeoutMs: parseDuration(c.SYNC_HEARTBEAT_TIMEOUT),
      applyConcurrency: c.SYNC_APPLY_CONCURRENCY,
    },
    dataDir: path.resolve(c.DATA_DIR),
    embedded: {
      postgresPort: c.EMBEDDED_POSTGRES_PORT,
      temporalPort: c.TEMPORAL_DEV_PORT,
      temporalUiPort: c.TEMPORAL_UI_PORT,
    },
    logLevel: c.LOG_LEVEL,
    metrics: {
      port: c.METRICS_PORT,
      host: c.METRICS_HOST,
      token: c.METRICS_TOKEN,
      temporalAddress:
        c.TEMPORAL_METRICS_ADDRESS ??
        (c.METRICS_PORT && c.METRICS_PORT < 65535 ? `127.0.0.1:${c.METRICS_PORT + 1}` : undefined),
    },
    notifications: {
      secretsKey: c.SECRETS_KEY,
      smtpUrl: c.SMTP_URL,
      smtpFrom: c.SMTP_FROM,
      retryInitialMs: parseDuration(c.NOTIFICATION_RETRY_INITIAL),
      retryMaxMs: parseDuration(c.NOTIFICATION_RETRY_MAX),
      giveUpAfterMs: parseDuration(c.NOTIFICATION_GIVE_UP_AFTER),
      allowPrivateWebhooks: c.WEBHOOK_ALLOW_PRIVATE_ADDRESSES === 'true',
      relay: c.NOTIFICATION_RELAY === 'on',
    },
  };
}
