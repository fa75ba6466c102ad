/**
 * The S3 emulator's wire: which operation a request is (S3 REST names it by method, by whether
 * a bucket and a key are named, and by sub-resources in the query: `?uploads`, `?uploadId=`,
 * `?partNumber=`, `?tagging`, `?list-type=2`), SigV4 before the fault plan, and every error in
 * S3's error document. The kit's server does the rest; every body is left to the handlers, which
 * decode it (`aws-chunked`, checksums) as S3 does.
 */
import type { EmulatorRequest, EmulatorResponse } from '../kit/emulator-request.js';
import type { EmulatorServerOptions, ResolvedOperation } from '../kit/emulator-server.js';
import type { FaultPlan } from '../kit/fault-plan.js';
import { authenticateS3, type S3CredentialCheck } from './s3-authentication.js';
import { BUCKET_HANDLERS } from './s3-bucket-handlers.js';
import { addressOf, type S3Context, type S3Handler } from './s3-call.js';
import { S3_FAULT_WIRE_FORM, s3ErrorResponse, S3Error } from './s3-errors.js';
import { MULTIPART_HANDLERS } from './s3-multipart-handlers.js';
import { OBJECT_HANDLERS } from './s3-object-handlers.js';

/** Names of the S3 operations the emulator serves (the names faults and stats use). */
export type S3OperationName =
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'ListBuckets'
  | 'ListObjectsV2'
  | 'ListMultipartUploads'
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'PutObjectTagging'
  | 'GetObjectTagging'
  | 'DeleteObjectTagging'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'ListParts'
  | 'AbortMultipartUpload'
  | 'CompleteMultipartUpload';

/** The operations the emulator answers, by name (the compiler checks the list above against the handlers). */
const HANDLERS: Readonly<Record<S3OperationName, S3Handler>> = { ...BUCKET_HANDLERS, ...OBJECT_HANDLERS, ...MULTIPART_HANDLERS };

/** The S3 operation a request is, by S3's REST rules; `undefined` for one the emulator does not serve. */
export function s3OperationOf(method: string, bucket: string, key: string, query: URLSearchParams): S3OperationName | undefined {
  if (bucket === '') return method === 'GET' ? 'ListBuckets' : undefined;
  if (key === '') {
    if (method === 'PUT' && ![...query.keys()].length) return 'CreateBucket';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'DELETE' && ![...query.keys()].length) return 'DeleteBucket';
    if (method === 'GET' && query.has('uploads')) return 'ListMultipartUploads';
    if (method === 'GET' && query.get('list-type') === '2') return 'ListObjectsV2';
    return undefined;
  }
  const uploadId = query.has('uploadId');
  const tagging = query.has('tagging');
  switch (method) {
    case 'PUT':
      return uploadId && query.has('partNumber') ? 'UploadPart' : tagging ? 'PutObjectTagging' : uploadId ? undefined : 'PutObject';
    case 'GET':
      return uploadId ? 'ListParts' : tagging ? 'GetObjectTagging' : 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return uploadId ? 'AbortMultipartUpload' : tagging ? 'DeleteObjectTagging' : 'DeleteObject';
    case 'POST':
      return query.has('uploads') ? 'CreateMultipartUpload' : uploadId ? 'CompleteMultipartUpload' : undefined;
    default:
      return undefined;
  }
}

/** What the endpoint serves. */
export interface S3EndpointContext extends S3Context {
  /** Faults in force. */
  readonly faults: FaultPlan;
  /** Credentials accepted, and the clock presigned URLs expire by. */
  readonly check: S3CredentialCheck;
}

function internalError(error: unknown): S3Error {
  if (error instanceof S3Error) return error;
  return new S3Error('InternalError', 500, `We encountered an internal error. Please try again. (${error instanceof Error ? error.message : String(error)})`);
}

function resolve(ctx: S3EndpointContext, request: EmulatorRequest): ResolvedOperation {
  let address: { bucket: string; key: string };
  try {
    address = addressOf(request);
  } catch (error) {
    return { operation: 'InvalidURI', handle: () => s3ErrorResponse(internalError(error), request) };
  }
  const operation = s3OperationOf(request.method, address.bucket, address.key, request.query);
  const handler = operation === undefined ? undefined : HANDLERS[operation];
  if (operation === undefined || handler === undefined) {
    return {
      operation: 'NotImplemented',
      handle: () => s3ErrorResponse(new S3Error('NotImplemented', 501, 'A header or query you provided implies functionality that is not implemented.'), request),
    };
  }
  return { operation, handle: () => handler({ request, ...address, ctx }) };
}

/** The kit server's options for an S3 endpoint. */
export function s3EndpointOptions(ctx: S3EndpointContext): Omit<EmulatorServerOptions, 'host' | 'port'> {
  return {
    name: 's3-emulator',
    faults: ctx.faults,
    faultWireForm: S3_FAULT_WIRE_FORM,
    streamBody: () => true,
    resolve: (request) => resolve(ctx, request),
    authenticate: (request): EmulatorResponse | undefined => {
      try {
        authenticateS3(request, ctx.check);
        return undefined;
      } catch (error) {
        return s3ErrorResponse(internalError(error), request);
      }
    },
    handlerError: (error, request) => s3ErrorResponse(internalError(error), request),
  };
}
