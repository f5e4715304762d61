import type { Child } from 'hono/jsx';
import { languages, type Lang } from '../i18n/languages.js';
import type { PageContext } from './page-context.js';
import { PostButton } from './post-button.js';

export type Tab = 'system' | 'setup' | 'users' | 'notifications';

export type { PageContext };

const languageNames: Record<Lang, string> = { en: 'English', da: 'Dansk' };

/** The same page in another language: the current path and query with `lang` replaced. */
function languageHref(url: URL, lang: Lang): string {
  const params = new URLSearchParams(url.search);
  params.set('lang', lang);
  return `${url.pathname}?${params.toString()}`;
}

function Tabs({ page, current }: { page: PageContext; current?: Tab }) {
  const { t } = page;
  const tabs: [Tab, string, string][] = [
    ['system', t.nav.system, '/admin/system'],
    ['setup', t.nav.setup, '/admin/setup'],
    ['users', t.nav.users, '/admin/users'],
    ['notifications', t.notifications.tab, '/admin/notifications'],
  ];
  return (
    <nav class="tabs" aria-label={t.appName}>
      {tabs.map(([tab, label, href]) => (
        <a
          href={href}
          id={`tab-${tab}`}
          class={tab === current ? 'tab current' : 'tab'}
          aria-current={tab === current ? 'page' : undefined}
        >
          {label}
        </a>
      ))}
    </nav>
  );
}

/** `head`: extra elements for <head>, such as a page's script. */
export function Layout({
  page,
  title,
  tab,
  head,
  children,
}: {
  page: PageContext;
  title: string;
  tab?: Tab;
  head?: Child;
  children?: Child;
}) {
  const { t } = page;
  return (
    <html lang={page.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t.appName}`}</title>
        <link rel="stylesheet" href="/admin/assets/admin.css" />
        {head}
      </head>
      <body>
        <header class="top">
          <span class="brand">{t.appName}</span>
          {page.company?.moduleEnabled ? <Tabs page={page} current={tab} /> : null}
          <div class="tools">
            {page.company ? <span class="who">{t.nav.signedInFor(page.company.name)}</span> : null}
            <span class="languages" aria-label={t.nav.language}>
              {languages.map((lang) =>
                lang === page.lang ? (
                  <strong>{languageNames[lang]}</strong>
                ) : (
                  <a href={languageHref(page.url, lang)} hreflang={lang} lang={lang} id={`lang-${lang}`}>
                    {languageNames[lang]}
                  </a>
                ),
              )}
            </span>
            {page.company ? (
              <PostButton page={page} action="/admin/sign-out" label={t.nav.signOut} id="sign-out" />
            ) : null}
          </div>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
