import type { Hono } from 'hono';
import { listCustomerTypes } from '../../../db/repositories/customer-types.js';
import { listCompanyUsers } from '../../../db/repositories/run-history.js';
import { listCompanySetups } from '../../../db/repositories/setups.js';
import { pageParam } from '../components/pager.js';
import { setupName } from '../data/setup-overview.js';
import type { AdminEnv } from '../env.js';
import { UsersPage } from '../pages/users.js';
import { pageContext, render } from '../render.js';
import { limits } from '../../../domain/rules.js';

/** The users page: the product's users with their source setup, searchable by name, email or initials. */
export function registerUsersPage(admin: Hono<AdminEnv>): void {
  admin.get('/users', async (c) => {
    const { db } = c.get('deps');
    const companyId = c.get('company').id;
    const query = (c.req.query('q') ?? '').trim().slice(0, limits.userSearch);
    const current = pageParam(c.req.query('page'));
    const [{ rows, total }, setups, customerTypes] = await Promise.all([
      listCompanyUsers(db, companyId, { q: query || undefined, page: current }),
      listCompanySetups(db, companyId),
      listCustomerTypes(db, companyId),
    ]);
    return render(
      c,
      <UsersPage
        page={pageContext(c)}
        users={rows}
        total={total}
        current={current}
        query={query}
        setupNames={new Map(setups.map((s) => [s.id, setupName(s)]))}
        customerTypeNames={new Map(customerTypes.map((ct) => [ct.id, ct.name]))}
      />,
    );
  });
}
