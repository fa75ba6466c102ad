/**
 * The AWS provider's lifecycle, listing, state mapping and bad input, against the emulator
 * through the real SDK.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, CapacityError, ConflictError, InvalidSpecError, NotFoundError, QuotaError, TimeoutError } from '../../../src/provider/errors.js';
import { createEventBus } from '../../../src/provider/events.js';
import type { VM } from '../../../src/provider/types.js';
import { createAwsProvider } from '../../../src/providers/aws/index.js';
import { createMemoryStore } from '../../../src/state/index.js';
import type { Ec2EmulatorCallEvent } from '../../../src/testing/emulators/ec2/index.js';
import { collect, rejectionOf } from '../../helpers.js';
import { startEmulatedAws, type EmulatedAws } from './emulated-aws.js';

let env: EmulatedAws;
beforeAll(async () => {
  env = await startEmulatedAws({ provider: { listPageSize: 5, regions: ['us-west-2'] } });
});
afterAll(() => env.close());

describe('AWS provider lifecycle', () => {
  it('maps pending, running, stopping, stopped, shutting-down and terminated', async () => {
    const vm = await env.aws.createVM({ name: 'life', cpu: 1, memory: 1 }, { wait: false });
    expect(vm.state).toBe('pending');
    expect(vm.rawState).toBe('pending');
    const running = await env.aws.startVM(vm.id); // starting a pending/running instance waits for running
    expect(running.state).toBe('running');
    const stopping = await env.aws.stopVM(vm.id, { wait: false });
    expect(['stopping', 'stopped']).toContain(stopping.state);
    const stopped = await env.aws.stopVM(vm.id);
    expect(stopped).toMatchObject({ state: 'stopped', rawState: 'stopped' });
    expect(stopped.stateReason).toMatch(/UserInitiatedShutdown/);
    expect((await env.aws.startVM(vm.id)).state).toBe('running');
    expect((await env.aws.rebootVM(vm.id)).state).toBe('running');
    await env.aws.deleteVM(vm.id, { wait: false });
    const terminating = await env.aws.getVM(vm.id);
    expect(['terminating', 'terminated']).toContain(terminating.state);
    await env.aws.deleteVM(vm.id);
    expect(await env.aws.getVM(vm.id)).toMatchObject({ state: 'terminated', rawState: 'terminated' });
    await env.aws.deleteVM(vm.id); // again: not an error
  });

  it('reports a spot interruption as the state reason', async () => {
    const vm = await env.aws.createVM({ name: 'spot-int', cpu: 2, memory: 4, spot: true });
    env.emu.interruptSpot(vm.id);
    const interrupted = await env.aws.getVM(vm.id);
    // shutting-down → terminating, then terminated; which one depends on how fast getVM runs.
    expect([['terminating', 'shutting-down'], ['terminated', 'terminated']]).toContainEqual([interrupted.state, interrupted.rawState]);
    expect(interrupted.stateReason).toMatch(/^spot-interruption: Server\.SpotInstanceTermination/);
  });

  it('reads a VM right after a no-wait create despite eventual consistency', async () => {
    const vm = await env.aws.createVM({ name: 'consistent', cpu: 1, memory: 1 }, { wait: false });
    const read = await env.aws.getVM(vm.id);
    expect(read.id).toBe(vm.id);
  });

  it('maps unknown and malformed ids to NotFoundError', async () => {
    for (const id of ['i-00000000000000000', 'vm-1']) {
      for (const call of [() => env.aws.getVM(id), () => env.aws.startVM(id), () => env.aws.stopVM(id), () => env.aws.rebootVM(id)]) {
        expect(NotFoundError.isInstance(await rejectionOf(call()))).toBe(true);
      }
    }
  });

  it('writes the instance id to the state store and reports it before waiting', async () => {
    const writes: { key: string; value: unknown }[] = [];
    const events = createEventBus();
    const created: string[] = [];
    events.on('vm.created', (e) => created.push(e.vm.id));
    const order: string[] = [];
    const stateStore = {
      async put(key: string, value: unknown) {
        order.push(`put:${env.emu.instance((value as { instanceId: string }).instanceId)!.state}`);
        writes.push({ key, value });
        return { version: 1 };
      },
    };
    const aws = env.provider({ stateStore, events });
    const vm = await aws.createVM(
      { name: 'recorded', cpu: 1, memory: 1 },
      { idempotencyKey: 'rec-1', onProvisioned: (v: VM) => void order.push(`provisioned:${v.state}`) },
    );
    expect(writes).toEqual([{ key: `aws/${aws.name}/instances/rec-1`, value: expect.objectContaining({ instanceId: vm.id, region: 'us-east-1' }) }]);
    expect(order).toEqual(['put:pending', 'provisioned:pending']);
    expect(created).toEqual([vm.id]);
    expect(vm.state).toBe('running');
  });

  it('records the instance id in a real StateStore, readable after a crash mid-wait', async () => {
    const store = createMemoryStore();
    const aws = env.provider({ stateStore: store });
    const controller = new AbortController();
    const error = await rejectionOf(
      aws.createVM({ name: 'stored', cpu: 1, memory: 1 }, { idempotencyKey: 'stored-1', signal: controller.signal, onProvisioned: () => controller.abort() }),
    );
    expect(String(error)).toMatch(/abort/i);
    const record = await store.get<{ instanceId: string; region: string }>(`aws/${aws.name}/instances/stored-1`);
    expect(record?.value.region).toBe('us-east-1');
    expect(env.emu.instance(record!.value.instanceId)?.tags.Name).toBe('stored');
  });

  it('names the launched instance when the state store refuses the record, and adopts it on repeat', async () => {
    let fail = true;
    const stateStore = {
      async put() {
        if (fail) throw new Error('store offline');
        return 1;
      },
    };
    const aws = env.provider({ stateStore });
    const error = await rejectionOf(aws.createVM({ name: 'unrecorded', cpu: 1, memory: 1 }, { idempotencyKey: 'unrecorded-1' }));
    const launched = env.emu.instances().find((i) => i.tags.Name === 'unrecorded')!;
    expect(String(error)).toContain(launched.instanceId);
    fail = false;
    expect((await aws.createVM({ name: 'unrecorded', cpu: 1, memory: 1 }, { idempotencyKey: 'unrecorded-1' })).id).toBe(launched.instanceId);
  });

  it('names the VM in the TimeoutError when waiting runs out', async () => {
    const slow = await startEmulatedAws({ emulator: { timings: { pendingMs: 60_000 } } });
    try {
      const error = await rejectionOf(slow.aws.createVM({ name: 'slow', cpu: 1, memory: 1 }, { waitTimeoutMs: 300 }));
      expect(TimeoutError.isInstance(error), String(error)).toBe(true);
      const id = (error as TimeoutError).resourceId!;
      expect(slow.emu.instance(id)?.state).toBe('pending');
    } finally {
      await slow.close();
    }
  });
});

describe('AWS provider listing', () => {
  it('pages through DescribeInstances, pushes label filters down and skips terminated instances', async () => {
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => env.aws.createVM({ name: `list-${i}`, cpu: 1, memory: 1, labels: { suite: 'listing', parity: i % 2 ? 'odd' : 'even' } }, { wait: false })));
    env.emu.seedInstances(40, { tags: { suite: 'noise' } });
    env.emu.stats.reset();
    const listed = await collect(env.aws.listVMs({ labels: { suite: 'listing' }, region: 'us-east-1' }));
    expect(listed.map((v) => v.id).sort()).toEqual(made.map((v) => v.id).sort());
    // 12 matches in pages of 5: three calls. Filtering after the fact would page through 50+.
    expect(env.emu.stats.byAction()).toEqual({ DescribeInstances: 3 });

    const odd = await collect(env.aws.listVMs({ labels: { suite: 'listing', parity: 'odd' } }));
    expect(odd).toHaveLength(6);

    await env.aws.deleteVM(made[0]!.id);
    const live = await collect(env.aws.listVMs({ labels: { suite: 'listing' } }));
    expect(live.map((v) => v.id)).not.toContain(made[0]!.id);
    const terminated = await collect(env.aws.listVMs({ labels: { suite: 'listing' }, states: ['terminated'] }));
    expect(terminated.map((v) => v.id)).toEqual([made[0]!.id]);
    expect(await collect(env.aws.listVMs({ labels: { suite: 'listing' }, includeTerminated: true }))).toHaveLength(12);
    expect(await collect(env.aws.listVMs({ labels: { suite: 'listing' }, states: ['deallocated'] }))).toEqual([]);
  });

  it('creates with one RunInstances per VM once the catalog and image are cached (no N+1)', async () => {
    await env.aws.createVM({ name: 'warm-up', cpu: 1, memory: 1 }, { wait: false });
    env.emu.stats.reset();
    await Promise.all(Array.from({ length: 10 }, (_, i) => env.aws.createVM({ name: `n1-${i}`, cpu: 1, memory: 1 }, { wait: false })));
    expect(env.emu.stats.byAction()).toEqual({ RunInstances: 10 });
  });

  it('lists every configured region, and refuses an unknown one with a typed error', async () => {
    const west = await env.aws.createVM({ name: 'west', cpu: 1, memory: 1, region: 'us-west-2', labels: { suite: 'regions' } });
    const east = await env.aws.createVM({ name: 'east', cpu: 1, memory: 1, labels: { suite: 'regions' } }, { wait: false });
    const all = await collect(env.aws.listVMs({ labels: { suite: 'regions' } }));
    expect(all.map((v) => `${v.region}/${v.id}`).sort()).toEqual([`us-east-1/${east.id}`, `us-west-2/${west.id}`].sort());
    expect(await collect(env.aws.listVMs({ region: 'us-west-2', labels: { suite: 'regions' } }))).toHaveLength(1);
    const unknown = await rejectionOf(collect(env.aws.listVMs({ region: 'xx-nowhere-1' })));
    expect(InvalidSpecError.isInstance(unknown) && unknown.field === 'region', String(unknown)).toBe(true);
    const noOffers = await rejectionOf(collect(env.aws.offers('xx-nowhere-1')));
    expect(InvalidSpecError.isInstance(noOffers) && noOffers.field === 'region', String(noOffers)).toBe(true);
    // A fresh provider finds the west VM by id although it never created it (once visible).
    expect((await env.provider({ regions: ['us-west-2'] }).getVM(west.id)).region).toBe('us-west-2');
  });
});

describe('AWS provider bad input: a typed error and nothing created', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['malformed spec', { cpu: -1 }, 'cpu'],
    ['unit typo', { memory: '8Gb' }, 'memory'],
    ['unknown region', { region: 'xx-nowhere-9' }, 'region'],
    ['unknown zone', { zone: 'us-east-1z' }, 'zone'],
    ['unknown image alias', { image: 'ubuntu-99.04' }, 'image'],
    ['unknown AMI', { image: 'ami-0123456789abcdef0' }, 'image'],
    ['no fitting type', { cpu: 512, memory: 4096 }, 'cpu'],
    ['unknown instance type', { instanceType: 'z9.mega' }, 'instanceType'],
    ['disk type of another cloud', { disk: { size: 50, type: 'pd-ssd' } }, 'disk.type'],
    ['disk smaller than the image', { disk: 4 }, 'disk'],
  ];
  for (const [label, extra, field] of cases) {
    it(label, async () => {
      const before = env.emu.instances().length;
      env.emu.stats.reset();
      const error = await rejectionOf(env.aws.createVM({ name: 'bad', cpu: 1, memory: 1, ...extra } as never));
      expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
      expect((error as InvalidSpecError).field).toBe(field);
      expect(env.emu.stats.count('RunInstances')).toBe(0);
      expect(env.emu.instances().length).toBe(before);
    });
  }

  it('wrong credentials', async () => {
    const before = env.emu.instances().length;
    const wrong = createAwsProvider({ ...env.emu.providerOptions, credentials: { accessKeyId: 'AKIAWRONGWRONGWRONG1', secretAccessKey: 'nope' } });
    const error = await rejectionOf(wrong.createVM({ name: 'bad', cpu: 1, memory: 1 }));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(env.emu.instances().length).toBe(before);
  });
});

describe('AWS provider knowledge', () => {
  it('lists configured regions with zones and geography', async () => {
    const regions = await collect(env.aws.regions());
    expect(regions.map((r) => r.name)).toEqual(['us-east-1', 'us-west-2']);
    expect(regions[0]).toMatchObject({ zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], geo: { country: 'US' } });
  });

  it('offers types per zone with on-demand, amortized reserved and spot prices, with source and date', async () => {
    const offers = await collect(env.aws.offers('us-east-1'));
    const m5 = offers.find((o) => o.instanceType === 'm5.large' && o.zone === 'us-east-1a')!;
    expect(m5).toMatchObject({ vcpus: 2, memoryGiB: 8, arch: 'x86_64', onDemandHourly: 0.096, currency: 'USD' });
    // Seeded 1-year partial upfront: half of 0.62 × 0.096 up front over 8760 h, half hourly.
    expect(m5.reserved1yHourly).toBeCloseTo(0.096 * 0.62, 6);
    expect(m5.reserved3yHourly).toBeCloseTo(0.096 * 0.42, 6);
    expect(m5.spotHourly).toBeCloseTo(0.0307, 6);
    expect(m5.source).toContain('aws-pricing-api');
    expect(Number.isNaN(Date.parse(m5.asOf))).toBe(false);
    // p3.2xlarge is not offered in us-east-1c.
    expect(offers.some((o) => o.instanceType === 'p3.2xlarge' && o.zone === 'us-east-1c')).toBe(false);
    expect(offers.find((o) => o.instanceType === 'g4dn.xlarge')?.gpu).toMatchObject({ model: 't4', count: 1 });
  });

  it('estimates compute, EBS storage and egress, each priced', async () => {
    const estimate = await env.aws.estimateCost({ name: 'cost', cpu: 2, memory: 4, disk: { size: 100, type: 'gp3' }, egressGBPerMonth: 50 });
    expect(estimate.instanceType).toBe('t3.medium');
    expect(estimate.breakdown.compute).toBeCloseTo(0.0416 * 730, 6);
    expect(estimate.breakdown.storage).toBeCloseTo(0.08 * 100, 6);
    expect(estimate.breakdown.network).toBeCloseTo(0.09 * 50, 6);
    expect(estimate.monthly).toBeCloseTo(estimate.hourly * 730, 6);
    expect(estimate.source).toBe('aws-pricing-api');
    const spot = await env.aws.estimateCost({ name: 'cost', cpu: 2, memory: 4, spot: true });
    expect(spot.spot).toBe(true);
    expect(spot.breakdown.compute).toBeLessThan(estimate.breakdown.compute);
  });
});

describe('AWS provider against capacity, quotas and consistency', () => {
  it('turns zone capacity and account quotas into CapacityError and QuotaError, creating nothing', async () => {
    const own = await startEmulatedAws({ emulator: { quotas: { vcpus: 4, 'spot-instances': 1 } } });
    try {
      own.emu.faults.capacity({ zone: 'us-east-1b', type: 't3.medium' }, 0);
      const ice = await rejectionOf(own.aws.createVM({ name: 'ice', cpu: 2, memory: 4, zone: 'us-east-1b' }));
      expect(CapacityError.isInstance(ice)).toBe(true);
      expect(ice).toMatchObject({ region: 'us-east-1', zone: 'us-east-1b', instanceType: 't3.medium', retryable: true });
      // Without a zone EC2 places it where there is room.
      expect((await own.aws.createVM({ name: 'placed', cpu: 2, memory: 4 })).zone).toBe('us-east-1a');
      await own.aws.createVM({ name: 'second', cpu: 2, memory: 4 });
      const quota = await rejectionOf(own.aws.createVM({ name: 'third', cpu: 2, memory: 4 }));
      expect(QuotaError.isInstance(quota)).toBe(true);
      expect(quota).toMatchObject({ quotaName: 'VcpuLimitExceeded', region: 'us-east-1', retryable: false });
      const tooLow = await rejectionOf(own.aws.createVM({ name: 'cheapskate', cpu: 2, memory: 4, spot: true, spotMaxPrice: 0.0001 }));
      expect(CapacityError.isInstance(tooLow), String(tooLow)).toBe(true);
      expect(tooLow).toMatchObject({ retryable: false });
      await own.aws.createVM({ name: 'spot-1', cpu: 2, memory: 4, spot: true });
      const spotQuota = await rejectionOf(own.aws.createVM({ name: 'spot-2', cpu: 2, memory: 4, spot: true }));
      expect(spotQuota).toMatchObject({ quotaName: 'MaxSpotInstanceCountExceeded' });
      expect(own.emu.instances()).toHaveLength(3);
    } finally {
      await own.close();
    }
  });

  it('reports a launch that fails while pending (capacity gone after RunInstances) as CapacityError', async () => {
    env.emu.faults.failNextLaunch();
    const error = await rejectionOf(env.aws.createVM({ name: 'vanished', cpu: 1, memory: 1 }));
    expect(CapacityError.isInstance(error), String(error)).toBe(true);
    const launched = env.emu.instances().find((i) => i.tags.Name === 'vanished')!;
    expect(error).toMatchObject({ zone: launched.zone, instanceType: 't3.micro' });
    expect(String(error)).toContain(launched.instanceId);
  });

  it('waits through InvalidInstanceID.NotFound right after the create', async () => {
    const own = await startEmulatedAws({ emulator: { timings: { pendingMs: 50, consistencyWindowMs: 1500 } } });
    try {
      const codes: (string | undefined)[] = [];
      own.emu.events.on('call', (e: Ec2EmulatorCallEvent) => {
        if (e.action === 'DescribeInstances') codes.push(e.errorCode);
      });
      const vm = await own.aws.createVM({ name: 'patient', cpu: 1, memory: 1 });
      expect(vm.state).toBe('running');
      expect(codes[0]).toBe('InvalidInstanceID.NotFound');
      expect(codes.at(-1)).toBeUndefined();
    } finally {
      await own.close();
    }
  });

  it('adopts its own earlier launch when only the provider side of the request changed, and refuses a changed spec', async () => {
    const first = await env.aws.createVM({ name: 'adopt', cpu: 1, memory: 1 }, { idempotencyKey: 'adopt-1', wait: false });
    // Different security groups change RunInstances' arguments (EC2 says IdempotentParameterMismatch) but not the spec.
    const changed = env.provider({ defaults: { securityGroupIds: ['sg-0123456789abcdef0'] } });
    const again = await changed.createVM({ name: 'adopt', cpu: 1, memory: 1 }, { idempotencyKey: 'adopt-1', wait: false });
    expect(again.id).toBe(first.id);
    const conflict = await rejectionOf(changed.createVM({ name: 'adopt', cpu: 2, memory: 4 }, { idempotencyKey: 'adopt-1', wait: false }));
    expect(ConflictError.isInstance(conflict)).toBe(true);
    expect(String(conflict)).toContain(first.id);
    expect(env.emu.instances().filter((i) => i.tags.Name === 'adopt')).toHaveLength(1);
  });

  it('asks for spot by default when the provider says so', async () => {
    const spotty = env.provider({ defaults: { spot: true } });
    const vm = await spotty.createVM({ name: 'default-spot', cpu: 1, memory: 1 }, { wait: false });
    expect(env.emu.instance(vm.id)!.spot).toBeDefined();
    const onDemand = await spotty.createVM({ name: 'explicit', cpu: 1, memory: 1, spot: false }, { wait: false });
    expect(env.emu.instance(onDemand.id)!.spot).toBeUndefined();
  });
});

describe('AWS provider options', () => {
  it('takes any SDK credential provider, and ready clients instead of endpoints', async () => {
    const { accessKeyId, secretAccessKey } = env.emu.providerOptions.credentials;
    let asked = 0;
    const viaProvider = createAwsProvider({
      ...env.emu.providerOptions,
      credentials: async () => {
        asked++;
        return { accessKeyId, secretAccessKey, expiration: new Date(Date.now() + 3600_000) };
      },
    });
    expect((await viaProvider.createVM({ name: 'cred-provider', cpu: 1, memory: 1 }, { wait: false })).id).toMatch(/^i-/);
    expect(asked).toBeGreaterThan(0);

    const ec2Client = new EC2Client({ endpoint: env.emu.endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey } });
    const injected = createAwsProvider({
      region: 'us-east-1',
      ec2Client,
      pricingEndpoint: env.emu.endpoint,
      credentials: { accessKeyId, secretAccessKey },
      waiter: env.emu.providerOptions.waiter,
    });
    const vm = await injected.createVM({ name: 'injected', cpu: 1, memory: 1 });
    expect(env.emu.instance(vm.id)?.tags.Name).toBe('injected');
    ec2Client.destroy();
  });
});
