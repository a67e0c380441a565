/** The one error type Canopy raises on purpose, with a machine-readable `error_type`. */

/** Every `error_type` Canopy reports, mapped once to an HTTP status and a CLI exit code. */
export const ERROR_TYPES = {
  invalid_config: { http: 400, exit: 2 },
  usage: { http: 400, exit: 2 },
  bad_request: { http: 400, exit: 2 },
  unknown_service: { http: 404, exit: 1 },
  not_found: { http: 404, exit: 1 },
  method_not_allowed: { http: 405, exit: 1 },
  unauthorized: { http: 401, exit: 1 },
  forbidden: { http: 403, exit: 1 },
  payload_too_large: { http: 413, exit: 1 },
  start_failed: { http: 500, exit: 1 },
  not_running: { http: 409, exit: 1 },
  daemon_not_running: { http: 503, exit: 3 },
  daemon_running: { http: 409, exit: 1 },
  unsafe_permissions: { http: 500, exit: 1 },
  ssh_failed: { http: 502, exit: 4 },
  remote_canopy_missing: { http: 502, exit: 5 },
  internal: { http: 500, exit: 1 },
} as const;

export type ErrorType = keyof typeof ERROR_TYPES;

export class CanopyError extends Error {
  readonly error_type: ErrorType;
  /** Extra machine-readable fields carried to the API body (e.g. `file`, `service`, `field`). */
  readonly details: Record<string, unknown>;

  constructor(error_type: ErrorType, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "CanopyError";
    this.error_type = error_type;
    this.details = details;
  }

  get httpStatus(): number {
    return ERROR_TYPES[this.error_type].http;
  }

  get exitCode(): number {
    return ERROR_TYPES[this.error_type].exit;
  }

  /** The wire shape every API error body has. */
  toJSON(): { error_type: ErrorType; error_description: string } & Record<string, unknown> {
    return { error_type: this.error_type, error_description: this.message, ...this.details };
  }
}

export function isCanopyError(e: unknown): e is CanopyError {
  return e instanceof CanopyError;
}
