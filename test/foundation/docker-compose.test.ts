import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config.js';
import { workerEnvironment, workerNodeFlags } from '../../src/runtime/worker-launch.js';
import { workerSpawnOf } from '../../bench/sync.js';

// Docker cannot run on our machines, so this checks what the compose file wires instead of running it.
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true });

describe('docker-compose.yml', () => {
  it('has Postgres, Temporal with its own Postgres, the Temporal UI, migrations, API and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['api', 'migrate', 'postgres', 'temporal', 'temporal-postgres', 'temporal-ui', 'worker'].sort(),
    );
    expect(compose.services.temporal.environment.POSTGRES_SEEDS).toBe('temporal-postgres');
    expect(compose.services['temporal-ui'].environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('does not publish the Temporal frontend (gRPC, no authentication) to the host; the API and the UI only', () => {
    expect(compose.services.temporal.ports).toBeUndefined();
    const published = Object.entries(compose.services as Record<string, { ports?: string[] }>).flatMap(
      ([name, service]) => (service.ports ?? []).map((p) => `${name} ${p}`),
    );
    expect(published.some((p) => /:7233\b|^temporal /.test(p))).toBe(false);
    expect(published.sort()).toEqual(['api 3000:3000', 'temporal-ui 8233:8080']);
  });

  it('runs API and worker as separate commands against the external services', () => {
    for (const name of ['api', 'worker', 'migrate']) {
      const env = compose.services[name].environment;
      expect(env.DATABASE_URL, name).toMatch(/@postgres:5432\//);
      expect(env.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
    }
    expect(compose.services.api.command).toContain('directory-sync.js api');
    expect(compose.services.worker.command).toContain('directory-sync.js worker');
    expect(compose.services.api.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(compose.services.worker.depends_on.migrate.condition).toBe('service_completed_successfully');
  });

  it('starts the worker as the benchmark measures it, here and in the npm script: node flags and environment', () => {
    // what the benchmark spawns, with its own additions (execArgv, profiling flags, the run's variables) left out
    const bench = workerSpawnOf({ execArgv: [], bin: 'bin/directory-sync.js', env: {} });
    expect(bench.args).toEqual([...workerNodeFlags, 'bin/directory-sync.js', 'worker']);
    expect(bench.env).toEqual(workerEnvironment);

    const script: string = JSON.parse(readFileSync('package.json', 'utf8')).scripts.worker;
    const words = script.split(/\s+/);
    const assignments = words.slice(0, words.indexOf('node'));
    expect(Object.fromEntries(assignments.map((a) => a.split('=')))).toEqual(bench.env);
    expect(words.slice(words.indexOf('node') + 1)).toEqual(bench.args);

    const worker = compose.services.worker;
    expect(worker.command.split(/\s+/)).toEqual(['node', ...bench.args]);
    for (const [name, value] of Object.entries(bench.env)) expect(worker.environment[name], name).toBe(value);
  });

  it('passes only variables the service knows', () => {
    const known = new Set(Object.keys(configSchema.shape));
    for (const name of ['api', 'worker']) {
      for (const variable of Object.keys(compose.services[name].environment)) {
        // the worker's launch variables are read by the C library, not by the service
        const launch = name === 'worker' && variable in workerEnvironment;
        expect(known.has(variable) || launch, `${name}: ${variable}`).toBe(true);
      }
    }
  });
});
