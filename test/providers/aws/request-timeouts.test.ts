/**
 * Bounded time on the AWS path: a server that accepts connections and never answers does not
 * hang the adapter (request timeouts of the SDK's HTTP handler), a caller's abort still wins,
 * and a RunInstances that got no answer is reported as `TimeoutError` ("may have happened"),
 * never as proof that nothing was created.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAbortError, ProviderUnavailableError, TimeoutError } from '../../../src/provider/errors.js';
import { createAwsProvider, type AwsProviderOptions } from '../../../src/providers/aws/index.js';
import { toNovacronError as mapAwsError } from '../../../src/providers/aws/error-mapping.js';
import { clientTokenFor } from '../../../src/providers/aws/run-instances-mapping.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/ec2/index.js';
import { forwardToEmulator } from './forward-to-emulator.js';
import { rejectionOf } from '../../helpers.js';

const spec = { name: 'stuck', cpu: 1, memory: 1 } as const;
const credentials = { accessKeyId: 'AKIAEMULATOR00000001', secretAccessKey: 'emulator-secret-access-key' };

/** Accepts every connection and never writes a byte. */
let silent: Server;
const silentSockets = new Set<Socket>();
let silentEndpoint: string;

beforeAll(async () => {
  silent = createServer((socket) => {
    silentSockets.add(socket);
    socket.on('close', () => silentSockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentEndpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

const onSilentServer = (extra: Partial<AwsProviderOptions> = {}) =>
  createAwsProvider({ region: 'us-east-1', endpoint: silentEndpoint, pricingEndpoint: silentEndpoint, credentials, maxAttempts: 2, retryBaseDelayMs: 1, ...extra });

describe('AWS adapter against a server that never answers', () => {
  it('getVM and createVM reject once the request timeout runs out', async () => {
    const aws = onSilentServer({ requestTimeoutMs: 100 });
    const read = await rejectionOf(aws.getVM('i-0123456789abcdef0'));
    expect(ProviderUnavailableError.isInstance(read), String(read)).toBe(true);
    expect((read as Error).message).toMatch(/getVM: TimeoutError: .*100 ms/);
    // createVM reads the catalog first; those reads time out the same way, before anything is sent.
    const create = await rejectionOf(aws.createVM(spec, { idempotencyKey: 'stuck-1' }));
    expect(ProviderUnavailableError.isInstance(create), String(create)).toBe(true);
    expect(await rejectionOf(aws.findByIdempotencyKey('stuck-1'))).toSatisfy(ProviderUnavailableError.isInstance);
  });

  it("rejects with an abort error when the caller's signal aborts first", async () => {
    const aws = onSilentServer({ requestTimeoutMs: 60_000 });
    for (const call of [
      (signal: AbortSignal) => aws.getVM('i-0123456789abcdef0', { signal }),
      (signal: AbortSignal) => aws.createVM(spec, { idempotencyKey: 'stuck-2', signal }),
      (signal: AbortSignal) => aws.findByIdempotencyKey('stuck-2', { signal }),
    ]) {
      const controller = new AbortController();
      const pending = call(controller.signal);
      setTimeout(() => controller.abort(), 50);
      const error = await rejectionOf(pending);
      expect(isAbortError(error), String(error)).toBe(true);
    }
  });
});

/**
 * A proxy to the emulator that forwards every call and answers all but RunInstances: those
 * reach EC2 (the instance is launched) and their answers never come back.
 */
async function startSwallowingProxy(emu: Ec2Emulator): Promise<{ endpoint: string; close(): Promise<void> }> {
  const upstream = new URL(emu.endpoint);
  const held = new Set<ServerResponse>();
  const forward = (req: IncomingMessage, body: Buffer) => forwardToEmulator(upstream, req, body);
  const server: HttpServer = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(body.toString('utf8')).get('Action');
      forward(req, body).then(
        (answer) => {
          if (action === 'RunInstances') {
            held.add(res); // launched, and the caller never hears of it
            res.on('close', () => held.delete(res));
            return;
          }
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        },
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('AWS adapter when RunInstances is accepted and never answered', () => {
  let emu: Ec2Emulator;
  let proxy: Awaited<ReturnType<typeof startSwallowingProxy>>;
  beforeAll(async () => {
    emu = await startEc2Emulator();
    proxy = await startSwallowingProxy(emu);
  });
  afterAll(async () => {
    await proxy.close();
    await emu.close();
  });

  it('rejects with TimeoutError, and the instance is found by its idempotency key', async () => {
    const aws = createAwsProvider({ ...emu.providerOptions, endpoint: proxy.endpoint, pricingEndpoint: proxy.endpoint, requestTimeoutMs: 1_500, maxAttempts: 2 });
    const error = await rejectionOf(aws.createVM(spec, { idempotencyKey: 'swallowed-1' }));
    expect(TimeoutError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/createVM: no answer in time; the request may have taken effect/);
    // The SDK retried with the same ClientToken: one instance, however many attempts.
    const launched = emu.instances().filter((i) => i.clientToken === clientTokenFor('swallowed-1'));
    expect(launched).toHaveLength(1);
    expect((await aws.findByIdempotencyKey('swallowed-1'))?.id).toBe(launched[0]!.instanceId);
  }, 30_000);
});

describe('mapping of HTTP handler timeouts', () => {
  // Shapes as @smithy/node-http-handler produces them (see the real-path tests above).
  const answerTimeout = Object.assign(new Error('a request has exceeded the configured 100 ms requestTimeout.'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
  const connectTimeout = Object.assign(new Error('the request socket did not establish a connection with the server within the configured timeout of 100 ms.'), { name: 'TimeoutError' });
  const reset = Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' });
  const ctx = { provider: 'aws-test', operation: 'createVM' };

  it('maps a missing answer to TimeoutError on a mutating call and to ProviderUnavailableError on a read', () => {
    expect(TimeoutError.isInstance(mapAwsError(answerTimeout, { ...ctx, mutating: true }))).toBe(true);
    expect(ProviderUnavailableError.isInstance(mapAwsError(answerTimeout, { ...ctx, operation: 'getVM' }))).toBe(true);
  });

  it('maps a connection that was never made, and a reset, to ProviderUnavailableError', () => {
    expect(ProviderUnavailableError.isInstance(mapAwsError(connectTimeout, { ...ctx, mutating: true }))).toBe(true);
    expect(ProviderUnavailableError.isInstance(mapAwsError(reset, { ...ctx, mutating: true }))).toBe(true);
  });
});
