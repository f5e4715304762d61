import { isReason, renderReason } from '../../sync/reasons.js';
import type { Messages } from './i18n/en.js';

/** Replaces an id parameter of a reason by a name the page knows (a customer type's, a group's). */
export type NameOf = (param: string, value: string) => string;

/**
 * A stored reason as the page shows it: its code rendered in the page's language, with names for the ids it
 * holds; a row stored before reasons had codes (or a text without one: Microsoft's, the database's) shows its
 * stored text. The one place the admin pages turn a stored reason into words.
 */
export function shownReason(t: Messages, text: string | null, detail: unknown, nameOf?: NameOf): string {
  if (isReason(detail)) return renderReason(t.reasonTemplates, detail, nameOf);
  return text ?? '';
}
