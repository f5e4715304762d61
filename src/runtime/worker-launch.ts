/**
 * How the shipped worker process starts: package.json "worker", docker-compose's worker (command and environment)
 * and the benchmark's worker all use these; test/foundation/docker-compose.test.ts keeps them equal.
 *
 * - `--max-old-space-size=256`: a worker's live data is bounded by design (one Graph page while reading, one apply
 *   chunk per parallel range), but V8 sizes its heap from the machine's memory and collects lazily, so on a 24 GiB
 *   machine a worker drifted to ~480 MB holding mostly garbage.
 * - `--max-semi-space-size=8`: the young generation of every isolate (the main one and the workflow thread) grows
 *   to 2 × 16 MB by default; at 2 × 8 MB the 100,000-member sync spends no more CPU in the worker (measured), at
 *   2 × 4 MB it spent 15–30 % more (more objects promoted to the old generation).
 * - `MALLOC_ARENA_MAX=2`: glibc gives each thread that allocates its own malloc arena (up to 8 per core); the
 *   Temporal core's threads, libuv's pool and the workflow thread then keep ~25 MB of freed memory in arenas of
 *   their own. Read by glibc when the process starts, so it must be in the environment, not set from inside.
 *
 * Raise the heap with NODE_OPTIONS or the flags themselves if a deployment holds larger pages or batches.
 */
export const workerNodeFlags = ['--max-old-space-size=256', '--max-semi-space-size=8'] as const;

export const workerEnvironment = { MALLOC_ARENA_MAX: '2' } as const;
