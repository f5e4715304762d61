import type { OpenAPIHono } from '@hono/zod-openapi';
import type { DirectoryProviders } from '../directory/factory.js';
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';

/** Who is calling: the operator (manages companies) or a company's key (manages its own directory sync). */
export type Principal = { kind: 'operator' } | { kind: 'company'; companyId: string; apiKeyId: string };

export interface ApiDeps {
  db: Db;
  temporal: Client;
  config: Config;
  logger: Logger;
  /** The directory providers to choose from (src/directory/factory.ts); the built-in ones when absent. */
  directoryProviders?: DirectoryProviders;
}

export interface AppEnv {
  Variables: {
    deps: ApiDeps;
    requestId: string;
    principal: Principal;
  };
}

export type App = OpenAPIHono<AppEnv>;
