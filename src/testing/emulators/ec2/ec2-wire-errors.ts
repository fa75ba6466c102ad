/**
 * How the EC2 emulator says no: EC2's XML error document for the Query API, and the awsJson1_1
 * error body for the Price List API, for errors of its own (validation, SigV4) and for the
 * fault plan's refusals. The codes per fault kind, and their statuses, follow the EC2 API
 * Reference "Error codes" page and the Price List Query API reference (read 2026-11); a test's
 * explicit code wins.
 */
import type { EmulatorRequest, EmulatorResponse } from '../kit/emulator-request.js';
import type { FaultKind } from '../kit/fault-plan.js';
import { defineFaultWireForm, type FaultWireForm } from '../kit/fault-wire-form.js';
import { defaultStatus } from './ec2-api-error.js';
import { renderErrorResponse } from './xml-writer.js';

/** An error answer: code, message, status. */
export interface AwsErrorWords {
  /** Error code (`InvalidParameterValue`, `ThrottlingException`). */
  readonly code: string;
  /** Message. */
  readonly message: string;
  /** HTTP status. */
  readonly status: number;
}

/** EC2's error document. */
export function ec2ErrorResponse(error: AwsErrorWords, request: EmulatorRequest): EmulatorResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': request.id },
    body: renderErrorResponse(error.code, error.message, request.id),
    errorCode: error.code,
  };
}

/** The Price List API's (awsJson1_1) error body. */
export function pricingErrorResponse(error: AwsErrorWords, request: EmulatorRequest): EmulatorResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': request.id, 'x-amzn-errortype': error.code },
    body: JSON.stringify({ __type: error.code, message: error.message }),
    errorCode: error.code,
  };
}

/** The codes per fault kind: EC2's, and the Price List API's. */
const AWS_CODES: Readonly<Record<FaultKind, { readonly ec2: string; readonly pricing: string }>> = {
  capacity: { ec2: 'InsufficientInstanceCapacity', pricing: 'ServiceUnavailableException' },
  quota: { ec2: 'VcpuLimitExceeded', pricing: 'LimitExceededException' },
  throttled: { ec2: 'RequestLimitExceeded', pricing: 'ThrottlingException' },
  unavailable: { ec2: 'Unavailable', pricing: 'ServiceUnavailableException' },
  auth: { ec2: 'RequestExpired', pricing: 'ExpiredTokenException' },
  invalid: { ec2: 'InvalidParameterValue', pricing: 'InvalidParameterException' },
  'not-found': { ec2: 'InvalidInstanceID.NotFound', pricing: 'NotFoundException' },
  conflict: { ec2: 'IncorrectInstanceState', pricing: 'InvalidParameterException' },
  internal: { ec2: 'InternalError', pricing: 'InternalErrorException' },
};

/** The Price List API answers client errors, throttling and expired tokens alike with 400. */
function pricingStatusOf(code: string): number {
  return code === 'InternalErrorException' ? 500 : code === 'ServiceUnavailableException' ? 503 : 400;
}

/** EC2's refusals: `InsufficientInstanceCapacity`, `RequestLimitExceeded` 503, `RequestExpired`, ... */
export const EC2_FAULT_WIRE_FORM: FaultWireForm = defineFaultWireForm({
  codes: (kind) => AWS_CODES[kind].ec2,
  statusOfCode: defaultStatus,
  render: (fault, { request }) => ec2ErrorResponse(fault, request),
});

/** The Price List API's refusals: `ThrottlingException`, `ExpiredTokenException`, ... */
export const PRICING_FAULT_WIRE_FORM: FaultWireForm = defineFaultWireForm({
  codes: (kind) => AWS_CODES[kind].pricing,
  statusOfCode: pricingStatusOf,
  render: (fault, { request }) => pricingErrorResponse(fault, request),
});
