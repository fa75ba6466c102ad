/**
 * Resolving an uncertain create on AWS: after a lost RunInstances response, throttled retries
 * or a failed record write, `findByIdempotencyKey` finds the instance by its ClientToken, and
 * it answers `undefined` only after looking across EC2's eventual consistency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderUnavailableError, ThrottledError, TimeoutError } from '../../../src/provider/errors.js';
import { clientTokenFor } from '../../../src/providers/aws/run-instances-mapping.js';
import type { Ec2EmulatorCallEvent } from '../../../src/testing/emulators/ec2/index.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedAws, type EmulatedAws } from './emulated-aws.js';

const spec = (name: string) => ({ name, cpu: 1, memory: 1 }) as const;

let env: EmulatedAws;
beforeAll(async () => {
  env = await startEmulatedAws({ provider: { regions: ['us-west-2'] } });
  await env.aws.estimateCost(spec('warm')); // catalog loaded: RunInstances comes first
});
afterAll(() => env.close());

const launchedWith = (key: string) => env.emu.instances().filter((i) => i.clientToken === clientTokenFor(key));

describe('AWS findByIdempotencyKey after an uncertain create', () => {
  it('finds the instance of a RunInstances whose responses were all lost', async () => {
    const aws = env.provider({ maxAttempts: 2 });
    env.emu.faults.dropResponse('RunInstances', { times: 2 }); // the first attempt and the SDK's retry
    const error = await rejectionOf(aws.createVM(spec('lost'), { idempotencyKey: 'lost-1' }));
    expect(ProviderUnavailableError.isInstance(error) || TimeoutError.isInstance(error), String(error)).toBe(true);
    const launched = launchedWith('lost-1');
    expect(launched).toHaveLength(1);

    const found = await aws.findByIdempotencyKey('lost-1');
    expect(found).toMatchObject({ id: launched[0]!.instanceId, name: 'lost', region: 'us-east-1', provider: aws.name });
    expect(['pending', 'running']).toContain(found!.state);
  });

  it('a retry of the create from a fresh provider instance gets the same instance, found by its client token', async () => {
    env.emu.faults.dropResponse('RunInstances', { times: 2 });
    const error = await rejectionOf(env.provider({ maxAttempts: 2 }).createVM(spec('lost-fresh'), { idempotencyKey: 'lost-fresh-1' }));
    expect(ProviderUnavailableError.isInstance(error) || TimeoutError.isInstance(error), String(error)).toBe(true);
    const again = await env.provider({ maxAttempts: 2 }).createVM(spec('lost-fresh'), { idempotencyKey: 'lost-fresh-1' });
    const launched = launchedWith('lost-fresh-1');
    expect(launched.map((i) => i.instanceId)).toEqual([again.id]);
    expect(again.state).toBe('running');
  });

  it('finds the instance when the retries of a lost RunInstances are throttled', async () => {
    const aws = env.provider({ maxAttempts: 3 });
    const throttleAfterDrop = (e: Ec2EmulatorCallEvent): void => {
      if (e.action === 'RunInstances' && e.status === 0) env.emu.faults.throttle(1, { operations: ['RunInstances'] });
    };
    env.emu.events.on('call', throttleAfterDrop);
    env.emu.faults.dropResponse('RunInstances');
    try {
      const error = await rejectionOf(aws.createVM(spec('throttled'), { idempotencyKey: 'throttled-1' }));
      expect(ThrottledError.isInstance(error), String(error)).toBe(true);
    } finally {
      env.emu.events.off('call', throttleAfterDrop);
      env.emu.faults.throttle(0);
    }
    const launched = launchedWith('throttled-1');
    expect(launched).toHaveLength(1);
    expect((await aws.findByIdempotencyKey('throttled-1'))?.id).toBe(launched[0]!.instanceId);
  });

  it('names the instance (resourceId) when it was launched but could not be recorded', async () => {
    const aws = env.provider({
      stateStore: {
        put: async () => {
          throw new Error('disk full');
        },
      },
    });
    const error = await rejectionOf(aws.createVM(spec('unrecorded'), { idempotencyKey: 'unrecorded-1' }));
    expect(ProviderUnavailableError.isInstance(error), String(error)).toBe(true);
    const launched = launchedWith('unrecorded-1');
    expect(launched).toHaveLength(1);
    expect((error as ProviderUnavailableError).resourceId).toBe(launched[0]!.instanceId);
    expect((error as Error).message).toMatch(/launched but could not be recorded/);
    expect((await aws.findByIdempotencyKey('unrecorded-1'))?.id).toBe(launched[0]!.instanceId);
  });

  it('looks in every configured region', async () => {
    const vm = await env.aws.createVM({ ...spec('west'), region: 'us-west-2' }, { idempotencyKey: 'west-1', wait: false });
    const found = await env.aws.findByIdempotencyKey('west-1');
    expect(found).toMatchObject({ id: vm.id, region: 'us-west-2' });
  });

  it('reports absence only after several looks in each region across the consistency window', async () => {
    env.emu.stats.reset();
    expect(await env.aws.findByIdempotencyKey('never-used')).toBeUndefined();
    expect(env.emu.stats.count('DescribeInstances')).toBe(6 * 2);
    env.emu.stats.reset();
    expect(await env.provider({ consistencyWindowMs: 0 }).findByIdempotencyKey('never-used')).toBeUndefined();
    expect(env.emu.stats.count('DescribeInstances')).toBe(2);
  });
});

describe('AWS findByIdempotencyKey when listings lag launches', () => {
  let lagging: EmulatedAws;
  beforeAll(async () => {
    lagging = await startEmulatedAws({ emulator: { timings: { listingConsistencyWindowMs: 300 } } });
    await lagging.aws.estimateCost(spec('warm'));
  });
  afterAll(() => lagging.close());

  it('keeps looking until the launch shows up, within its window', async () => {
    expect(lagging.emu.providerOptions.consistencyWindowMs).toBeGreaterThan(300);
    const vm = await lagging.aws.createVM(spec('lagging'), { idempotencyKey: 'lag-1', wait: false });
    expect((await lagging.aws.findByIdempotencyKey('lag-1'))?.id).toBe(vm.id);
  });

  it('would take a lagging listing for absence if it looked only once', async () => {
    const once = lagging.provider({ consistencyWindowMs: 0 });
    await once.createVM(spec('lagging'), { idempotencyKey: 'lag-2', wait: false });
    expect(await once.findByIdempotencyKey('lag-2')).toBeUndefined();
    expect(lagging.emu.instances().filter((i) => i.clientToken === clientTokenFor('lag-2'))).toHaveLength(1);
  });
});
