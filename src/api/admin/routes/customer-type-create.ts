import type { Hono } from 'hono';
import { addCustomerType } from '../../../customer-types/service.js';
import { customerTypeNameProblem, limits } from '../../../domain/rules.js';
import { refusalOf } from '../domain-errors.js';
import type { AdminEnv } from '../env.js';
import { formText } from '../form.js';
import { redirectTo } from '../render.js';
import { renderSetupsTab } from './setups.js';

/** Add a customer type from the Setup tab (the same rules as POST /api/v1/customer-types); refusals beside the field. */
export function registerCustomerTypeCreate(admin: Hono<AdminEnv>): void {
  admin.post('/customer-types', async (c) => {
    const t = c.get('t');
    const name = formText(await c.req.parseBody(), 'name');
    const problem = customerTypeNameProblem(name);
    if (problem) {
      const reason = problem === 'required' ? t.customerTypes.required : t.common.tooLong(limits.customerTypeName);
      return renderSetupsTab(c, { name, errors: { name: reason } }, 400);
    }
    const added = await refusalOf(t, () => addCustomerType(c.get('deps').db, c.get('company').id, name));
    if (!added.ok) return renderSetupsTab(c, { name, errors: added.errors }, added.status);
    return redirectTo(c, '/admin/setup', { notice: 'customer_type_added', name });
  });
}
