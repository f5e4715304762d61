import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const baseCss = `
          body {
            font-family: system-ui, sans-serif;
            max-width: 40rem;
            margin: 4rem auto;
            padding: 0 1rem;
            color: #1f2933;
          }
          h1 {
            font-size: 1.4rem;
          }`;

/** The shell of a standalone public page (no admin layout): the consent flow's pages and refusals. */
export function standalonePage(page: { lang: string; title: string; css: string; body: Html }) {
  return html`<!doctype html>
    <html lang="${page.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title}</title>
        <style>
          ${raw(baseCss + page.css)}
        </style>
      </head>
      <body>
        ${page.body}
      </body>
    </html>`;
}

/** A minimal standalone page for public endpoints that answer a browser (the consent callback's refusals). */
export function messagePage(title: string, message: string, link?: { href: string; text: string }) {
  return standalonePage({
    lang: 'en',
    title,
    css: `
          .box {
            border-left: 4px solid #c0392b;
            padding: 0.5rem 1rem;
            background: #fdf2f2;
          }`,
    body: html`<h1>${title}</h1>
      <p class="box">${message}</p>
      ${link ? html`<p><a href="${link.href}">${link.text}</a></p>` : ''}`,
  });
}
