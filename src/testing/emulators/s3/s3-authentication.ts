/**
 * The check S3 makes before anything else, in its two forms (Amazon S3 API Reference,
 * "Authenticating Requests (AWS Signature Version 4)", read 2026-12):
 * - the `Authorization` header: the one key id the emulator knows (`InvalidAccessKeyId`), a
 *   signature its secret reproduces (`SignatureDoesNotMatch`, with the `StringToSign` and
 *   `CanonicalRequest` S3 echoes, never the secret), scoped to the emulator's region and `s3`
 *   (`AuthorizationHeaderMalformed`), and an `x-amz-content-sha256` header (`InvalidRequest`);
 * - a presigned URL (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
 *   `X-Amz-SignedHeaders`, `X-Amz-Signature`): the same key and signature checks, and `X-Amz-Expires`
 *   at most 604,800 s (`AuthorizationQueryParametersError`) and not yet past (`AccessDenied`,
 *   "Request has expired").
 * Anonymous requests are refused (`AccessDenied`): the emulator's buckets are private.
 */
import { amzDateToMs, checkPresignedSignature, checkSignature, parseAuthorization, parsePresignedQuery, type SigV4Authorization } from '../aws/signature-v4.js';
import type { EmulatorRequest } from '../kit/emulator-request.js';
import { S3Error } from './s3-errors.js';

/** What the check needs to know. */
export interface S3CredentialCheck {
  /** The only access key id accepted. */
  readonly accessKeyId: string;
  /** The secret signatures must be made with. */
  readonly secretAccessKey: string;
  /** The region requests must be signed for. */
  readonly region: string;
  /** Now, in milliseconds. */
  readonly clock: () => number;
}

/** Longest validity of a presigned URL: seven days. */
const MAX_EXPIRES_SECONDS = 604_800;

const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';

function checkScope(auth: SigV4Authorization, check: S3CredentialCheck, form: 'header' | 'query'): void {
  if (auth.accessKeyId !== check.accessKeyId) {
    throw new S3Error('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: auth.accessKeyId });
  }
  if (auth.region !== check.region || auth.service !== 's3') {
    const code = form === 'header' ? 'AuthorizationHeaderMalformed' : 'AuthorizationQueryParametersError';
    throw new S3Error(code, 400, `The authorization ${form} is malformed; the region '${auth.region}' is wrong; expecting '${check.region}'`, { Region: check.region });
  }
}

/**
 * Throws the `S3Error` that refuses an unauthenticated request; returns the header signature of
 * an authentic one (the seed of a signed streaming body), `undefined` for a presigned one.
 */
export function authenticateS3(request: EmulatorRequest, check: S3CredentialCheck): SigV4Authorization | undefined {
  const presigned = parsePresignedQuery(request.query);
  if (typeof presigned === 'string') throw new S3Error('AuthorizationQueryParametersError', 400, presigned);
  const signed = { method: request.method, path: request.target, headers: request.headers, body: '' };
  if (presigned) {
    checkScope(presigned, check, 'query');
    if (presigned.expiresSeconds > MAX_EXPIRES_SECONDS) throw new S3Error('AuthorizationQueryParametersError', 400, `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES_SECONDS}`);
    const result = checkPresignedSignature(presigned, signed, check.secretAccessKey);
    if (!result.valid) throw new S3Error('SignatureDoesNotMatch', 403, MISMATCH, { AWSAccessKeyId: presigned.accessKeyId, StringToSign: result.stringToSign, SignatureProvided: presigned.signature, CanonicalRequest: result.canonicalRequest });
    const signedAt = amzDateToMs(presigned.amzDate);
    const now = check.clock();
    if (now > signedAt + presigned.expiresSeconds * 1000) {
      throw new S3Error('AccessDenied', 403, 'Request has expired', {
        'X-Amz-Expires': String(presigned.expiresSeconds),
        Expires: new Date(signedAt + presigned.expiresSeconds * 1000).toISOString(),
        ServerTime: new Date(now).toISOString(),
      });
    }
    return undefined;
  }
  const header = request.header('authorization');
  if (header === undefined) throw new S3Error('AccessDenied', 403, 'Access Denied');
  const auth = parseAuthorization(header);
  if (!auth) throw new S3Error('AuthorizationHeaderMalformed', 400, 'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  if (request.header('x-amz-date') === undefined && request.header('date') === undefined) throw new S3Error('AccessDenied', 403, 'AWS authentication requires a valid Date or x-amz-date header');
  checkScope(auth, check, 'header');
  if (request.header('x-amz-content-sha256') === undefined) throw new S3Error('InvalidRequest', 400, 'Missing required header for this request: x-amz-content-sha256');
  const result = checkSignature(auth, signed, check.secretAccessKey);
  if (!result.valid) throw new S3Error('SignatureDoesNotMatch', 403, MISMATCH, { AWSAccessKeyId: auth.accessKeyId, StringToSign: result.stringToSign, SignatureProvided: auth.signature, CanonicalRequest: result.canonicalRequest });
  return auth;
}
