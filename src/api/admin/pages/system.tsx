import { retryableStatuses } from '../../../connections/service.js';
import type { DirectoryConnection } from '../../../db/schema.js';
import { Layout, type PageContext } from '../components/layout.js';
import { Notice } from '../components/notice.js';
import { PostButton } from '../components/post-button.js';
import { Table } from '../components/table.js';
import { shownReason } from '../stored-reason.js';

export interface SystemNotice {
  kind: 'success' | 'error' | 'info';
  text: string;
}

/** An ldap connection's failure in the reader's language (the class), then the directory's own detail. */
function ldapFailure(page: PageContext, connection: DirectoryConnection): string | null {
  const failure = connection.ldap_verification_facts?.failure as { reason?: string } | undefined;
  return failure?.reason ? (page.t.ldap.failures[failure.reason] ?? null) : null;
}

function ConnectionRow({ page, connection }: { page: PageContext; connection: DirectoryConnection }) {
  const { t } = page;
  const isLdap = connection.provider === 'ldap';
  const retryable = !isLdap && (retryableStatuses as readonly string[]).includes(connection.status);
  const failure = connection.status === 'failed' ? ldapFailure(page, connection) : null;
  return (
    <tr id={`connection-${connection.id}`} data-status={connection.status} data-provider={connection.provider}>
      <td>{connection.designation ?? t.common.none}</td>
      <td>{isLdap ? t.ldap.provider : t.connectionForm.azure}</td>
      <td class="mono">{isLdap ? (connection.ldap_base_dn ?? connection.tenant_id) : connection.tenant_id}</td>
      <td class="organisation">{connection.organization_name ?? t.common.none}</td>
      <td class="status">
        <span class={`badge badge-${connection.status}`}>{t.system.status[connection.status]}</span>
      </td>
      <td class="reason">
        {failure ? <strong class="ldap-failure">{failure} </strong> : null}
        {shownReason(t, connection.status_reason, connection.status_reason_detail)}
      </td>
      <td class="actions">
        {isLdap ? (
          <PostButton
            page={page}
            action={`/admin/system/connections/${connection.id}/check`}
            label={t.ldap.check}
            kind="primary"
          />
        ) : null}
        {retryable ? (
          <PostButton
            page={page}
            action={`/admin/system/connections/${connection.id}/consent`}
            label={t.system.retryConsent}
            kind="primary"
          />
        ) : null}
        <PostButton
          page={page}
          action={`/admin/system/connections/${connection.id}/delete`}
          label={t.common.delete}
          kind="danger"
        />
      </td>
    </tr>
  );
}

export function SystemPage({
  page,
  connections,
  notice,
}: {
  page: PageContext;
  connections: DirectoryConnection[];
  notice?: SystemNotice;
}) {
  const { t } = page;
  return (
    <Layout page={page} title={t.nav.system} tab="system">
      <div class="heading">
        <h1>{t.system.title}</h1>
        <a class="button primary" href="/admin/system/new" id="create-connection">
          {t.common.create}
        </a>
      </div>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <p class="intro">{t.system.intro}</p>
      <p>
        <a href="/admin/system/api-keys" id="api-keys-link">
          {t.apiKeys.link}
        </a>
      </p>
      <Table
        id="connections"
        headers={[
          t.common.designation,
          t.system.provider,
          t.system.tenant,
          t.system.organisation,
          t.common.status,
          t.common.reason,
          t.common.actions,
        ]}
        empty={t.system.empty}
        rows={connections.map((connection) => (
          <ConnectionRow page={page} connection={connection} />
        ))}
      />
    </Layout>
  );
}
