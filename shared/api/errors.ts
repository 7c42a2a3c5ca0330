// Stable error codes of the HTTP API (DESIGN §4). Clients switch on `code`; `message` is a
// sentence for people; `details` carries data for machines. No message ever holds a secret.

export const ERROR_STATUS = {
  invalid_request: 400,
  unknown_action: 400,
  unknown_role: 400,
  unknown_group: 400,
  unknown_user: 400,
  invalid_regex: 400,
  invalid_cidr: 400,
  invalid_cursor: 400,
  invalid_openapi: 400,
  lifetime_exceeded: 400,
  invalid_url: 400,
  unauthorized: 401,
  forbidden: 403,
  escalation: 403,
  issuance_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  name_taken: 409,
  conflict: 409,
  role_in_use: 409,
  catalog_in_use: 409,
  credential_revoked: 409,
  prefix_taken: 409,
  secret_taken: 409,
  last_administrator: 409,
  version_mismatch: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
  /** The database cannot be reached or cannot write right now; answered with Retry-After. */
  database_unavailable: 503,
  server_busy: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ApiErrorBody {
  error: { code: ErrorCode | string; message: string; details?: Record<string, unknown> };
}

/** An error with a stable code, a human sentence and machine details; thrown by services. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = details;
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  const error = (value as ApiErrorBody | null)?.error;
  return typeof error === 'object' && error !== null && typeof error.code === 'string' && typeof error.message === 'string';
}
