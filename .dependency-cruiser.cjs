/**
 * Dependency rules (npm run lint). The shape the README describes, held by tooling: no import cycles; the pure
 * planner (src/sync) does no I/O; the HTTP layer (src/api) is imported only by the composition roots; kysely only
 * in src/db. Workflow files' own import rules (determinism) live in eslint.config.js.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycles make module initialisation order matter and hide layering mistakes; break the cycle. ' +
        'A cycle closed only by `import type` edges is erased at compile time and allowed.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'sync-is-pure',
      severity: 'error',
      comment:
        'src/sync holds the pure sync decisions, tested without I/O: it imports only src/sync itself (no Node ' +
        'built-ins, database, Temporal, Graph, HTTP or logger).',
      from: { path: '^src/sync/' },
      to: { pathNot: '^src/sync/' },
    },
    {
      name: 'api-only-from-composition-roots',
      severity: 'error',
      comment:
        'src/api is the HTTP edge: nothing below it imports it (throw domain errors, take plain input types). ' +
        'Only the composition roots (src/commands, src/runtime/services.ts) wire it up.',
      from: { path: '^src/', pathNot: ['^src/api/', '^src/commands/', '^src/runtime/services\\.ts$'] },
      to: { path: '^src/api/' },
    },
    {
      name: 'worker-loads-no-api',
      severity: 'error',
      comment:
        'A worker process runs workflows and activities only: the HTTP API, its routes, pages and their libraries ' +
        '(~30 MB of heap) stay out of its memory. Reach shared code through modules outside src/api.',
      from: { path: '^src/commands/worker\\.ts$' },
      to: { path: '^src/api/', reachable: true },
    },
    {
      name: 'kysely-only-in-db',
      severity: 'error',
      comment:
        'All SQL lives in src/db: write a repository function there (it takes the db or transaction first) and ' +
        "import it. Elsewhere use the Db type from src/db/database.ts, never kysely's own.",
      from: { path: '^src/', pathNot: '^src/db/' },
      to: { path: '(^|/)node_modules/kysely/' },
    },
    {
      name: 'pg-only-in-db-and-runtime',
      severity: 'error',
      comment: 'The pg driver belongs to src/db (and src/runtime, which creates and starts databases).',
      from: { path: '^src/', pathNot: ['^src/db/', '^src/runtime/'] },
      to: { path: '(^|/)node_modules/pg/' },
    },
    {
      name: 'entra-client-only-in-entra',
      severity: 'error',
      comment:
        "Microsoft's client libraries belong to the Entra provider (src/directory/entra/); everything else reaches " +
        'Entra through the directory-provider port (src/directory/provider.ts) and the factory.',
      from: { path: '^src/', pathNot: '^src/directory/entra/' },
      to: { path: '(^|/)node_modules/(@microsoft/microsoft-graph-client|@azure/)' },
    },
    {
      name: 'ldap-client-only-in-ldap',
      severity: 'error',
      comment: 'The LDAP client library belongs to the LDAP provider (src/directory/ldap/).',
      from: { path: '^src/', pathNot: '^src/directory/ldap/' },
      to: { path: '(^|/)node_modules/ldapts/' },
    },
    {
      name: 'engine-knows-only-the-port',
      severity: 'error',
      comment:
        'The engine and the activities read directories only through the port (src/directory/provider.ts) and the ' +
        "factory (src/directory/factory.ts), never a provider's own folder: a new provider is a folder and one line " +
        'in the factory.',
      from: { path: '^src/(engine|activities)/' },
      to: { path: '^src/directory/(?!provider\\.ts$|factory\\.ts$|retry-observer\\.ts$)' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing (typo, missing package).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
