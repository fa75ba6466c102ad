/**
 * Cloud Storage's error answers. The JSON API answers a refused call with
 * `{ error: { code, message, errors: [{ message, domain, reason, locationType?, location? }] } }`
 * (Cloud Storage JSON API reference, "HTTP status and error codes",
 * cloud.google.com/storage/docs/json_api/v1/status-codes, read 2026-12 with the project's search
 * tool): 404 `notFound` ("No such object: bucket/name", "The specified bucket does not exist."),
 * 412 `conditionNotMet`, 401 `required`/`authError`, 429 `rateLimitExceeded`, 503 `backendError`.
 * Signed URLs are the XML API's: `<Error><Code>…</Code><Message>…</Message><Details>…</Details></Error>`.
 */
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import type { FaultKind } from '../kit/fault-plan.js';
import { defineFaultWireForm, retryAfterHeader, type FaultWireForm } from '../kit/fault-wire-form.js';

/** A refusal in Cloud Storage's words, thrown by handlers. */
export class GcsError extends Error {
  /** Creates the error. */
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** Cloud Storage's reason (`notFound`, `conditionNotMet`, `invalid`, ...). */
    readonly reason: string,
    message: string,
    /** Extra response headers. */
    readonly headers: Readonly<Record<string, string>> = {},
    /** Where the bad input is (`header`, `parameter`), when Cloud Storage says. */
    readonly location?: { readonly type: string; readonly name: string } | undefined,
  ) {
    super(message);
    this.name = 'GcsError';
  }
}

/** The JSON error answer of a {@link GcsError}. */
export function gcsErrorResponse(error: GcsError): EmulatorResponse {
  const item: Record<string, string> = { message: error.message, domain: error.reason === 'rateLimitExceeded' ? 'usageLimits' : 'global', reason: error.reason };
  if (error.location) {
    item.locationType = error.location.type;
    item.location = error.location.name;
  }
  return jsonResponse(error.status, { error: { code: error.status, message: error.message, errors: [item] } }, error.headers, error.reason);
}

/** An XML API error answer (signed URLs). */
export function xmlErrorResponse(status: number, code: string, message: string, details?: string): EmulatorResponse {
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${escape(message)}</Message>${details === undefined ? '' : `<Details>${escape(details)}</Details>`}</Error>`;
  return { status, headers: { 'content-type': 'application/xml; charset=UTF-8' }, body, errorCode: code };
}

/** `No such object: bucket/name`. */
export function noSuchObject(bucket: string, name: string): GcsError {
  return new GcsError(404, 'notFound', `No such object: ${bucket}/${name}`);
}

/** The bucket does not exist. */
export function noSuchBucket(): GcsError {
  return new GcsError(404, 'notFound', 'The specified bucket does not exist.');
}

/** A precondition (`ifGenerationMatch`, ...) did not hold. */
export function conditionNotMet(): GcsError {
  return new GcsError(412, 'conditionNotMet', 'At least one of the pre-conditions you specified did not hold.', {}, { type: 'header', name: 'If-Match' });
}

/** A bad request. */
export function invalid(message: string): GcsError {
  return new GcsError(400, 'invalid', message);
}

/** A missing or unknown bearer token. */
export function unauthenticated(): GcsError {
  return new GcsError(401, 'authError', 'Invalid Credentials', { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' }, { type: 'header', name: 'Authorization' });
}

const REASONS: Readonly<Record<FaultKind, string>> = {
  capacity: 'backendError',
  quota: 'quotaExceeded',
  throttled: 'rateLimitExceeded',
  unavailable: 'backendError',
  auth: 'authError',
  invalid: 'invalid',
  'not-found': 'notFound',
  conflict: 'conflict',
  internal: 'backendError',
};

const STATUS_OF_REASON: Readonly<Record<string, number>> = {
  backendError: 503,
  quotaExceeded: 429,
  rateLimitExceeded: 429,
  authError: 401,
  invalid: 400,
  notFound: 404,
  conflict: 409,
  conditionNotMet: 412,
  internalError: 500,
};

/** The kit's faults said as Cloud Storage says them (429 with Retry-After for throttling). */
export const GCS_FAULT_WIRE_FORM: FaultWireForm = defineFaultWireForm({
  codes: REASONS,
  statusOfCode: (code) => STATUS_OF_REASON[code],
  render: (fault) => {
    if (fault.kind === 'auth') return gcsErrorResponse(unauthenticated());
    const message =
      fault.kind === 'throttled' && fault.message === 'Too many requests; retry later.'
        ? 'The project exceeded the rate limit for mutation operations. Please reduce the rate of requests.'
        : fault.kind === 'unavailable' || fault.kind === 'internal' || fault.kind === 'capacity'
          ? 'Backend Error'
          : fault.message;
    const headers = fault.kind === 'throttled' ? retryAfterHeader(fault.retryAfterMs ?? 1000) : retryAfterHeader(fault.retryAfterMs);
    return gcsErrorResponse(new GcsError(fault.status, fault.code, message, headers));
  },
});
