import type { UserRow } from '../../../db/schema.js';
import { Layout, type PageContext } from '../components/layout.js';
import { Pager } from '../components/pager.js';
import { Table } from '../components/table.js';

export interface UsersPageProps {
  page: PageContext;
  users: UserRow[];
  total: number;
  current: number;
  query: string;
  setupNames: Map<string, string>;
  customerTypeNames: Map<string, string>;
}

/** The product's users of the company, each with the setup it came from (or none: made by hand). */
export function UsersPage({ page, users, total, current, query, setupNames, customerTypeNames }: UsersPageProps) {
  const { t } = page;
  const u = t.users;
  const href = (p: number) =>
    `/admin/users?${new URLSearchParams({ ...(query ? { q: query } : {}), page: String(p) }).toString()}`;
  return (
    <Layout page={page} title={u.title} tab="users">
      <h1>{u.title}</h1>
      <form method="get" action="/admin/users" class="search">
        <input type="search" name="q" value={query} aria-label={u.search} id="user-search" />
        <button type="submit">{u.search}</button>
      </form>
      <p id="user-count">{u.count(total)}</p>
      <Table
        id="users"
        headers={[u.name, u.email, u.initials, u.department, u.jobTitle, u.customerType, u.source, u.active]}
        empty={u.empty}
        rows={users.map((user) => (
          <tr data-email={user.email ?? ''} class={user.active ? '' : 'inactive'}>
            <td>{user.display_name ?? [user.first_name, user.last_name].filter(Boolean).join(' ')}</td>
            <td>{user.email ?? t.common.none}</td>
            <td>{user.initials ?? t.common.none}</td>
            <td>{user.department ?? t.common.none}</td>
            <td>{user.job_title ?? t.common.none}</td>
            <td>{customerTypeNames.get(user.customer_type_id) ?? t.common.none}</td>
            <td class="source">
              {user.managing_setup_id ? (
                <a href={`/admin/setup/${user.managing_setup_id}/runs`}>
                  {setupNames.get(user.managing_setup_id) ?? user.managing_setup_id}
                </a>
              ) : (
                u.notManaged
              )}
            </td>
            <td>{user.active ? t.common.yes : t.common.no}</td>
          </tr>
        ))}
      />
      <Pager t={t} page={current} total={total} hrefFor={href} />
    </Layout>
  );
}
