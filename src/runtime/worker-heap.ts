/**
 * The V8 flag the shipped worker command runs with (package.json "worker", docker-compose's worker, and the
 * benchmark's worker; a test keeps them equal). A worker's live data is bounded by design — one Graph page
 * while reading, one apply chunk per parallel range — but V8 sizes its heap from the machine's memory and
 * collects lazily, so on a 24 GiB machine a worker's RSS drifted to ~480 MB holding mostly garbage. With the old
 * generation capped, the same 100,000-member sync runs as fast in ~300 MB. Raise it with NODE_OPTIONS or the
 * flag itself if a deployment holds larger pages or batches.
 */
export const workerHeapFlag = '--max-old-space-size=256';
