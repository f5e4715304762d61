import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { countDirectoryResponse } from '../../metrics/registry.js';

/**
 * A Graph client middleware placed just before the HTTP handler, behind the SDK's retry handler: it sees every
 * attempt that reaches the network (a throttled request the SDK retries counts each time) and counts it by status.
 */
export class DirectoryRequestMetrics implements Middleware {
  private next?: Middleware;

  constructor(private readonly provider: string) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    try {
      await this.next!.execute(context);
    } catch (err) {
      countDirectoryResponse(this.provider, 'error', null);
      throw err;
    }
    const response = context.response;
    if (response) countDirectoryResponse(this.provider, response.status, response.headers.get('retry-after'));
  }
}
