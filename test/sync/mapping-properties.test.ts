import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCustomerTypeRules } from '../../src/sync/customer-type-rules.js';
import {
  indexCandidates,
  planMembers,
  type DirectoryUser,
  type ProductUser,
  type SetupPolicy,
} from '../../src/sync/index.js';
import { checkStoredMapping, MAPPABLE_ATTRIBUTES } from '../../src/sync/product-mapping.js';
import { applyToSnapshot, directoryUser, NOW, setupPolicy } from './builders.js';

/**
 * The planner with a setup's mapping and customer-type rules (issue 16), over generated members, group
 * memberships, mappings and rules: each member lands in the first matching rule's customer type (else the setup's),
 * mapped attributes are what the sources say, and planning again after applying writes nothing.
 */
const GROUPS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
const TYPES = ['aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'];
const value = fc.constantFrom<string | null>('E1', 'x', ' padded ', '', null);

const memberArb = fc
  .record({
    n: fc.integer({ min: 0, max: 5 }),
    employeeId: value,
    ext: value,
    groups: fc.subarray(GROUPS),
    department: value,
  })
  .map(({ n, employeeId, ext, groups, department }) => ({
    member: {
      ...directoryUser({
        id: `e${n}`,
        mail: `u${n}@example.com`,
        userPrincipalName: `u${n}@example.com`,
        employeeId,
        department,
      }),
    } as DirectoryUser,
    ext,
    groups,
  }))
  .map(({ member, ext, groups }) => ({
    member: {
      ...member,
      attributes: { ...member.attributes, 'onPremisesExtensionAttributes.extensionAttribute1': ext },
    },
    groups,
  }));

const mappingArb = fc.constantFrom<Record<string, unknown>>(
  {},
  { employeeId: { attribute: 'employeeId' } },
  { costCenter: { attribute: 'onPremisesExtensionAttributes.extensionAttribute1' }, employeeId: { constant: 'fixed' } },
  {
    department: { expression: 'Upper(Coalesce(department, "none"))' },
    employeeId: { expression: 'Lower(employeeId)' },
  },
);

const rulesArb = fc.array(
  fc.oneof(
    fc.record({ memberOf: fc.constantFrom(...GROUPS), customerTypeId: fc.constantFrom(...TYPES) }),
    fc.record({
      filter: fc.constantFrom('(department=x)', '(extensionAttribute1=E*)'),
      customerTypeId: fc.constantFrom(...TYPES),
    }),
  ),
  { maxLength: 3 },
);

function policyWith(mapping: Record<string, unknown>, rules: unknown[], updateExisting: boolean): SetupPolicy {
  const checked = checkStoredMapping(mapping, MAPPABLE_ATTRIBUTES.azure);
  const parsed = parseCustomerTypeRules(rules);
  if (!checked.ok || !parsed.ok) throw new Error('generated settings must be valid');
  return setupPolicy({ mapping: checked.compiled, customerTypeRules: parsed.compiled, updateExisting });
}

/** The oracle: the first rule (in order) the member matches, read the simple way. */
function expectedType(
  member: DirectoryUser,
  groups: readonly string[],
  rules: Record<string, string>[],
  fallback: string,
) {
  for (const rule of rules) {
    if (rule.memberOf !== undefined && groups.includes(rule.memberOf)) return rule.customerTypeId;
    if (rule.filter === '(department=x)' && member.attributes.department?.trim().toLowerCase() === 'x')
      return rule.customerTypeId;
    const ext = member.attributes['onPremisesExtensionAttributes.extensionAttribute1'];
    if (rule.filter === '(extensionAttribute1=E*)' && ext?.trim().toLowerCase().startsWith('e'))
      return rule.customerTypeId;
  }
  return fallback;
}

describe('planner properties with mapping and customer-type rules', () => {
  it('routes by the first matching rule, maps the sources, and converges', () => {
    fc.assert(
      fc.property(
        fc.array(memberArb, { maxLength: 6 }),
        mappingArb,
        rulesArb,
        fc.boolean(),
        (entries, mapping, rules, updateExisting) => {
          const byId = new Map(entries.map((e) => [e.member.id, e]));
          const members = [...byId.values()].map((e) => e.member);
          const ruleGroups = new Map([...byId.values()].map((e) => [e.member.id, new Set(e.groups)]));
          const policy = policyWith(mapping, rules, updateExisting);
          const plan = (users: ProductUser[]) => planMembers(members, indexCandidates(users), policy, ruleGroups);

          const first = plan([]);
          for (const change of first) {
            expect(change.action).toBe('create');
            const { member, groups } = byId.get(change.externalId!)!;
            const wanted = expectedType(member, groups, rules as Record<string, string>[], policy.customerTypeId);
            if (rules.length > 0) expect(change.after!.customerTypeId).toBe(wanted);
            else expect(change.after).not.toHaveProperty('customerTypeId');
            if ('employeeId' in mapping) expect(change.after).toHaveProperty('employeeId');
            else expect(change.after).not.toHaveProperty('employeeId');
          }
          const users = applyToSnapshot([], first, policy, NOW);
          const again = plan(users);
          expect(again.filter((c) => c.action !== 'unchanged')).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
