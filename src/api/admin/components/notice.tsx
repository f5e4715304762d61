import type { Child } from 'hono/jsx';

/** A message at the top of a page: the outcome of what the admin just did, or why it did not work. */
export function Notice({ kind, children }: { kind: 'success' | 'error' | 'info'; children?: Child }) {
  return (
    <p class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'} id="notice">
      {children}
    </p>
  );
}
