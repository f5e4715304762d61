import type { Company } from '../../db/schema.js';
import type { AppEnv } from '../context.js';
import type { Messages } from './i18n/en.js';
import type { Lang } from './i18n/languages.js';

/**
 * A browser session: `sid` is random per session (the CSRF token derives from it); `keyId` and `companyId`
 * are set once a company API key signed in. The key itself is never stored.
 */
export interface AdminSession {
  sid: string;
  keyId: string | null;
  companyId: string | null;
  issuedAt: number;
}

export interface AdminEnv {
  Variables: AppEnv['Variables'] & {
    lang: Lang;
    t: Messages;
    session: AdminSession;
    csrfToken: string;
    /** Set for the pages behind sign-in: the signed-in company (with the module enabled). */
    company: Company;
  };
}
