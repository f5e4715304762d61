import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { DomainError, DomainErrorKind } from '../domain/errors.js';
import { RunAlreadyActive, SettingsRefused } from '../domain/errors.js';
import { ApiError, type ErrorCode } from './errors.js';

/**
 * The one place the JSON API turns a use case's refusal (src/domain/errors.ts) into HTTP: its status and code,
 * the domain's sentence as the message, and the refused field in `details`. app.ts's error handler calls it, so
 * a route never catches a domain error itself.
 */
const httpOf: Record<DomainErrorKind, { status: ContentfulStatusCode; code: ErrorCode }> = {
  unknown_reference: { status: 422, code: 'unprocessable' },
  connection_not_connected: { status: 422, code: 'unprocessable' },
  group_not_found: { status: 422, code: 'unprocessable' },
  directory_unavailable: { status: 502, code: 'upstream_error' },
  setup_exists: { status: 409, code: 'conflict' },
  run_already_active: { status: 409, code: 'conflict' },
  name_taken: { status: 409, code: 'conflict' },
  tenant_taken: { status: 409, code: 'conflict' },
  tenant_already_connected: { status: 409, code: 'conflict' },
  not_configured: { status: 503, code: 'not_configured' },
  settings_malformed: { status: 400, code: 'validation_failed' },
  settings_refused: { status: 422, code: 'unprocessable' },
  connection_input_refused: { status: 400, code: 'validation_failed' },
  directory_already_connected: { status: 409, code: 'conflict' },
  secrets_key_missing: { status: 503, code: 'not_configured' },
};

export function apiErrorFor(err: DomainError): ApiError {
  const { status, code } = httpOf[err.kind];
  const details =
    err instanceof SettingsRefused
      ? err.problems
      : err.field
        ? [{ field: err.field, reason: err.fieldReason ?? err.message }]
        : undefined;
  // a client that lost the race for a run learns which run it lost to
  const extra = err instanceof RunAlreadyActive ? { runId: err.activeRunId } : undefined;
  return new ApiError(status, code, err.message, details, extra);
}

/** The HTTP status a domain refusal answers with (the admin pages answer with the same). */
export function statusFor(err: DomainError): ContentfulStatusCode {
  return httpOf[err.kind].status;
}
