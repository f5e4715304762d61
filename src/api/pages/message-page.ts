import { html } from 'hono/html';

/** A minimal standalone page for public endpoints that answer a browser (the consent callback's refusals). */
export function messagePage(title: string, message: string, link?: { href: string; text: string }) {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          body {
            font-family: system-ui, sans-serif;
            max-width: 40rem;
            margin: 4rem auto;
            padding: 0 1rem;
            color: #1f2933;
          }
          h1 {
            font-size: 1.4rem;
          }
          .box {
            border-left: 4px solid #c0392b;
            padding: 0.5rem 1rem;
            background: #fdf2f2;
          }
        </style>
      </head>
      <body>
        <h1>${title}</h1>
        <p class="box">${message}</p>
        ${link ? html`<p><a href="${link.href}">${link.text}</a></p>` : ''}
      </body>
    </html>`;
}
