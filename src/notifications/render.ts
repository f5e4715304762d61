/** What a notification says: the webhook's JSON body and the e-mail's subject and text, from one event. */
export interface EventForDelivery {
  id: number;
  type: string;
  companyId: string;
  data: Record<string, unknown>;
  createdAt: Date;
  /** The setup's group name and designation, when the event is about a setup. */
  setupName?: string | null;
}

export function webhookMessageId(eventId: number): string {
  return `evt_${eventId}`;
}

function links(event: EventForDelivery, publicBaseUrl: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof event.data.approvePath === 'string') out.approve = `${publicBaseUrl}${event.data.approvePath}`;
  if (typeof event.data.runId === 'string') out.run = `${publicBaseUrl}/admin/runs/${event.data.runId}`;
  if (event.type === 'connection.access_lost') out.connections = `${publicBaseUrl}/admin/system`;
  return out;
}

/** Standard Webhooks payload shape: { type, timestamp, data }, plus our id and links. */
export function webhookBody(event: EventForDelivery, publicBaseUrl: string): string {
  return JSON.stringify({
    id: webhookMessageId(event.id),
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    data: {
      ...event.data,
      ...(event.setupName ? { setupName: event.setupName } : {}),
      links: links(event, publicBaseUrl),
    },
  });
}

export function emailMessage(event: EventForDelivery, publicBaseUrl: string): { subject: string; text: string } {
  const d = event.data;
  const setup = event.setupName ? `“${event.setupName}”` : 'a sync setup';
  const l = links(event, publicBaseUrl);
  const lines: string[] = [];
  let subject: string;
  switch (event.type) {
    case 'run.failed':
      subject = `Directory sync failed: ${setup}`;
      lines.push(
        `A sync run of ${setup} failed: ${String(d.error ?? 'no reason recorded')}.`,
        'Nobody was removed because of the failure.',
      );
      break;
    case 'run.held':
      subject = `Directory sync waits for approval: ${String(d.removals)} removals in ${setup}`;
      lines.push(
        `The deletion guard held a sync run of ${setup}: it would remove ${String(d.removals)} of ${String(d.managedBefore)} users.`,
        `Approve or reject the removals: ${l.approve ?? ''}`,
      );
      break;
    case 'connection.access_lost':
      subject = `Directory sync lost access to ${String(d.organizationName ?? d.tenantId)}`;
      lines.push(
        `The connection to ${String(d.organizationName ?? d.tenantId)} lost its consent or credentials: ${String(d.reason)}.`,
        'Its setups are paused. Ask the tenant’s administrator to grant consent again.',
        `Connections: ${l.connections ?? ''}`,
      );
      break;
    case 'setup.failing':
      subject = `Directory sync keeps failing: ${setup}`;
      lines.push(
        `The last ${String(d.failedRuns)} sync runs of ${setup} failed. The latest: ${String(d.error ?? '')}.`,
      );
      break;
    case 'setup.recovered':
      subject = `Directory sync recovered: ${setup}`;
      lines.push(`A sync run of ${setup} succeeded after ${String(d.failedRunsBefore)} failed run(s).`);
      break;
    case 'notification.test':
      subject = 'Directory sync test notification';
      lines.push('This is a test notification from directory sync. It needs no action.');
      break;
    default:
      subject = `Directory sync: ${event.type}`;
      lines.push(JSON.stringify(d, null, 2));
  }
  if (l.run && event.type !== 'run.held') lines.push(`Run: ${l.run}`);
  lines.push('', `Event ${webhookMessageId(event.id)} at ${event.createdAt.toISOString()}.`);
  return { subject, text: lines.join('\n') };
}
