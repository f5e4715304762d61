import { Layout, type PageContext } from '../components/layout.js';
import { Notice } from '../components/notice.js';
import { PostButton } from '../components/post-button.js';
import { Table } from '../components/table.js';
import { formatDateTime } from '../format.js';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
}

/** The company's active API keys (never the keys: name, prefix, dates), each with Revoke. */
export function ApiKeysPage({
  page,
  keys,
  currentKeyId,
  notice,
}: {
  page: PageContext;
  keys: ApiKeyRow[];
  currentKeyId: string | null;
  notice?: string;
}) {
  const { t } = page;
  return (
    <Layout page={page} title={t.apiKeys.title} tab="system">
      <h1>{t.apiKeys.title}</h1>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <p class="intro">{t.apiKeys.intro}</p>
      <Table
        id="api-keys"
        headers={[t.apiKeys.name, t.apiKeys.prefix, t.apiKeys.created, t.apiKeys.lastUsed, t.common.actions]}
        empty={t.apiKeys.empty}
        rows={keys.map((key) => (
          <tr id={`api-key-${key.id}`}>
            <td class="name">
              {key.name}
              {key.id === currentKeyId ? <span class="badge"> {t.apiKeys.current}</span> : null}
            </td>
            <td class="mono prefix">{key.prefix}…</td>
            <td>{formatDateTime(t, key.created_at)}</td>
            <td class="last-used">{key.last_used_at ? formatDateTime(t, key.last_used_at) : t.apiKeys.never}</td>
            <td class="actions">
              <PostButton
                page={page}
                action={`/admin/system/api-keys/${key.id}/revoke`}
                label={t.apiKeys.revoke}
                kind="danger"
              />
            </td>
          </tr>
        ))}
      />
      <p>
        <a href="/admin/system">{t.common.back}</a>
      </p>
    </Layout>
  );
}
