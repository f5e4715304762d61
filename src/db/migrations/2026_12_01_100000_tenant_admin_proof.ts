import { sql, type Kysely } from 'kysely';

/**
 * Proof that a tenant admin approved *this* company (issue 10):
 * - a connection records who signed in (UPN, object id) when it was connected through the admin sign-in;
 *   `POST /connections/{id}/check` only re-checks connections that have this proof;
 * - consent states are bound to their connection *and* company, and serve two purposes: the admin-consent
 *   round trip and the OpenID Connect sign-in (nonce hashed, PKCE verifier kept server-side only);
 * - one tenant, one company: a connected tenant GUID belongs to one company unless the operator shares it with
 *   a set of companies (tenant_shares, with an append-only audit). A trigger checks it in the transaction that
 *   marks a connection connected, under a per-tenant advisory lock, so two companies racing cannot both win.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table directory_connections
      add column admin_upn text,
      add column admin_object_id uuid,
      add column admin_verified_at timestamptz;

    alter table consent_states
      add column purpose text not null default 'consent' check (purpose in ('consent', 'sign_in')),
      add column company_id uuid,
      add column nonce_hash text,
      add column code_verifier text,
      add foreign key (connection_id, company_id) references directory_connections (id, company_id) on delete cascade;

    create table tenant_shares (
      tenant_guid uuid not null,
      company_id uuid not null references companies(id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (tenant_guid, company_id)
    );
    create index tenant_shares_company on tenant_shares (company_id);

    create table tenant_share_audit (
      id bigserial primary key,
      tenant_guid uuid not null,
      action text not null check (action in ('set', 'delete')),
      company_ids uuid[] not null,
      actor text not null,
      at timestamptz not null default now()
    );
    create function tenant_share_audit_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'tenant_share_audit is append-only (% refused)', tg_op using errcode = 'P0001';
    end $$;
    create trigger tenant_share_audit_append_only before update or delete on tenant_share_audit
      for each row execute function tenant_share_audit_append_only();

    create function directory_connections_one_company_per_tenant() returns trigger language plpgsql as $$
    declare
      other_company uuid;
    begin
      if new.status <> 'connected' or new.tenant_guid is null then
        return new;
      end if;
      perform pg_advisory_xact_lock(hashtextextended('ds-tenant:' || new.tenant_guid::text, 0));
      select c.company_id into other_company
        from directory_connections c
       where c.tenant_guid = new.tenant_guid
         and c.status = 'connected'
         and c.company_id <> new.company_id
         and c.id <> new.id
         and not (
           exists (select 1 from tenant_shares s where s.tenant_guid = new.tenant_guid and s.company_id = new.company_id)
           and exists (select 1 from tenant_shares s where s.tenant_guid = new.tenant_guid and s.company_id = c.company_id)
         )
       limit 1;
      if other_company is not null then
        raise exception 'tenant % is connected to another company', new.tenant_guid
          using errcode = '23505', constraint = 'directory_connections_one_company_per_tenant';
      end if;
      return new;
    end $$;
    create trigger directory_connections_one_company_per_tenant before insert or update of status, tenant_guid
      on directory_connections for each row execute function directory_connections_one_company_per_tenant();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists directory_connections_one_company_per_tenant on directory_connections;
    drop function if exists directory_connections_one_company_per_tenant();
    drop table if exists tenant_share_audit;
    drop function if exists tenant_share_audit_append_only();
    drop table if exists tenant_shares;
    alter table consent_states drop column if exists purpose, drop column if exists company_id,
      drop column if exists nonce_hash, drop column if exists code_verifier;
    alter table directory_connections drop column if exists admin_upn, drop column if exists admin_object_id,
      drop column if exists admin_verified_at;
  `.execute(db);
}
