import type { Client } from '@temporalio/client';
import type { DirectoryProviders } from '../directory/factory.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';

/** What activities need from the outside world; the worker builds it once and createActivities closes over it. */
export interface ActivityDeps {
  db: Db;
  config: Config;
  logger: Logger;
  /** For activities that change schedules (a setup put in error or paused must stop being scheduled). */
  temporal: Client;
  /** The directory providers to choose from (src/directory/factory.ts); the built-in ones when absent. */
  directoryProviders?: DirectoryProviders;
}
