/**
 * A `fetch` for the Retail Prices API that trusts the same CA as the ARM clients and bounds each
 * request in time. The public API (prices.azure.com) is served with a public certificate, so
 * without a `caCertificate` this is the platform's `fetch` with a timeout; with one (an emulator,
 * a TLS-inspecting proxy), requests go through `node:https` with that CA, as the Azure SDK
 * pipeline's `tlsOptions` do for ARM.
 */
import { request as httpsRequest } from 'node:https';
import type { FetchLike } from '../../optimizer/loaders/fetch-json.js';

/** A `fetch` that trusts `ca` (PEM) for https URLs, and gives up on a request after `timeoutMs`. */
export function trustedFetch(ca: string | undefined, timeoutMs: number): FetchLike {
  return async (input, init = {}) => {
    const signals = [AbortSignal.timeout(timeoutMs), ...(init.signal ? [init.signal] : [])];
    const signal = AbortSignal.any(signals);
    if (ca === undefined || !input.startsWith('https:')) return fetch(input, { headers: init.headers, signal });
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(input, { method: 'GET', headers: init.headers, ca, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') headers.set(name, value);
            else if (Array.isArray(value)) headers.set(name, value.join(', '));
          }
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers }));
        });
      });
      req.on('error', reject);
      req.end();
    });
  };
}
