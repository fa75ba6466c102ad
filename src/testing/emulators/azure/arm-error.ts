/**
 * An error the ARM emulator answers with, in ARM's body shape
 * `{ "error": { "code", "message", "target"?, "details"? } }` (azure-rest-api-specs,
 * common-types/resource-management v5 types.json `ErrorResponse`/`ErrorDetail`, read 2026-12).
 * Handlers throw it; the wire layer renders it with ARM's headers.
 */

/** One entry of `error.details`. */
export interface ArmErrorDetail {
  /** Error code. */
  readonly code: string;
  /** Message. */
  readonly message: string;
  /** The field or resource it is about. */
  readonly target?: string | undefined;
}

/** What an {@link ArmError} carries besides status, code and message. */
export interface ArmErrorExtras {
  /** The field or resource the error is about (`hardwareProfile.vmSize`). */
  readonly target?: string | undefined;
  /** Nested errors. */
  readonly details?: readonly ArmErrorDetail[] | undefined;
  /** Extra response headers (`WWW-Authenticate`, `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** An ARM error answer. */
export class ArmError extends Error {
  /** Creates an error answered with `status`. */
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** ARM error code (`ResourceNotFound`, `SkuNotAvailable`). */
    readonly code: string,
    message: string,
    /** Target, details, headers. */
    readonly extras: ArmErrorExtras = {},
  ) {
    super(message);
    this.name = 'ArmError';
  }

  /** The error body as ARM writes it. */
  body(): { error: { code: string; message: string; target?: string; details?: ArmErrorDetail[] } } {
    const { target, details } = this.extras;
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(target !== undefined ? { target } : {}),
        ...(details !== undefined ? { details: [...details] } : {}),
      },
    };
  }
}

/** 400 `InvalidParameter` about one field, as the compute RP words it. */
export function invalidParameter(target: string, message: string): ArmError {
  return new ArmError(400, 'InvalidParameter', message, { target });
}

/** 400 `InvalidParameter` for a required field that is absent (compute RP wording). */
export function missingParameter(target: string): ArmError {
  const name = target.split('.').pop() ?? target;
  return invalidParameter(target, `Required parameter '${name}' is missing (null).`);
}
