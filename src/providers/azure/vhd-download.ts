/**
 * Reading an exported disk's VHD from its read SAS URL (`beginGetAccess`'s `accessSAS`), as a
 * stream: a managed disk's VHD is its whole size plus a 512-byte footer (up to terabytes), so it
 * is never held in memory. The transport follows `trusted-fetch.ts`: the CA the ARM clients trust
 * (an emulator's, a TLS proxy's) is trusted here too, beside the system's, and time is bounded:
 * the answer must begin, and then every chunk arrive, within `idleTimeoutMs`; the whole download
 * within `totalTimeoutMs`; and the caller's signal stops it at once.
 *
 * The URL is a bearer secret (its `sig`): no error made here names it, and the messages of the
 * errors it meets (Node's socket errors) carry a host and port at most.
 */
import type { IncomingMessage } from 'node:http';
import { abortReason, throwIfAborted } from '../../provider/abort.js';
import { AuthError, NotFoundError, ProviderUnavailableError, TimeoutError } from '../../provider/errors.js';

/** Options of {@link openVhdDownload}. */
export interface VhdDownloadOptions {
  /** Provider name, for errors. */
  readonly providerName: string;
  /** Extra CA (PEM) to trust, as for the ARM endpoint. */
  readonly caCertificate?: string | undefined;
  /** Longest silence: before the answer begins and between chunks, ms. */
  readonly idleTimeoutMs: number;
  /** Longest whole download, ms. */
  readonly totalTimeoutMs: number;
  /** The caller's signal. */
  readonly signal?: AbortSignal | undefined;
  /** What is being downloaded, for messages (never the URL). */
  readonly what: string;
}

/** An open download. */
export interface VhdDownload {
  /** `Content-Length` of the VHD, bytes. */
  readonly sizeBytes: number;
  /** The bytes; read it once, to its end (or break out of it, which closes the connection). */
  readonly body: AsyncIterable<Uint8Array>;
}

/** Starts the GET of a SAS URL and answers once its headers are in. */
export async function openVhdDownload(url: string, options: VhdDownloadOptions): Promise<VhdDownload> {
  throwIfAborted(options.signal);
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new ProviderUnavailableError({ provider: options.providerName, message: `${options.what}: the read URL is not http(s)`, retryable: false });
  }
  const https = target.protocol === 'https:';
  const { request } = https ? await import('node:https') : await import('node:http');
  const tls = https && options.caCertificate !== undefined ? { ca: [...(await import('node:tls')).rootCertificates, options.caCertificate] } : {};
  const total = AbortSignal.timeout(options.totalTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, total]) : total;
  const failure = (error: unknown): unknown => {
    if (options.signal?.aborted) return abortReason(options.signal);
    if (total.aborted) return new TimeoutError({ provider: options.providerName, message: `${options.what}: the download took longer than ${options.totalTimeoutMs} ms` });
    if (TimeoutError.isInstance(error)) return error;
    const code = (error as { code?: unknown } | null)?.code;
    return new ProviderUnavailableError({ provider: options.providerName, message: `${options.what}: the download failed${typeof code === 'string' ? ` (${code})` : ''}`, retryable: true });
  };
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(target, { method: 'GET', signal, ...tls }, resolve);
    req.setTimeout(options.idleTimeoutMs, () => req.destroy(new TimeoutError({ provider: options.providerName, message: `${options.what}: no data for ${options.idleTimeoutMs} ms` })));
    req.on('error', (error) => reject(failure(error)));
    req.end();
  });
  const status = res.statusCode ?? 0;
  if (status !== 200) {
    res.resume();
    const message = `${options.what}: the read URL answered HTTP ${status}${typeof res.headers['x-ms-error-code'] === 'string' ? ` ${res.headers['x-ms-error-code']}` : ''}`;
    if (status === 403 || status === 401) throw new AuthError({ provider: options.providerName, message: `${message} (the access was revoked or has expired)` });
    if (status === 404) throw new NotFoundError({ provider: options.providerName, message, resourceType: 'blob' });
    throw new ProviderUnavailableError({ provider: options.providerName, message, retryable: status >= 500 || status === 429 });
  }
  const sizeBytes = Number(res.headers['content-length'] ?? NaN);
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) {
    res.destroy();
    throw new ProviderUnavailableError({ provider: options.providerName, message: `${options.what}: the read URL gave no Content-Length`, retryable: false });
  }
  return { sizeBytes, body: bodyOf(res, failure) };
}

async function* bodyOf(res: IncomingMessage, failure: (error: unknown) => unknown): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of res as AsyncIterable<Uint8Array>) yield chunk;
  } catch (error) {
    throw failure(error);
  } finally {
    if (!res.complete) res.destroy();
  }
}
