import { execFileSync } from 'node:child_process';

/** Processes whose command line mentions `text` (the embedded Postgres and dev server carry the data dir). */
export function processesMentioning(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', text], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
