/**
 * What a failed cloud call proves. Failover may only move on when the error proves that the
 * cloud did nothing; any other error leaves the call `uncertain`, and the core asks the cloud
 * (by the idempotency token it sent) before anything else happens.
 */
import {
  AuthError,
  CapacityError,
  InvalidSpecError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
  UnsupportedError,
} from '../../provider/errors.js';

/**
 * True when the error proves the call created nothing: the cloud refused it (capacity, quota,
 * credentials, the spec, an unsupported feature), or the request provably never left this
 * process (`requestSent: false`: connection refused, a client-side limit). Throttling and
 * unavailability after the request may have been sent, timeouts, lost responses, 5xx answers
 * and errors of unknown kind prove nothing.
 */
export function provesNothingCreated(error: unknown): boolean {
  if (
    CapacityError.isInstance(error) ||
    QuotaError.isInstance(error) ||
    AuthError.isInstance(error) ||
    InvalidSpecError.isInstance(error) ||
    UnsupportedError.isInstance(error)
  ) {
    return true;
  }
  if (ThrottledError.isInstance(error) || ProviderUnavailableError.isInstance(error)) return error.requestSent === false;
  return false;
}

