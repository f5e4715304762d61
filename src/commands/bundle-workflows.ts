import { writeFileSync } from 'node:fs';
import { bundleWorkflows } from '../worker/worker.js';

/**
 * `directory-sync bundle-workflows <file>` (internal): writes the workflow bundle to a file. The worker runs this
 * in a child process so webpack's memory peak is not the worker's own.
 */
export async function run(argv: string[]): Promise<void> {
  const [file] = argv;
  if (!file) throw new Error('usage: directory-sync bundle-workflows <output file>');
  writeFileSync(file, (await bundleWorkflows()).code);
}
