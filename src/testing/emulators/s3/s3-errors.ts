/**
 * How the S3 emulator says no: S3's REST error document (`<Error><Code>…</Code><Message>…</Message>
 * …<RequestId>…</RequestId></Error>`, `application/xml`, no body on HEAD) with the extra elements S3
 * adds per code (`Key`, `BucketName`, `UploadId`, `StringToSign`, …), and the fault plan's
 * refusals in S3's words: `SlowDown` 503 for throttling, `ServiceUnavailable` 503, `InternalError`
 * 500, `ExpiredToken` 400. Codes, statuses and messages from the Amazon S3 API Reference, "Error
 * responses" / "List of error codes" (read 2026-12).
 */
import type { EmulatorRequest, EmulatorResponse } from '../kit/emulator-request.js';
import type { FaultKind } from '../kit/fault-plan.js';
import { defineFaultWireForm, retryAfterHeader, type FaultWireForm } from '../kit/fault-wire-form.js';
import { escapeXml } from '../ec2/xml-writer.js';

/** An S3 error a handler throws: code, status, message, and the extra elements of the document. */
export class S3Error extends Error {
  /** Builds an error answer. */
  constructor(
    /** S3 error code (`NoSuchKey`). */
    readonly code: string,
    /** HTTP status. */
    readonly status: number,
    message: string,
    /** Further elements S3 writes for this code, in order. */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

/** The status S3 answers each code it uses with. */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooSmall: 400,
  ExpiredToken: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidTag: 400,
  KeyTooLongError: 400,
  MalformedXML: 400,
  MethodNotAllowed: 405,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NotImplemented: 501,
  OperationAborted: 409,
  ServiceUnavailable: 503,
  SignatureDoesNotMatch: 403,
  SlowDown: 503,
  XAmzContentSHA256Mismatch: 400,
};

/** The status of an S3 error code (400 for one this table does not know). */
export function s3StatusOf(code: string): number {
  return STATUS_OF_CODE[code] ?? 400;
}

/** The common response headers of every S3 answer. */
export function s3Headers(request: EmulatorRequest, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { 'x-amz-request-id': request.id.replace(/-/g, '').slice(0, 16).toUpperCase(), 'x-amz-id-2': Buffer.from(request.id).toString('base64'), ...extra };
}

/** S3's error document for `error`. */
export function s3ErrorResponse(error: S3Error, request: EmulatorRequest, extraHeaders: Readonly<Record<string, string>> = {}): EmulatorResponse {
  const headers = s3Headers(request, { 'content-type': 'application/xml', ...extraHeaders });
  const details = Object.entries(error.details)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${details}<RequestId>${headers['x-amz-request-id']}</RequestId><HostId>${headers['x-amz-id-2']}</HostId></Error>`;
  return { status: error.status, headers, body, errorCode: error.code };
}

/** The codes of the fault plan's refusals. */
const FAULT_CODES: Readonly<Record<FaultKind, string>> = {
  capacity: 'ServiceUnavailable',
  quota: 'SlowDown',
  throttled: 'SlowDown',
  unavailable: 'ServiceUnavailable',
  auth: 'ExpiredToken',
  invalid: 'InvalidArgument',
  'not-found': 'NoSuchKey',
  conflict: 'OperationAborted',
  internal: 'InternalError',
};

const FAULT_MESSAGES: Readonly<Record<string, string>> = {
  SlowDown: 'Please reduce your request rate.',
  ServiceUnavailable: 'Service is unable to handle request.',
  InternalError: 'We encountered an internal error. Please try again.',
  ExpiredToken: 'The provided token has expired.',
  OperationAborted: 'A conflicting conditional operation is currently in progress against this resource. Try again.',
  NoSuchKey: 'The specified key does not exist.',
};

/** S3's refusals of the fault plan (`SlowDown` 503 with Retry-After for throttling, …). */
export const S3_FAULT_WIRE_FORM: FaultWireForm = defineFaultWireForm({
  codes: (kind) => FAULT_CODES[kind],
  statusOfCode: (code) => STATUS_OF_CODE[code],
  render: (fault, { request }) =>
    s3ErrorResponse(new S3Error(fault.code, fault.status, FAULT_MESSAGES[fault.code] ?? fault.message), request, retryAfterHeader(fault.retryAfterMs)),
});
