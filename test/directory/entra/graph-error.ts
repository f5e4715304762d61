import { GraphError } from '@microsoft/microsoft-graph-client';

/** A Graph answer as the Graph client throws it: status, Graph's code, the answer's headers. */
export function graphError(status: number, code: string, headers: Record<string, string> = {}): GraphError {
  const error = new GraphError(status, `${code} happened`);
  error.code = code;
  error.headers = new Headers(headers);
  return error;
}
