import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileStoredRules,
  customerTypeFor,
  parseCustomerTypeRules,
  ruleGroupIds,
  type CompiledRule,
} from '../../src/sync/customer-type-rules.js';

const guid = fc.uuid().map((id) => id.toLowerCase());
const FALLBACK = '00000000-0000-4000-8000-00000000000f';

function compiled(rules: unknown): CompiledRule[] {
  const parsed = parseCustomerTypeRules(rules);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.compiled;
}

const user = (attributes: Record<string, string | null>, email: string | null = null) => ({ attributes, email });

describe('customer-type rules', () => {
  it('routes two groups into two customer types, first match wins, else the setup’s type', () => {
    const [sales, support, typeA, typeB] = [
      '11111111-1111-4111-8111-111111111111',
      '22222222-2222-4222-8222-222222222222',
      'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
      'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
    ];
    const rules = compiled([
      { memberOf: sales, customerTypeId: typeA },
      { memberOf: support, customerTypeId: typeB },
    ]);
    expect(customerTypeFor(user({}), new Set([sales]), rules, FALLBACK)).toEqual({ customerTypeId: typeA, rule: 0 });
    expect(customerTypeFor(user({}), new Set([support]), rules, FALLBACK)).toEqual({ customerTypeId: typeB, rule: 1 });
    // in both: the first rule decides
    expect(customerTypeFor(user({}), new Set([support, sales]), rules, FALLBACK).customerTypeId).toBe(typeA);
    expect(customerTypeFor(user({}), new Set(), rules, FALLBACK)).toEqual({ customerTypeId: FALLBACK, rule: null });
    expect(ruleGroupIds(rules)).toEqual([sales, support]);
  });

  it('matches RFC 4515 filters on the attributes, nested ones by their last segment', () => {
    const type = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
    const rules = compiled([{ filter: '(&(department=Sales)(extensionAttribute1=EU*))', customerTypeId: type }]);
    const member = user({ department: 'sales', 'onPremisesExtensionAttributes.extensionAttribute1': 'EU-North' });
    expect(customerTypeFor(member, new Set(), rules, FALLBACK).customerTypeId).toBe(type);
    expect(customerTypeFor(user({ department: 'Sales' }), new Set(), rules, FALLBACK).customerTypeId).toBe(FALLBACK);
    // the provider's email is the filter's mail when the directory sent none
    const byMail = compiled([{ filter: '(mail=*@contoso.com)', customerTypeId: type }]);
    expect(customerTypeFor(user({}, 'a@contoso.com'), new Set(), byMail, FALLBACK).customerTypeId).toBe(type);
  });

  it('refuses bad rules, naming the rule, the key and the position in a filter', () => {
    const parsed = parseCustomerTypeRules([
      { memberOf: 'sales', customerTypeId: FALLBACK },
      { filter: '(department=Sales', customerTypeId: FALLBACK },
      { memberOf: FALLBACK, filter: '(a=b)', customerTypeId: FALLBACK },
      { memberOf: FALLBACK },
      { memberOf: FALLBACK, customerTypeId: FALLBACK, extra: 1 },
      'x',
    ]);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.map((e) => [e.field, e.position])).toEqual([
      ['customerTypeRules[0].memberOf', 0],
      ['customerTypeRules[1].filter', 17],
      ['customerTypeRules[2]', 0],
      ['customerTypeRules[3].customerTypeId', 0],
      ['customerTypeRules[4]', 0],
      ['customerTypeRules[5]', 0],
    ]);
    expect(parseCustomerTypeRules({}).ok).toBe(false);
    expect(
      parseCustomerTypeRules(Array.from({ length: 21 }, () => ({ memberOf: FALLBACK, customerTypeId: FALLBACK }))).ok,
    ).toBe(false);
    expect(() => compileStoredRules([{ filter: '(', customerTypeId: FALLBACK }])).toThrow(/customer type rules/);
    expect(compileStoredRules(null)).toEqual([]);
  });

  it('property: the result is the first rule whose group the member is in, else the fallback', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            memberOf: fc.constantFrom(...['a', 'b', 'c', 'd'].map((c) => `${c.repeat(8)}-0000-4000-8000-000000000000`)),
            customerTypeId: guid,
          }),
          { maxLength: 6 },
        ),
        fc.subarray(['a', 'b', 'c', 'd'].map((c) => `${c.repeat(8)}-0000-4000-8000-000000000000`)),
        (rules, groups) => {
          const memberOf = new Set(groups);
          const result = customerTypeFor(user({}), memberOf, compiled(rules), FALLBACK);
          const first = rules.findIndex((rule) => memberOf.has(rule.memberOf));
          expect(result).toEqual(
            first === -1
              ? { customerTypeId: FALLBACK, rule: null }
              : { customerTypeId: rules[first]!.customerTypeId, rule: first },
          );
        },
      ),
    );
  });

  it('property: parse accepts exactly the well-formed rules and arbitrary JSON never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = parseCustomerTypeRules(value);
        if (parsed.ok) expect(parsed.rules).toHaveLength((value as unknown[]).length);
        else expect(parsed.errors.length).toBeGreaterThan(0);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ memberOf: guid, customerTypeId: guid }), { maxLength: 20 }), (rules) => {
        const parsed = parseCustomerTypeRules(rules);
        expect(parsed.ok && parsed.rules).toEqual(rules);
      }),
    );
  });
});
