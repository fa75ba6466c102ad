/**
 * `requestSent: false` from the AWS adapter means that no attempt of the call can have reached
 * EC2 — the SDK's own retries included. A refused connection on every attempt lets the
 * federation fail over at once; a refused connection after an attempt that arrived and lost
 * its answer must not, because the instance may exist.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NovacronError, ProviderUnavailableError } from '../../../src/provider/errors.js';
import type { ProviderV1, VM } from '../../../src/provider/index.js';
import { FederationManager, OutcomeUncertainError } from '../../../src/federation/index.js';
import { createAwsProvider, type AwsProvider } from '../../../src/providers/aws/index.js';
import { clientTokenFor } from '../../../src/providers/aws/run-instances-mapping.js';
import { failedBeforeSending } from '../../../src/providers/aws/attempt-tracking.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/ec2/index.js';
import { cloud, offer } from '../../federation/fixtures.js';
import { rejectionOf } from '../../helpers.js';
import { forwardToEmulator, type ForwardedAnswer } from './forward-to-emulator.js';

/**
 * A forwarding proxy in front of the emulator that can go down (its port refuses connections)
 * and come back on the same port, and that can forward one RunInstances, lose its answer and
 * go down in the same moment — what a crashing load balancer in front of EC2 looks like.
 */
class FlakyFront {
  private server: HttpServer | undefined;
  private port = 0;
  private trap: { action: string; loseAnswer: boolean } | undefined;

  constructor(private readonly upstream: URL) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next call of `action` reaches EC2; then the front goes down, answering first or losing the answer. */
  goDownAfterNext(action: string, options: { loseAnswer: boolean }): void {
    this.trap = { action, ...options };
  }

  async up(): Promise<void> {
    const server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const action = new URLSearchParams(body.toString('utf8')).get('Action');
        this.forward(req, body).then(
          (answer) => {
            const trap = this.trap?.action === action ? this.trap : undefined;
            if (trap) this.trap = undefined;
            if (trap?.loseAnswer) {
              res.destroy();
              void this.down();
              return;
            }
            // No kept-alive sockets: once the front is down, every new attempt is refused at connect.
            res.writeHead(answer.status, { ...answer.headers, connection: 'close' });
            res.end(answer.body, () => void (trap && this.down()));
          },
          () => res.destroy(),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<ForwardedAnswer> {
    return forwardToEmulator(this.upstream, req, body);
  }
}

const spec = { name: 'edge', cpu: 2, memory: 4 } as const;
const request = { strategy: 'cost-optimized' as const, spot: 'forbid' as const };
const fast = { throttleRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveAttempts: 2 };

/** A dearer memory cloud in the same region, so a failover has somewhere to go. */
function backup(): ProviderV1 {
  return cloud('backup', 'gcp', [{ name: 'us-east-1', zones: ['us-east-1a'], geo: { country: 'US', area: 'north-america', lat: 38.9, lon: -77.4 } }], [offer('gcp', 'us-east-1', 'e2-standard-2', 2, 8, 5)]);
}

async function live(provider: ProviderV1): Promise<VM[]> {
  const out: VM[] = [];
  for await (const vm of provider.listVMs()) if (vm.state !== 'terminated' && vm.state !== 'terminating') out.push(vm);
  return out;
}

describe('requestSent on the AWS path', () => {
  let emu: Ec2Emulator;
  let front: FlakyFront;
  beforeAll(async () => {
    emu = await startEc2Emulator({ region: 'us-east-1' });
    front = new FlakyFront(new URL(emu.endpoint));
    await front.up();
  });
  afterAll(async () => {
    await front.down();
    await emu.close();
  });

  const through = (): AwsProvider =>
    createAwsProvider({ ...emu.providerOptions, name: 'aws', endpoint: front.endpoint, pricingEndpoint: front.endpoint, maxAttempts: 3, retryBaseDelayMs: 1, waiter: { minDelaySeconds: 0.02, maxDelaySeconds: 0.1 } });

  it('tells the failures of one attempt that prove nothing left the machine', () => {
    expect(failedBeforeSending(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', syscall: 'connect' }))).toBe(true);
    expect(failedBeforeSending(Object.assign(new Error('getaddrinfo ENOTFOUND ec2.invalid'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' }))).toBe(true);
    expect(failedBeforeSending(Object.assign(new Error('Socket timed out without establishing a connection within 5000 ms'), { name: 'TimeoutError' }))).toBe(true);
    expect(failedBeforeSending(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(false);
    expect(failedBeforeSending(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' }))).toBe(false);
    expect(failedBeforeSending(Object.assign(new Error('a request has exceeded the configured 100 ms requestTimeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' }))).toBe(false);
    expect(failedBeforeSending('text')).toBe(false);
  });

  it('a refused endpoint on every attempt: requestSent is false, for reads and for creates', async () => {
    const aws = through();
    for await (const region of aws.regions()) void region; // warm the catalog while the front is up
    await front.down();
    try {
      const read = await rejectionOf(aws.getVM('i-0123456789abcdef0'));
      expect(ProviderUnavailableError.isInstance(read), String(read)).toBe(true);
      expect((read as NovacronError).requestSent).toBe(false);
      const create = await rejectionOf(aws.createVM(spec, { idempotencyKey: 'refused-1' }));
      expect(NovacronError.isInstance(create), String(create)).toBe(true);
      expect((create as NovacronError).requestSent).toBe(false);
      expect(emu.instances().filter((i) => i.clientToken === clientTokenFor('refused-1'))).toHaveLength(0);
    } finally {
      await front.up();
    }
  });

  it('an answer that came before the endpoint went down: requestSent is not false', async () => {
    const aws = through();
    emu.faults.failNext('DescribeInstances', { kind: 'internal', code: 'InternalError', message: 'We encountered an internal error. Please try again.', status: 500 });
    // The first attempt is answered (a 500), the next ones are refused: the call did reach EC2.
    front.goDownAfterNext('DescribeInstances', { loseAnswer: false });
    const error = await rejectionOf(aws.getVM('i-0123456789abcdef0'));
    await front.up();
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(NovacronError.isInstance(error), String(error)).toBe(true);
    expect((error as NovacronError).requestSent).not.toBe(false);
  });

  it('a federation fails over past an AWS endpoint that refuses connections: one VM, on the other cloud', async () => {
    const aws = through();
    const other = backup();
    const manager = new FederationManager({ providers: [aws, other], failover: fast });
    await manager.place(spec, { request }); // both catalogs loaded while the front is up
    await front.down();
    try {
      const result = await manager.createVM(spec, { idempotencyKey: 'down-1', request });
      expect(result.vm.provider).toBe('backup');
      expect(result.attempts.map((a) => [a.provider, a.outcome])).toEqual([
        ['aws', 'failed'],
        ['backup', 'created'],
      ]);
      expect(emu.instances().filter((i) => i.clientToken === clientTokenFor(result.attempts[0]!.providerKey))).toHaveLength(0);
      expect(await live(other)).toHaveLength(1);
    } finally {
      await front.up();
    }
  });

  it('a launch that arrived and lost its answer, then a refused endpoint: no failover, and a retry adopts the instance', async () => {
    const aws = through();
    const other = backup();
    const manager = new FederationManager({ providers: [aws, other], failover: fast });
    await manager.place(spec, { request });
    front.goDownAfterNext('RunInstances', { loseAnswer: true });
    const error = await rejectionOf(manager.createVM(spec, { idempotencyKey: 'lost-then-down', request }));
    expect(OutcomeUncertainError.isInstance(error), String(error)).toBe(true);
    expect(await live(other)).toHaveLength(0);
    await front.up();
    const again = await manager.createVM(spec, { idempotencyKey: 'lost-then-down', request });
    expect(again.vm.provider).toBe('aws');
    const launched = emu.instances().filter((i) => i.clientToken === clientTokenFor(again.attempts[0]!.providerKey));
    expect(launched.map((i) => i.instanceId)).toEqual([again.vm.id]);
    expect(await live(other)).toHaveLength(0);
  }, 30_000);
});
