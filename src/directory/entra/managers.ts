import type { Client } from '@microsoft/microsoft-graph-client';
import type { DirectoryUser } from '../../sync/directory-user.js';
import { batchError, batchLimit } from './delta.js';
import { entraEmail } from './directory-user.js';

/**
 * The `manager` attribute a mapping may name (issue 16): the manager's e-mail (mail, else a non-guest UPN, as for
 * the user itself), read with `GET /users/{id}/manager?$select=mail,userPrincipalName`, 20 to a `$batch`. The
 * manager need not be in the setup's group. A 404 is "no manager" (null); any other inner failure fails the read,
 * so a page is read again rather than staged with managers missing. A member whose manager was not read has no
 * `manager` attribute at all, and the planner then leaves the product's manager as it is.
 */
export async function withManagers(client: Client, users: readonly DirectoryUser[]): Promise<DirectoryUser[]> {
  const managers = new Map<string, string | null>();
  for (let i = 0; i < users.length; i += batchLimit) {
    const chunk = users.slice(i, i + batchLimit);
    const requests = chunk.map((user, index) => ({
      id: String(index + 1),
      method: 'GET',
      url: `/users/${encodeURIComponent(user.id)}/manager?$select=mail,userPrincipalName`,
    }));
    const response = (await client.api('/$batch').post({ requests })) as {
      responses?: {
        id: string;
        status: number;
        body?: Record<string, unknown> & { error?: { code?: string; message?: string } };
      }[];
    };
    const answers = new Map((response.responses ?? []).map((a) => [a.id, a]));
    for (const [index, user] of chunk.entries()) {
      const answer = answers.get(String(index + 1));
      const url = requests[index]!.url;
      if (answer?.status === 200) {
        const mail = typeof answer.body?.mail === 'string' ? answer.body.mail : null;
        const upn = typeof answer.body?.userPrincipalName === 'string' ? answer.body.userPrincipalName : null;
        managers.set(user.id, entraEmail(mail, upn));
      } else if (answer?.status === 404) managers.set(user.id, null);
      else
        throw batchError(
          answer?.status ?? 500,
          answer?.body?.error?.code ?? '',
          answer?.body?.error?.message ?? `no answer for GET ${url} in the $batch`,
          url,
        );
    }
  }
  return users.map((user) => ({ ...user, attributes: { ...user.attributes, manager: managers.get(user.id) ?? null } }));
}
