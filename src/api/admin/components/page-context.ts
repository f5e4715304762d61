import type { Messages } from '../i18n/en.js';
import type { Lang } from '../i18n/languages.js';

/** What every page component needs from the request (render.tsx's pageContext builds it). */
export interface PageContext {
  t: Messages;
  lang: Lang;
  csrfToken: string;
  company?: { name: string; moduleEnabled: boolean };
  url: URL;
}
