import { sql, type Kysely } from 'kysely';

/**
 * Attribute mapping and customer-type rules per setup (issue 16):
 * - sync_setups.mapping: the product fields this setup maps differently from today's fixed mapping, as
 *   { <field>: { attribute } | { constant } | { expression } } (checked on save); null = today's mapping.
 * - sync_setups.customer_type_rules: ordered [{ memberOf | filter, customerTypeId }]; the first match wins,
 *   else the setup's customer type. [] = every member gets the setup's customer type, as before.
 * - users.attributes: the product fields beyond the columns (employeeId, manager, preferredLanguage,
 *   companyName, costCenter), each present only once some mapping wrote it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sync_setups add column mapping jsonb
      check (mapping is null or jsonb_typeof(mapping) = 'object');
    alter table sync_setups add column customer_type_rules jsonb not null default '[]'::jsonb
      check (jsonb_typeof(customer_type_rules) = 'array');
    alter table users add column attributes jsonb not null default '{}'::jsonb
      check (jsonb_typeof(attributes) = 'object');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users drop column if exists attributes;
    alter table sync_setups drop column if exists customer_type_rules;
    alter table sync_setups drop column if exists mapping;
  `.execute(db);
}
