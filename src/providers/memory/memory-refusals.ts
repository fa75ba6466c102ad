/**
 * The novacron error an in-memory provider raises for each kind of fault: the one the cloud
 * adapters raise for the same refusal, so that a scenario written against the memory
 * provider means what it means against an emulator.
 */
import {
  AuthError,
  CapacityError,
  ConflictError,
  InvalidSpecError,
  NotFoundError,
  type NovacronError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
} from '../../provider/errors.js';
import type { FaultError } from '../../testing/emulators/kit/fault-plan.js';

/** Retry-After of a throttling refusal that names none, in ms. */
export const DEFAULT_THROTTLE_RETRY_AFTER_MS = 10;

/** What is known about the refused call. */
export interface RefusedCall {
  /** Provider name. */
  readonly provider: string;
  /** The refused operation. */
  readonly operation: string;
  /** Region the call is about, when it is about one. */
  readonly region?: string | undefined;
  /** Zone the call asked for, when it asked. */
  readonly zone?: string | undefined;
  /** VM (or image) the call is about, when it is about one. */
  readonly resourceId?: string | undefined;
}

/** The novacron error for `fault`, refusing `call`. */
export function refusalError(fault: FaultError, call: RefusedCall): NovacronError {
  const base = { provider: call.provider, message: `${call.operation}: ${fault.message ?? DEFAULT_MESSAGES[fault.kind]}` };
  switch (fault.kind) {
    case 'capacity':
      return new CapacityError({ ...base, region: call.region, zone: call.zone });
    case 'quota':
      return new QuotaError({ ...base, region: call.region, quotaName: fault.code });
    case 'throttled':
      // The memory cloud refuses before it does anything: provably nothing happened.
      return new ThrottledError({ ...base, retryAfterMs: fault.retryAfterMs ?? DEFAULT_THROTTLE_RETRY_AFTER_MS, requestSent: false });
    case 'auth':
      return new AuthError(base);
    case 'invalid':
      return new InvalidSpecError({ provider: call.provider, message: base.message, issues: [{ field: '(memory)', message: base.message }] });
    case 'not-found':
      return new NotFoundError({ ...base, resourceId: call.resourceId });
    case 'conflict':
      return new ConflictError(base);
    case 'unavailable':
    case 'internal':
      return new ProviderUnavailableError({ ...base, resourceId: call.resourceId });
  }
}

const DEFAULT_MESSAGES: Readonly<Record<FaultError['kind'], string>> = {
  capacity: 'insufficient capacity',
  quota: 'account quota exceeded',
  throttled: 'request rate exceeded',
  unavailable: 'service unavailable',
  auth: 'the credentials were rejected',
  invalid: 'invalid request',
  'not-found': 'resource not found',
  conflict: 'conflicting request',
  internal: 'internal error',
};
