import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import { insertCustomerType } from '../db/repositories/customer-types.js';
import { NameTaken } from '../domain/errors.js';

/** Adds a customer type (the name checked by src/domain/rules.ts at the edge); a taken name is NameTaken. */
export async function addCustomerType(db: Db, companyId: string, name: string) {
  try {
    return await insertCustomerType(db, companyId, name);
  } catch (err) {
    if (isUniqueViolation(err)) throw new NameTaken(name);
    throw err;
  }
}
