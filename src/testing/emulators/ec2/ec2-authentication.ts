/**
 * The check AWS makes before anything else: a SigV4 signature, by the one key id the emulator
 * knows, that its secret reproduces, scoped to a region the account has. It runs before the
 * fault plan, as on AWS, so a wrong secret fails the same whatever faults are in force. The
 * Price List API (awsJson1_1) says the same refusals with its own codes.
 */
import type { EmulatorRequest } from '../kit/emulator-request.js';
import { parseAuthorization, verifySignature } from '../aws/signature-v4.js';
import type { AwsErrorWords } from './ec2-wire-errors.js';

/** What the check needs to know. */
export interface AwsCredentialCheck {
  /** The only access key id accepted. */
  readonly accessKeyId: string;
  /** The secret signatures must be made with. */
  readonly secretAccessKey: string;
  /** True for a region the account has. */
  readonly knowsRegion: (region: string) => boolean;
}

const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';

/** The refusal of an unauthenticated request, `undefined` when the request is authentic. */
export function checkAwsCredentials(request: EmulatorRequest, check: AwsCredentialCheck, protocol: 'ec2' | 'pricing'): AwsErrorWords | undefined {
  const pricing = protocol === 'pricing';
  const auth = parseAuthorization(request.header('authorization'));
  if (!auth || request.header('x-amz-date') === undefined) {
    return pricing
      ? { code: 'IncompleteSignature', message: 'Authorization header requires a SigV4 Credential, SignedHeaders and Signature.', status: 400 }
      : { code: 'IncompleteSignature', message: 'Request must contain a signature that conforms to AWS standards', status: 400 };
  }
  if (auth.accessKeyId !== check.accessKeyId) {
    return pricing
      ? { code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.', status: 400 }
      : { code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials', status: 401 };
  }
  if (!verifySignature(auth, { method: request.method, path: request.target, headers: request.headers, body: request.body }, check.secretAccessKey)) {
    return pricing ? { code: 'InvalidSignatureException', message: SIGNATURE_MISMATCH, status: 400 } : { code: 'SignatureDoesNotMatch', message: SIGNATURE_MISMATCH, status: 403 };
  }
  // The Price List API lives in us-east-1 only; EC2 in every region the account has.
  if (!check.knowsRegion(auth.region) && !(pricing && auth.region === 'us-east-1')) {
    return { code: 'AuthFailure', message: `Credential should be scoped to a valid region. (region: ${auth.region})`, status: 401 };
  }
  return undefined;
}

/** The region a request is signed for, or `fallback`. */
export function regionOf(request: EmulatorRequest, fallback: string): string {
  return parseAuthorization(request.header('authorization'))?.region ?? fallback;
}
