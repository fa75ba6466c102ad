/**
 * V4 signed URLs as Cloud Storage checks them for a GET (Cloud Storage "V4 signing process",
 * cloud.google.com/storage/docs/access-control/signing-urls-manually, read 2026-12): the
 * canonical request — method, the path as sent, the query without `X-Goog-Signature` encoded
 * (RFC 3986, every byte but `A-Za-z0-9-._~`) and sorted, the signed headers as `name:value\n`,
 * their names, `UNSIGNED-PAYLOAD` — hashed with SHA-256 into
 * `GOOG4-RSA-SHA256\n{X-Goog-Date}\n{scope}\n{hash}`, whose RSA-SHA256 signature (hex in
 * `X-Goog-Signature`) must verify with the public key of the service account in
 * `X-Goog-Credential`. An expired URL answers 400 `ExpiredToken`, a bad signature 403
 * `SignatureDoesNotMatch`, in the XML API's error document.
 *
 * The signed `host` is compared by host name, without the port: Google's library signs the
 * endpoint's host name (`new URL(apiEndpoint).hostname`, @google-cloud/storage 8 `signer.js`),
 * which on Cloud Storage carries no port.
 */
import { createHash, createVerify } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../kit/emulator-request.js';
import { GcsError, xmlErrorResponse } from './gcs-error.js';
import { mediaResponse, type GcsWorld } from './gcs-world.js';

/** Cloud Storage's longest V4 expiry: seven days. */
const MAX_EXPIRES_SECONDS = 604_800;

function strictEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `20261204T013000Z` as epoch ms, `undefined` when malformed. */
function parseGoogDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : undefined;
}

/** True for a request that carries a V4 signature (the emulator's resolver routes it here). */
export function isSignedRequest(request: EmulatorRequest): boolean {
  return request.query.has('X-Goog-Signature');
}

/** `GET /{bucket}/{object}?X-Goog-...`: verifies the signature and serves the object. */
export function signedGet(world: GcsWorld, request: EmulatorRequest): EmulatorResponse {
  const q = request.query;
  const algorithm = q.get('X-Goog-Algorithm');
  const credential = q.get('X-Goog-Credential') ?? '';
  const date = q.get('X-Goog-Date') ?? '';
  const expires = q.get('X-Goog-Expires') ?? '';
  const signedHeaders = q.get('X-Goog-SignedHeaders') ?? '';
  const signature = q.get('X-Goog-Signature') ?? '';
  if (algorithm !== 'GOOG4-RSA-SHA256') return xmlErrorResponse(400, 'InvalidArgument', 'Invalid argument.', `Unsupported X-Goog-Algorithm: ${algorithm ?? '(none)'}`);
  const at = parseGoogDate(date);
  if (at === undefined || !/^\d+$/.test(expires) || Number(expires) > MAX_EXPIRES_SECONDS) {
    return xmlErrorResponse(400, 'InvalidArgument', 'Invalid argument.', 'X-Goog-Date or X-Goog-Expires is malformed or out of range.');
  }
  const [email, ...scopeParts] = credential.split('/');
  const scope = scopeParts.join('/');
  const now = world.state.clock();
  const expiresAt = at + Number(expires) * 1000;
  if (now > expiresAt) return xmlErrorResponse(400, 'ExpiredToken', 'Invalid argument.', `The provided token has expired. Request signature expired at: ${new Date(expiresAt).toISOString()}`);
  if (at > now + 15 * 60_000) return xmlErrorResponse(400, 'InvalidArgument', 'Invalid argument.', 'X-Goog-Date is in the future.');
  const path = request.target.split('?')[0]!;
  const query = [...q.entries()]
    .filter(([k]) => k !== 'X-Goog-Signature')
    .map(([k, v]) => [strictEncode(k), strictEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const names = signedHeaders.split(';').filter((n) => n !== '');
  const headers = names
    .map((name) => {
      const raw = name === 'host' ? (request.header('host') ?? '').replace(/:\d+$/, '') : (request.header(name) ?? '');
      return `${name}:${raw.trim().replace(/\s{2,}/g, ' ')}\n`;
    })
    .join('');
  const canonical = [request.method, path, query, headers, signedHeaders, 'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = ['GOOG4-RSA-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const ok =
    email === world.serviceAccount.email &&
    /^[0-9a-f]+$/i.test(signature) &&
    scope.endsWith('/auto/storage/goog4_request') &&
    createVerify('RSA-SHA256').update(toSign).verify(world.serviceAccount.publicKey, Buffer.from(signature, 'hex'));
  if (!ok) {
    return xmlErrorResponse(403, 'SignatureDoesNotMatch', 'Access denied.', 'The request signature we calculated does not match the signature you provided. Check your Google secret key and signing method.');
  }
  const m = /^\/([^/]+)\/(.+)$/.exec(path);
  const bucket = m ? decodeURIComponent(m[1]!) : '';
  const name = m ? decodeURIComponent(m[2]!) : '';
  const o = world.state.object(bucket, name);
  if (!o) return xmlErrorResponse(404, 'NoSuchKey', 'The specified key does not exist.', `No such object: ${bucket}/${name}`);
  try {
    return mediaResponse(o, request.header('range'));
  } catch (e) {
    if (e instanceof GcsError) return xmlErrorResponse(e.status, 'InvalidRange', 'The requested range cannot be satisfied.');
    throw e;
  }
}
