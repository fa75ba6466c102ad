/**
 * The error of the state layer's fencing rule: a write guarded by a lease's token is refused once
 * the lease has moved on. It is a {@link ConflictError} (code `CONFLICT`) marked `FENCED` besides.
 */
import { ConflictError, NovacronError, type NovacronErrorOptions } from '../provider/errors.js';

/**
 * A write guarded by a lease's fencing token was refused because that token is no longer the
 * lease's current one: another holder has taken the lease since (or the token was never issued).
 * A subclass of {@link ConflictError}, so code that handles conflicts handles this too.
 */
export class FencedError extends ConflictError {
  /** Name of the lease that guarded the write. */
  readonly lease: string;
  /** The token the write carried. */
  readonly token: number;
  /** The lease's current token, when the lease exists. */
  readonly currentToken: number | undefined;
  /** Creates a fenced-write error. */
  constructor(options: NovacronErrorOptions & { lease: string; token: number; currentToken?: number | undefined }) {
    super(options);
    this.name = 'FencedError';
    this.lease = options.lease;
    this.token = options.token;
    this.currentToken = options.currentToken;
    this.addMarker('FENCED');
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is FencedError {
    return NovacronError.hasMarker(value, 'FENCED');
  }
}
