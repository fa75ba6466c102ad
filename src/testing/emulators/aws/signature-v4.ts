/**
 * Signature Version 4 checking for the AWS emulators (EC2, S3), so that a wrong secret key fails
 * here as it fails on AWS (`SignatureDoesNotMatch`), not only a wrong key id. Follows "Create a
 * signed AWS API request" and "Authenticating requests: using query parameters" (IAM User Guide
 * and Amazon S3 API Reference, read 2026-11/12): canonical request → string to sign → HMAC chain
 * over date, region, service and `aws4_request`; the `Authorization` header form, the presigned
 * query-string form (`X-Amz-Signature`, `X-Amz-Expires`), and the chunk signatures of a
 * `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` body.
 *
 * The canonical URI is the path encoded once, segment by segment (S3's rule; EC2 only ever signs
 * `/`), and the canonical query is every parameter re-encoded with RFC 3986 and sorted by name
 * then value, with `=` after a parameter sent without a value (`?uploads`).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The parts of a SigV4 signature: from an `Authorization: AWS4-HMAC-SHA256 ...` header or a presigned URL's query. */
export interface SigV4Authorization {
  /** Access key id. */
  readonly accessKeyId: string;
  /** Date of the scope (`YYYYMMDD`). */
  readonly date: string;
  /** Region of the scope. */
  readonly region: string;
  /** Service of the scope (`ec2`, `pricing`, `s3`). */
  readonly service: string;
  /** Signed header names, lower case, in order. */
  readonly signedHeaders: readonly string[];
  /** Hex signature. */
  readonly signature: string;
}

/** A presigned URL's signature and its validity. */
export interface PresignedAuthorization extends SigV4Authorization {
  /** `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`). */
  readonly amzDate: string;
  /** `X-Amz-Expires`, seconds. */
  readonly expiresSeconds: number;
  /** `X-Amz-Content-Sha256` when given, else `UNSIGNED-PAYLOAD`. */
  readonly payloadHash: string;
}

/** A request as the signature covers it. */
export interface SignedRequest {
  /** HTTP method. */
  readonly method: string;
  /** Path and query as sent (the request target). */
  readonly path: string;
  /** Headers, lower-case names. */
  readonly headers: IncomingHttpHeaders;
  /** The body as text, hashed when no `x-amz-content-sha256` header says the hash. */
  readonly body: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const CREDENTIAL = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;

/** The hash of an empty payload. */
export const EMPTY_SHA256 = sha256Hex('');

/** Parses an Authorization header; `undefined` when it is missing or not SigV4. */
export function parseAuthorization(header: string | undefined): SigV4Authorization | undefined {
  const m = AUTHORIZATION.exec(header ?? '');
  if (!m) return undefined;
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]!, signedHeaders: m[5]!.split(';'), signature: m[6]! };
}

/**
 * The SigV4 parameters of a presigned URL's query: `undefined` when it has none (not presigned),
 * a string saying what is wrong when they are incomplete or malformed.
 */
export function parsePresignedQuery(query: URLSearchParams): PresignedAuthorization | string | undefined {
  const algorithm = query.get('X-Amz-Algorithm');
  if (algorithm === null && !query.has('X-Amz-Signature') && !query.has('X-Amz-Credential')) return undefined;
  if (algorithm !== 'AWS4-HMAC-SHA256') return 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"';
  const credential = CREDENTIAL.exec(query.get('X-Amz-Credential') ?? '');
  const amzDate = query.get('X-Amz-Date') ?? '';
  const expires = query.get('X-Amz-Expires') ?? '';
  const signedHeaders = query.get('X-Amz-SignedHeaders') ?? '';
  const signature = query.get('X-Amz-Signature') ?? '';
  if (!credential) return 'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".';
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) return 'X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"';
  if (!/^\d+$/.test(expires)) return 'X-Amz-Expires should be a number';
  if (!/^[a-z0-9;-]+$/.test(signedHeaders)) return 'Query-string authentication version 4 requires the X-Amz-SignedHeaders parameter.';
  if (!/^[0-9a-f]{64}$/.test(signature)) return 'Query-string authentication version 4 requires the X-Amz-Signature parameter.';
  return {
    accessKeyId: credential[1]!,
    date: credential[2]!,
    region: credential[3]!,
    service: credential[4]!,
    signedHeaders: signedHeaders.split(';'),
    signature,
    amzDate,
    expiresSeconds: Number(expires),
    payloadHash: query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
  };
}

/** The time of an `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`) in epoch milliseconds, `NaN` when malformed. */
export function amzDateToMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : Number.NaN;
}

/** Hex SHA-256 of text or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 3986 encoding, as SigV4 wants it: everything but `A-Za-z0-9-_.~` as `%XX`. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The canonical URI: each path segment decoded, then encoded once. */
function canonicalUri(path: string): string {
  if (path === '' || path === '/') return '/';
  return path
    .split('/')
    .map((segment) => uriEncode(safeDecode(segment)))
    .join('/');
}

/** The canonical query string, leaving out the parameters named in `exclude`. */
function canonicalQuery(query: string, exclude: ReadonlySet<string> = new Set()): string {
  return query
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const eq = p.indexOf('=');
      const name = safeDecode(eq === -1 ? p : p.slice(0, eq));
      const value = eq === -1 ? '' : safeDecode(p.slice(eq + 1));
      return [uriEncode(name), uriEncode(value)] as const;
    })
    .filter(([name]) => !exclude.has(name))
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function canonicalHeaders(names: readonly string[], headers: IncomingHttpHeaders): string {
  return names
    .map((name) => {
      const value = headers[name];
      const text = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
}

/** The signing key of a scope. */
export function signingKey(secretAccessKey: string, scope: Pick<SigV4Authorization, 'date' | 'region' | 'service'>): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, scope.date), scope.region), scope.service), 'aws4_request');
}

function scopeOf(auth: Pick<SigV4Authorization, 'date' | 'region' | 'service'>): string {
  return `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
}

function sameSignature(expected: Buffer, given: string): boolean {
  const provided = Buffer.from(given, 'hex');
  return provided.length === expected.length && timingSafeEqual(expected, provided);
}

/** What a signature check worked out: whether it matched, and the string it signed (S3 echoes it in `SignatureDoesNotMatch`). */
export interface SignatureCheck {
  /** The signature is the one `secretAccessKey` makes. */
  readonly valid: boolean;
  /** The string to sign the emulator computed. */
  readonly stringToSign: string;
  /** The canonical request the emulator computed. */
  readonly canonicalRequest: string;
}

function check(auth: SigV4Authorization, amzDate: string, request: SignedRequest, payloadHash: string, secretAccessKey: string, exclude?: ReadonlySet<string>): SignatureCheck {
  const q = request.path.indexOf('?');
  const path = q === -1 ? request.path : request.path.slice(0, q);
  const query = q === -1 ? '' : request.path.slice(q + 1);
  const canonicalRequest = [request.method, canonicalUri(path), canonicalQuery(query, exclude), canonicalHeaders(auth.signedHeaders, request.headers), auth.signedHeaders.join(';'), payloadHash].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scopeOf(auth), sha256Hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', signingKey(secretAccessKey, auth)).update(stringToSign).digest();
  return { valid: sameSignature(expected, auth.signature), stringToSign, canonicalRequest };
}

/** Checks a header-signed request (`Authorization` header, `x-amz-date`). */
export function checkSignature(auth: SigV4Authorization, request: SignedRequest, secretAccessKey: string): SignatureCheck {
  const amzDate = request.headers['x-amz-date'];
  const given = request.headers['x-amz-content-sha256'];
  const payloadHash = typeof given === 'string' ? given : sha256Hex(request.body);
  return check(auth, typeof amzDate === 'string' ? amzDate : '', request, payloadHash, secretAccessKey);
}

/** True when `auth.signature` is the SigV4 signature of this header-signed request under `secretAccessKey`. */
export function verifySignature(auth: SigV4Authorization, request: SignedRequest, secretAccessKey: string): boolean {
  if (typeof request.headers['x-amz-date'] !== 'string') return false;
  return checkSignature(auth, request, secretAccessKey).valid;
}

/** Checks a presigned request: the signature over its query (without `X-Amz-Signature`). Expiry is the caller's to check. */
export function checkPresignedSignature(auth: PresignedAuthorization, request: SignedRequest, secretAccessKey: string): SignatureCheck {
  return check(auth, auth.amzDate, request, auth.payloadHash, secretAccessKey, new Set(['X-Amz-Signature']));
}

/**
 * The signature of one chunk of a `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` body: it chains on the
 * previous chunk's signature (the seed signature, from the headers, for the first chunk).
 */
export function chunkSignature(key: Buffer, auth: Pick<SigV4Authorization, 'date' | 'region' | 'service'>, amzDate: string, previousSignature: string, chunk: Uint8Array): string {
  const stringToSign = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scopeOf(auth), previousSignature, EMPTY_SHA256, sha256Hex(chunk)].join('\n');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}
