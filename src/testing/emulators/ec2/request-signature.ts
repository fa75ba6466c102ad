/**
 * Signature Version 4 checking, so that a wrong secret key fails here as it fails on AWS
 * (`SignatureDoesNotMatch`), not only a wrong key id. Follows "Create a signed AWS API
 * request" in the IAM User Guide (read 2026-11): canonical request → string to sign → HMAC
 * chain over date, region, service and `aws4_request`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header. */
export interface SigV4Authorization {
  /** Access key id. */
  readonly accessKeyId: string;
  /** Date of the scope (`YYYYMMDD`). */
  readonly date: string;
  /** Region of the scope. */
  readonly region: string;
  /** Service of the scope (`ec2`, `pricing`). */
  readonly service: string;
  /** Signed header names, lower case, in order. */
  readonly signedHeaders: readonly string[];
  /** Hex signature. */
  readonly signature: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

/** Parses an Authorization header; `undefined` when it is missing or not SigV4. */
export function parseAuthorization(header: string | undefined): SigV4Authorization | undefined {
  const m = AUTHORIZATION.exec(header ?? '');
  if (!m) return undefined;
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]!, signedHeaders: m[5]!.split(';'), signature: m[6]! };
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** True when `auth.signature` is the SigV4 signature of this request under `secretAccessKey`. */
export function verifySignature(
  auth: SigV4Authorization,
  request: { readonly method: string; readonly path: string; readonly headers: IncomingHttpHeaders; readonly body: string },
  secretAccessKey: string,
): boolean {
  const amzDate = request.headers['x-amz-date'];
  if (typeof amzDate !== 'string') return false;
  const [path, query = ''] = request.path.split('?', 2) as [string, string?];
  const canonicalQuery = query
    .split('&')
    .filter((p) => p.length > 0)
    .sort()
    .join('&');
  const canonicalHeaders = auth.signedHeaders
    .map((name) => {
      const value = request.headers[name];
      const text = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const payloadHash = typeof request.headers['x-amz-content-sha256'] === 'string' ? request.headers['x-amz-content-sha256'] : sha256Hex(request.body);
  const canonicalRequest = [request.method, path || '/', canonicalQuery, canonicalHeaders, auth.signedHeaders.join(';'), payloadHash].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, auth.date), auth.region), auth.service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  return timingSafeEqual(expected, Buffer.from(auth.signature, 'hex'));
}
