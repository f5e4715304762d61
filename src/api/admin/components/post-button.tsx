import type { Child } from 'hono/jsx';
import { csrfField } from '../csrf-field.js';
import type { PageContext } from './page-context.js';

/** The session's CSRF token, in every form that posts. */
export function CsrfField({ page }: { page: PageContext }) {
  return <input type="hidden" name={csrfField} value={page.csrfToken} />;
}

/** One button that posts to `action` (row actions: run, pause, delete…): a form of its own, no script needed. */
export function PostButton(props: {
  page: PageContext;
  action: string;
  label: string;
  id?: string;
  kind?: 'primary' | 'danger';
  hidden?: Record<string, string>;
  children?: Child;
}) {
  return (
    <form method="post" action={props.action} class="inline">
      <CsrfField page={props.page} />
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" id={props.id} class={props.kind ?? ''}>
        {props.label}
      </button>
    </form>
  );
}
