/** The errors a transfer raises besides the stores', qemu-img's and the archive reader's. */
import { NovacronError, type NovacronErrorOptions } from '../provider/errors.js';

/** Bytes that should be equal are not: the source differs from its artifact's checksum, or the destination from what was sent. */
export class ChecksumMismatchError extends NovacronError {
  /** Where the mismatch was found: `source` (as downloaded), `destination` (as the store reports it), `read-back` (as read again), `spool` (a resumed file). */
  readonly stage: 'source' | 'destination' | 'read-back' | 'spool';
  /** The digest expected (hex). */
  readonly expected: string;
  /** The digest found (hex). */
  readonly actual: string;
  /** Creates a checksum-mismatch error. */
  constructor(options: NovacronErrorOptions & { stage: ChecksumMismatchError['stage']; expected: string; actual: string }) {
    super('CHECKSUM_MISMATCH', true, options);
    this.name = 'ChecksumMismatchError';
    this.stage = options.stage;
    this.expected = options.expected;
    this.actual = options.actual;
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is ChecksumMismatchError {
    return NovacronError.hasMarker(value, 'CHECKSUM_MISMATCH');
  }
}
