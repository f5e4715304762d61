/**
 * A setup's attribute mapping and customer-type rules as they arrive in PATCH/POST /setups (issue 16): parsed and
 * type-checked before anything is stored. A bad source or rule is refused (400) naming the field and the position
 * in its text; a customer type of another company, or a group the tenant does not have, is refused as 422.
 */
import type { Db } from '../db/database.js';
import { SettingsRefused, type SettingProblem } from '../domain/errors.js';
import { findCompanyCustomerType } from '../db/repositories/customer-types.js';
import { parseCustomerTypeRules, type CompiledRule, type CustomerTypeRule } from '../sync/customer-type-rules.js';
import type { CompiledMapping } from '../sync/mapping-expression.js';
import { checkStoredMapping, mappableAttributesFor, type StoredMapping } from '../sync/product-mapping.js';

export interface MappingSettingsInput {
  mapping?: Record<string, unknown> | null;
  customerTypeRules?: unknown[];
}

export interface CheckedMappingSettings {
  mapping?: { stored: StoredMapping | null; compiled: CompiledMapping };
  rules?: { stored: CustomerTypeRule[]; compiled: CompiledRule[] };
}

/**
 * Checks what the body gives (absent stays absent). `groupExists` answers for a rule's group (the tenant is the
 * setup's connection's); `companyId` owns every customer type a rule names.
 */
export async function checkMappingSettings(
  deps: { db: Db },
  input: {
    companyId: string;
    provider: string;
    body: MappingSettingsInput;
    groupExists: (groupId: string) => Promise<boolean>;
  },
): Promise<CheckedMappingSettings> {
  const problems: SettingProblem[] = [];
  const result: CheckedMappingSettings = {};
  const { body } = input;
  if (body.mapping === null) result.mapping = { stored: null, compiled: {} };
  else if (body.mapping !== undefined) {
    const checked = checkStoredMapping(body.mapping, mappableAttributesFor(input.provider));
    if (checked.ok) {
      const empty = Object.keys(checked.stored).length === 0;
      result.mapping = { stored: empty ? null : checked.stored, compiled: checked.compiled };
    } else
      problems.push(
        ...checked.errors.map((e) => ({
          field: e.field === 'mapping' ? 'mapping' : `mapping.${e.field}`,
          reason: e.message,
          position: e.position,
        })),
      );
  }
  if (body.customerTypeRules !== undefined) {
    const checked = parseCustomerTypeRules(body.customerTypeRules);
    if (checked.ok) result.rules = { stored: checked.rules, compiled: checked.compiled };
    else problems.push(...checked.errors.map((e) => ({ field: e.field, reason: e.message, position: e.position })));
  }
  if (problems.length > 0) throw new SettingsRefused(true, problems);

  const unprocessable: SettingProblem[] = [];
  for (const [index, rule] of (result.rules?.stored ?? []).entries()) {
    if (!(await findCompanyCustomerType(deps.db, input.companyId, rule.customerTypeId)))
      unprocessable.push({
        field: `customerTypeRules[${index}].customerTypeId`,
        reason: 'no such customer type in this company',
      });
    if ('memberOf' in rule && !(await input.groupExists(rule.memberOf)))
      unprocessable.push({
        field: `customerTypeRules[${index}].memberOf`,
        reason: `group ${rule.memberOf} was not found in the tenant`,
      });
  }
  if (unprocessable.length > 0) throw new SettingsRefused(false, unprocessable);
  return result;
}

/** The checked settings as column values (only those given). */
export function mappingSettingsColumns(settings: CheckedMappingSettings) {
  return {
    ...(settings.mapping
      ? { mapping: settings.mapping.stored === null ? null : JSON.stringify(settings.mapping.stored) }
      : {}),
    ...(settings.rules ? { customer_type_rules: JSON.stringify(settings.rules.stored) } : {}),
  };
}
