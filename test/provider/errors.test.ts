import { describe, expect, it } from 'vitest';
import {
  AuthError,
  CapacityError,
  ConflictError,
  InvalidSpecError,
  NotFoundError,
  NovacronError,
  type NovacronErrorOptions,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
  TimeoutError,
  UnsupportedError,
} from '../../src/index.js';
import { ErrorCause } from '../../src/provider-utils/index.js';

const all = [
  [CapacityError, 'CAPACITY', true],
  [QuotaError, 'QUOTA', false],
  [ThrottledError, 'THROTTLED', true],
  [AuthError, 'AUTH', false],
  [NotFoundError, 'NOT_FOUND', false],
  [ConflictError, 'CONFLICT', false],
  [UnsupportedError, 'UNSUPPORTED', false],
  [ProviderUnavailableError, 'PROVIDER_UNAVAILABLE', true],
  [TimeoutError, 'TIMEOUT', true],
] as const;

/** An error class of another module, with a code of its own, as the open code set allows. */
class LeaseLostError extends NovacronError {
  constructor(options: NovacronErrorOptions) {
    super('LEASE_LOST', true, options);
    this.name = 'LeaseLostError';
  }
  static override isInstance(value: unknown): value is LeaseLostError {
    return NovacronError.hasMarker(value, 'LEASE_LOST');
  }
}

describe('error taxonomy', () => {
  it.each(all)('%o has its code, default retryability, provider prefix and marker', (Class, code, retryable) => {
    const error = new (Class as new (o: { message: string; provider: string }) => NovacronError)({ message: 'boom', provider: 'aws-east' });
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.provider).toBe('aws-east');
    expect(error.message).toBe('[novacron] [aws-east] boom');
    expect(error).toBeInstanceOf(Error);
    expect(NovacronError.isInstance(error)).toBe(true);
    expect((Class as unknown as { isInstance(e: unknown): boolean }).isInstance(error)).toBe(true);
    for (const [Other] of all) {
      if (Other !== Class) expect((Other as unknown as { isInstance(e: unknown): boolean }).isInstance(error)).toBe(false);
    }
  });

  it('recognizes errors from another copy of the package by their marker, not by instanceof', () => {
    // A structurally foreign object carrying the markers, as a second copy of the package would build.
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('novacron.error')]: true,
      [Symbol.for('novacron.error.CAPACITY')]: true,
    });
    expect(foreign instanceof CapacityError).toBe(false);
    expect(CapacityError.isInstance(foreign)).toBe(true);
    expect(NovacronError.isInstance(foreign)).toBe(true);
    expect(QuotaError.isInstance(foreign)).toBe(false);
    expect(NovacronError.isInstance(new Error('plain'))).toBe(false);
    expect(NovacronError.isInstance(null)).toBe(false);
    expect(NovacronError.isInstance('CAPACITY')).toBe(false);
  });

  it('lets another module define an error class with its own code and a cross-copy guard', () => {
    const error = new LeaseLostError({ message: 'lease moved', provider: 'store' });
    expect(error.code).toBe('LEASE_LOST');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('[novacron] [store] lease moved');
    expect(LeaseLostError.isInstance(error)).toBe(true);
    expect(NovacronError.isInstance(error)).toBe(true);
    expect(ConflictError.isInstance(error)).toBe(false);
    expect(LeaseLostError.isInstance(new ConflictError({ message: 'x' }))).toBe(false);
    // A second copy of the package would build the same markers.
    const foreign = Object.assign(new Error('x'), { [Symbol.for('novacron.error')]: true, [Symbol.for('novacron.error.LEASE_LOST')]: true });
    expect([foreign].filter(LeaseLostError.isInstance)).toEqual([foreign]);
  });

  it('keeps the cloud code, request id and status of the cause, and nothing else', () => {
    const sdkError = Object.assign(new Error('Insufficient capacity.'), {
      name: 'InsufficientInstanceCapacity',
      Code: 'InsufficientInstanceCapacity',
      $metadata: { requestId: 'req-123', httpStatusCode: 500 },
      credentials: { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    });
    const error = new CapacityError({ message: 'no room', cause: sdkError, zone: 'us-east-1a', region: 'us-east-1', instanceType: 'm5.large' });
    expect(error.cause).toBeInstanceOf(ErrorCause);
    const cause = error.cause as ErrorCause;
    expect(cause.code).toBe('InsufficientInstanceCapacity');
    expect(cause.requestId).toBe('req-123');
    expect(cause.statusCode).toBe(500);
    expect(JSON.stringify(error.toJSON())).not.toContain('wJalrXUtnFEMI');
    expect(error.zone).toBe('us-east-1a');
    expect(error.instanceType).toBe('m5.large');
  });

  it('overrides retryability when asked', () => {
    expect(new QuotaError({ message: 'q', retryable: true }).retryable).toBe(true);
    expect(new ThrottledError({ message: 't', retryAfterMs: 1500 }).retryAfterMs).toBe(1500);
  });

  it('names every invalid field, first one first', () => {
    const error = new InvalidSpecError({ issues: [{ field: 'cpu', message: 'must be > 0' }, { field: 'memory', message: 'bad unit' }] });
    expect(error.field).toBe('cpu');
    expect(error.issues.map((i) => i.field)).toEqual(['cpu', 'memory']);
    expect(error.message).toContain('cpu: must be > 0');
    expect(error.message).toContain('memory: bad unit');
  });
});
