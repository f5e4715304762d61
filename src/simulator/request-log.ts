/** What the simulator saw, so tests can assert how a client behaved (retries, headers it sent, faults it met). */
export interface RequestRecord {
  at: string;
  method: string;
  /** Path and query as requested. */
  url: string;
  status: number;
  durationMs: number;
  tenantId?: string;
  clientId?: string;
  consistencyLevel?: string;
  /** Set when a fault answered instead of the endpoint: drop, throttle, error. */
  fault?: string;
  /** Requests inside a `$batch` name the batch's request id. */
  batchRequestId?: string;
}

export class RequestLog {
  private records: RequestRecord[] = [];

  constructor(private readonly capacity = 10_000) {}

  add(record: RequestRecord): void {
    this.records.push(record);
    if (this.records.length > this.capacity) this.records = this.records.slice(-Math.floor(this.capacity / 2));
  }

  list(filter: { tenantId?: string; urlIncludes?: string } = {}): RequestRecord[] {
    return this.records.filter(
      (r) =>
        (!filter.tenantId || r.tenantId === filter.tenantId) &&
        (!filter.urlIncludes || r.url.toLowerCase().includes(filter.urlIncludes.toLowerCase())),
    );
  }

  clear(): void {
    this.records = [];
  }
}
