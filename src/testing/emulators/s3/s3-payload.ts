/**
 * Reads an S3 request's body as S3 does, by its `x-amz-content-sha256`:
 * - a hex SHA-256: the raw body, whose hash must match (`XAmzContentSHA256Mismatch`);
 * - `UNSIGNED-PAYLOAD`: the raw body;
 * - `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: `aws-chunked` (`<hex size>\r\n<data>\r\n` … `0\r\n`,
 *   then trailer headers such as `x-amz-checksum-crc32`) — what the JavaScript SDK v3 sends for a
 *   stream body (seen with @aws-sdk/client-s3 3.117x);
 * - `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` (and `-TRAILER`): `aws-chunked` with a
 *   `;chunk-signature=` per chunk, each chained on the previous one from the seed signature of
 *   the headers, verified (`SignatureDoesNotMatch`).
 * The decoded length must equal `x-amz-decoded-content-length` (`IncompleteBody`). Then the
 * checksums sent in headers or trailers are verified (`BadDigest`): `Content-MD5`,
 * `x-amz-checksum-crc32`, `-crc32c`, `-sha1`, `-sha256` (`-crc64nvme` is kept unverified).
 * Sources: Amazon S3 API Reference, "Authenticating Requests (AWS Signature Version 4)" and
 * "Checking object integrity" (read 2026-12).
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { chunkSignature, sha256Hex, signingKey, type SigV4Authorization } from '../aws/signature-v4.js';
import type { EmulatorRequest } from '../kit/emulator-request.js';
import { S3Error } from './s3-errors.js';

/** A decoded body and the checksums that came with it. */
export interface S3Payload {
  /** The content. */
  readonly bytes: Buffer;
  /** Checksums sent and verified, by algorithm (`crc32`, `sha256`, …), base64. */
  readonly checksums: Readonly<Record<string, string>>;
}

/** What reading a signed streaming body needs. */
export interface PayloadSigning {
  /** The header signature (the seed of the chunk chain). */
  readonly auth: SigV4Authorization;
  /** The secret it was made with. */
  readonly secretAccessKey: string;
}

async function readAll(stream: Readable | undefined, fallback: string): Promise<Buffer> {
  if (!stream) return Buffer.from(fallback, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The CRC-32C (Castagnoli) table, for `x-amz-checksum-crc32c`. */
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC32C_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function uint32Base64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b.toString('base64');
}

const CHECKSUMS: Readonly<Record<string, ((bytes: Buffer) => string) | undefined>> = {
  crc32: (bytes) => uint32Base64(crc32(bytes)),
  crc32c: (bytes) => uint32Base64(crc32c(bytes)),
  sha1: (bytes) => createHash('sha1').update(bytes).digest('base64'),
  sha256: (bytes) => createHash('sha256').update(bytes).digest('base64'),
  crc64nvme: undefined,
};

function badDigest(algorithm: string): S3Error {
  return new S3Error('BadDigest', 400, `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
}

/** Decodes an `aws-chunked` body; verifies chunk signatures when `signing` is given. Returns the data and the trailer headers. */
function decodeChunked(raw: Buffer, signing: { key: Buffer; auth: SigV4Authorization; amzDate: string } | undefined): { data: Buffer; trailers: Record<string, string> } {
  const chunks: Buffer[] = [];
  let at = 0;
  let previous = signing?.auth.signature ?? '';
  const malformed = (): S3Error => new S3Error('IncompleteBody', 400, 'The request body terminated unexpectedly');
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd === -1) throw malformed();
    const line = raw.subarray(at, lineEnd).toString('latin1');
    const [sizeText = '', ...extensions] = line.split(';');
    const size = Number.parseInt(sizeText, 16);
    if (!/^[0-9a-fA-F]+$/.test(sizeText) || !Number.isSafeInteger(size)) throw malformed();
    const data = raw.subarray(lineEnd + 2, lineEnd + 2 + size);
    if (data.length !== size) throw malformed();
    if (signing) {
      const given = extensions.find((e) => e.startsWith('chunk-signature='))?.slice('chunk-signature='.length);
      const expected = chunkSignature(signing.key, signing.auth, signing.amzDate, previous, data);
      if (given !== expected) throw new S3Error('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
      previous = expected;
    }
    at = lineEnd + 2 + size;
    if (size === 0) break;
    chunks.push(data);
    if (raw.subarray(at, at + 2).toString('latin1') !== '\r\n') throw malformed();
    at += 2;
  }
  // Trailer headers, then an empty line (or the end).
  const trailers: Record<string, string> = {};
  for (const line of raw.subarray(at).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { data: Buffer.concat(chunks), trailers };
}

/**
 * Reads and checks the body of `request`. `signing` is needed for signed streaming bodies;
 * presigned and anonymous requests have none.
 */
export async function readS3Payload(request: EmulatorRequest, signing: PayloadSigning | undefined): Promise<S3Payload> {
  const raw = await readAll(request.bodyStream, request.body);
  const declared = request.header('x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD';
  let bytes: Buffer;
  let trailers: Record<string, string> = {};
  if (declared.startsWith('STREAMING-')) {
    const signed = declared.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    if (!signed && declared !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') throw new S3Error('InvalidArgument', 400, `x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.`);
    if (signed && !signing) throw new S3Error('InvalidRequest', 400, 'A signed streaming body needs an Authorization header.');
    const decoded = decodeChunked(raw, signing && signed ? { key: signingKey(signing.secretAccessKey, signing.auth), auth: signing.auth, amzDate: request.header('x-amz-date') ?? '' } : undefined);
    bytes = decoded.data;
    trailers = decoded.trailers;
    const decodedLength = request.header('x-amz-decoded-content-length');
    if (decodedLength !== undefined && Number(decodedLength) !== bytes.length) {
      throw new S3Error('IncompleteBody', 400, 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
    }
  } else if (declared === 'UNSIGNED-PAYLOAD') {
    bytes = raw;
  } else if (/^[0-9a-f]{64}$/.test(declared)) {
    bytes = raw;
    if (sha256Hex(bytes) !== declared) throw new S3Error('XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.", { ClientComputedContentSHA256: declared, S3ComputedContentSHA256: sha256Hex(bytes) });
  } else {
    throw new S3Error('InvalidArgument', 400, 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.');
  }
  const md5 = request.header('content-md5');
  if (md5 !== undefined && createHash('md5').update(bytes).digest('base64') !== md5) throw new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.');
  const checksums: Record<string, string> = {};
  for (const [algorithm, compute] of Object.entries(CHECKSUMS)) {
    const given = trailers[`x-amz-checksum-${algorithm}`] ?? request.header(`x-amz-checksum-${algorithm}`);
    if (given === undefined) continue;
    if (compute && compute(bytes) !== given) throw badDigest(algorithm);
    checksums[algorithm] = given;
  }
  return { bytes, checksums };
}
