import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A new, empty database (for tests and the benchmark) on the server behind `adminUrl`, dropped again by `drop()`. The name carries a random
 * suffix so parallel runs (and a crashed earlier run) never collide.
 */
export async function createScratchDatabase(
  adminUrl: string,
  prefix = 'ds_scratch',
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdmin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  };
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
