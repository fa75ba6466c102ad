/**
 * How the adapter reaches the cloud: the platform's `fetch` (Node's built-in undici), or, when
 * the cloud's certificates are signed by a private CA (the usual case on premises), undici's own
 * `fetch` with an `Agent` whose TLS `connect` options trust that CA (`connect: { ca }`). undici is
 * an optional peer dependency, loaded with `import()` only when a `ca` is given; a host may pass
 * its own `fetch` instead (a proxy, a test double).
 *
 * A certificate the client does not trust fails the TLS handshake, before any HTTP request is
 * written: that is reported as a `ProviderUnavailableError` with `requestSent: false` and a
 * message that names the `ca` option, never as a bare `fetch failed`.
 */
import type * as Undici from 'undici';
import { ProviderUnavailableError } from '../../provider/errors.js';

type UndiciModule = typeof Undici;

/** The `fetch` the adapter calls (the WHATWG signature; `duplex: 'half'` for streamed uploads). */
export type OpenStackFetch = (url: string, init: RequestInit & { duplex?: 'half' }) => Promise<Response>;

/** Node's TLS verification failures (`err.code`), all raised before the request is sent. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** Failures that prove nothing was sent (name not resolved, connection refused). */
const BEFORE_SENDING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** The `code` of a network failure (`fetch failed` keeps node's error as its `cause`). */
export function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}

/** True when a network failure is a TLS verification failure. */
export function isTlsFailure(error: unknown): boolean {
  const code = networkCode(error);
  return code !== undefined && TLS_CODES.has(code);
}

/** True when a network failure proves the request never left this machine. */
export function failedBeforeSending(error: unknown): boolean {
  const code = networkCode(error);
  return code !== undefined && (BEFORE_SENDING.has(code) || TLS_CODES.has(code));
}

/** The `fetch` for a provider: `custom` when given, else the platform's, else (with `ca`) undici's with an Agent trusting `ca`. */
export async function transportFor(options: { readonly providerName: string; readonly ca?: string | Buffer | undefined; readonly fetch?: OpenStackFetch | undefined }): Promise<OpenStackFetch> {
  if (options.fetch) return options.fetch;
  if (options.ca === undefined) return (url, init) => fetch(url, init);
  let undici: UndiciModule;
  try {
    undici = await import('undici');
  } catch (error) {
    throw new ProviderUnavailableError({
      provider: options.providerName,
      message: 'the ca option needs undici (npm i undici), whose Agent takes a CA for TLS; or pass a fetch of your own',
      retryable: false,
      requestSent: false,
      cause: error,
    });
  }
  const dispatcher: unknown = new undici.Agent({ connect: { ca: options.ca } });
  // undici's own fetch with its own Agent: the platform's fetch is an older undici whose types differ.
  const undiciFetch = undici.fetch as unknown as (url: string, init: Record<string, unknown>) => Promise<Response>;
  return (url, init) => undiciFetch(url, { ...init, dispatcher });
}
