// A minimal config for the crypto helpers' tests: no globalSetup, no servers (like test/sync/vitest.sync.config.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/crypto/**/*.test.ts'],
    environment: 'node',
  },
});
