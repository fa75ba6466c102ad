/** Test proxies in front of the EC2 emulator share this: one call forwarded as it came. */
import { request as httpRequest, type IncomingMessage } from 'node:http';

/** An answer read in full from the emulator. */
export interface ForwardedAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/**
 * Sends `req` (with its body already read) to `upstream` and reads the whole answer. The Host
 * header is forwarded as it came: it is part of the SigV4 signature.
 */
export function forwardToEmulator(upstream: URL, req: IncomingMessage, body: Buffer): Promise<ForwardedAnswer> {
  return new Promise((resolve, reject) => {
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const name of ['content-type', 'x-amzn-requestid', 'x-amzn-errortype']) {
          const value = res.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        resolve({ status: res.statusCode ?? 500, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}
