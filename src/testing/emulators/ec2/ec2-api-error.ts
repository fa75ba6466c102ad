/**
 * Errors the emulator answers with: the EC2 error code, its message and the HTTP status AWS
 * uses for it. Statuses per the Amazon EC2 API Reference "Error codes" page (read 2026-11):
 * client errors are 400, AuthFailure 401, UnauthorizedOperation 403, server errors such as
 * InsufficientInstanceCapacity 500 and RequestLimitExceeded 503.
 */
export class Ec2ApiError extends Error {
  /** The EC2 error code, e.g. `InvalidInstanceID.NotFound`. */
  readonly code: string;
  /** HTTP status of the response. */
  readonly status: number;

  /** Creates an error with the status AWS gives `code` unless one is given. */
  constructor(code: string, message: string, status?: number) {
    super(message);
    this.name = 'Ec2ApiError';
    this.code = code;
    this.status = status ?? defaultStatus(code);
  }
}

const SERVER_ERRORS: Readonly<Record<string, number>> = {
  InsufficientInstanceCapacity: 500,
  InsufficientAddressCapacity: 500,
  InsufficientHostCapacity: 500,
  InternalError: 500,
  ServerInternal: 500,
  Unavailable: 503,
  ServiceUnavailable: 503,
  RequestLimitExceeded: 503,
  AuthFailure: 401,
  UnauthorizedOperation: 403,
};

/** The HTTP status EC2 answers `code` with. */
export function defaultStatus(code: string): number {
  return SERVER_ERRORS[code] ?? 400;
}
