import { html } from 'hono/html';
import type { Messages } from '../admin/i18n/en.js';
import type { Lang } from '../admin/i18n/language.js';
import { standalonePage } from './message-page.js';

/**
 * Our own page before Microsoft's (public: the tenant admin may not be the person with the company's API key):
 * which tenant is about to be connected to which company, in English or Danish.
 */
export function consentConfirmPage(input: {
  t: Messages;
  lang: Lang;
  tenant: string;
  company: string;
  microsoftUrl: string;
  cancelUrl: string;
  state: string;
}) {
  const { t } = input;
  const other = input.lang === 'da' ? { lang: 'en', label: 'English' } : { lang: 'da', label: 'Dansk' };
  return standalonePage({
    lang: input.lang,
    title: t.consentFlow.title,
    css: `
          .button {
            display: inline-block;
            padding: 0.5rem 1.2rem;
            margin-right: 0.5rem;
            border: 1px solid #1f4f8a;
            border-radius: 4px;
            text-decoration: none;
          }
          .primary {
            background: #1f4f8a;
            color: #fff;
          }
          .lang {
            float: right;
          }`,
    body: html`<p class="lang">
        <a id="switch-language" href="?state=${input.state}&lang=${other.lang}">${other.label}</a>
      </p>
      <h1 id="confirm-question">${t.consentFlow.question(input.tenant, input.company)}</h1>
      <p id="confirm-explain">${t.consentFlow.explain}</p>
      <p>
        <a class="button primary" id="continue-to-microsoft" href="${input.microsoftUrl}">${t.consentFlow.continue}</a>
        <a class="button" id="cancel-connection" href="${input.cancelUrl}">${t.consentFlow.cancel}</a>
      </p>`,
  });
}
