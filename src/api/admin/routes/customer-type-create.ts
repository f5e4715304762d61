import type { Hono } from 'hono';
import { insertCustomerType } from '../../../db/repositories/customer-types.js';
import { isUniqueViolation } from '../../../db/errors.js';
import { customerTypeNameMax } from '../../schemas/company.js';
import type { AdminEnv } from '../env.js';
import { formText } from '../form.js';
import { redirectTo } from '../render.js';
import { renderSetupsTab } from './setups.js';

/** Add a customer type from the Setup tab (the same rules as POST /api/v1/customer-types); refusals beside the field. */
export function registerCustomerTypeCreate(admin: Hono<AdminEnv>): void {
  admin.post('/customer-types', async (c) => {
    const t = c.get('t');
    const name = formText(await c.req.parseBody(), 'name');
    const refuse = (reason: string, status: 400 | 409) =>
      renderSetupsTab(c, { name, errors: { name: reason } }, status);
    if (name === '') return refuse(t.customerTypes.required, 400);
    if (name.length > customerTypeNameMax) return refuse(t.common.tooLong(customerTypeNameMax), 400);
    try {
      await insertCustomerType(c.get('deps').db, c.get('company').id, name);
    } catch (err) {
      if (isUniqueViolation(err)) return refuse(t.customerTypes.duplicate, 409);
      throw err;
    }
    return redirectTo(c, '/admin/setup', { notice: 'customer_type_added', name });
  });
}
