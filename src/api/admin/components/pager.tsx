import { pageSize } from '../../../db/repositories/run-history.js';
import type { Messages } from '../i18n/en.js';

/** Previous / next links under a paged list (the repositories' page size), with "page x of y". */
export function Pager({
  t,
  page,
  total,
  hrefFor,
}: {
  t: Messages;
  page: number;
  total: number;
  hrefFor: (page: number) => string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav class="pager">
      {page > 1 ? <a href={hrefFor(page - 1)}>{t.common.previous}</a> : null}
      <span>{t.common.pageOf(page, pages)}</span>
      {page < pages ? <a href={hrefFor(page + 1)}>{t.common.next}</a> : null}
    </nav>
  );
}

/** `?page=` as a page number from 1. */
export function pageParam(value: string | undefined): number {
  const page = Number.parseInt(value ?? '1', 10);
  return Number.isFinite(page) && page >= 1 ? page : 1;
}
