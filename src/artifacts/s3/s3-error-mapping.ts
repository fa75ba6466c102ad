/**
 * Maps S3's errors onto novacron's taxonomy: S3's own codes first (Amazon S3 API Reference,
 * "List of error codes", read 2026-12), then the AWS mapping every AWS call shares (timeouts,
 * resets, throttling, credentials; `providers/aws/error-mapping.ts`). HEAD answers carry no body,
 * so the SDK names their errors by status alone (`NotFound`, `Forbidden`): those are read here
 * too. Every mapped error keeps the code, request id and status in `cause`, never a signature or
 * a presigned URL (S3's `SignatureDoesNotMatch` document echoes the string to sign: the SDK keeps
 * it in fields that `ErrorCause` drops).
 */
import { AuthError, ConflictError, InvalidSpecError, NotFoundError, ThrottledError } from '../../provider/errors.js';
import type { CloudCallContext } from '../../provider/call-context.js';
import { awsErrorCode, toNovacronError } from '../../providers/aws/error-mapping.js';

const NOT_FOUND = new Set(['NoSuchKey', 'NoSuchUpload', 'NoSuchBucket', 'NotFound']);
const AUTH = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'TokenRefreshRequired', 'AuthorizationHeaderMalformed', 'AuthorizationQueryParametersError', 'Forbidden', 'AllAccessDisabled', 'AccountProblem', 'InvalidToken']);
const INVALID = new Set(['EntityTooSmall', 'EntityTooLarge', 'InvalidPart', 'InvalidPartOrder', 'InvalidRange', 'KeyTooLongError', 'InvalidArgument', 'MalformedXML', 'InvalidBucketName', 'InvalidTag', 'BadDigest', 'XAmzContentSHA256Mismatch', 'IncompleteBody', 'InvalidDigest', 'MetadataTooLarge']);
const CONFLICT = new Set(['OperationAborted', 'PreconditionFailed', 'BucketNotEmpty', 'ConditionalRequestConflict']);

/** Which spec field an S3 refusal is about. */
function fieldOf(code: string): string {
  if (code === 'InvalidRange') return 'start';
  if (code === 'KeyTooLongError') return 'key';
  if (code.startsWith('Entity') || code.startsWith('InvalidPart')) return 'partSizeBytes';
  if (code === 'MetadataTooLarge' || code === 'InvalidTag') return 'metadata';
  return 'body';
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Converts anything an S3 call throws into the novacron error that says what happened. */
export function toS3StoreError(error: unknown, ctx: CloudCallContext): Error {
  const code = awsErrorCode(error) ?? '';
  const status = statusOf(error);
  const message = `${ctx.operation}: ${code}${error instanceof Error && error.message && error.message !== code ? `: ${error.message}` : ''}`;
  const base = { provider: ctx.provider, cause: error, message };
  if (NOT_FOUND.has(code) || (status === 404 && code === 'UnknownError')) return new NotFoundError({ ...base, resourceType: ctx.resourceType, resourceId: ctx.resourceId });
  if (AUTH.has(code) || status === 403) return new AuthError(base);
  if (code === 'SlowDown') return new ThrottledError({ ...base, retryAfterMs: undefined });
  if (INVALID.has(code) || status === 416) return new InvalidSpecError({ ...base, issues: [{ field: fieldOf(code), message: `${code}: ${error instanceof Error ? error.message : ''}` }] });
  if (CONFLICT.has(code) || status === 412) return new ConflictError(base);
  return toNovacronError(error, ctx);
}
