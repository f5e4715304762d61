import type { TestProject } from 'vitest/node';
import { startSambaDc, type SambaDcInfo } from './samba.js';

/**
 * Global setup of the `ldap` vitest project (vitest.config.ts): one Samba AD DC for all files under test/ldap.
 * Vitest runs a project's global setup only when the run includes one of its files, so `npx vitest run
 * test/sync/…` never starts Samba, while `npm test` and `npx vitest run test/ldap` do.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    sambaDc: SambaDcInfo;
  }
}

export default async function setup(project: TestProject) {
  const log = (m: string) => process.stderr.write(`[ldap-setup] ${m}\n`);
  const dc = await startSambaDc({ log });
  const { stop, ...info } = dc;
  project.provide('sambaDc', info);
  return stop;
}
