/**
 * The provider conformance suite: what every `ProviderV1` adapter must prove before it is
 * trusted with real VMs. Run it from a vitest file:
 *
 * ```ts
 * describeProviderConformance('memory', () => createMemoryProvider({ pageSize: 5 }), { pageSize: 5 });
 * ```
 */
import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidSpecError,
  NotFoundError,
  UnsupportedError,
  isAbortError,
} from '../provider/errors.js';
import type { ProviderV1 } from '../provider/provider-v1.js';
import { HOURS_PER_MONTH, VM_STATES, type VM, type VMSpecInput } from '../provider/types.js';

/** Options of {@link describeProviderConformance}. */
export interface ProviderConformanceOptions {
  /** Fields merged into every spec the suite creates (region, image, instance type, ...). */
  baseSpec?: Partial<VMSpecInput> | undefined;
  /** The provider's list page size, so the suite can create more VMs than fit one page (default 5). */
  pageSize?: number | undefined;
  /** An id of the provider's id format that names no VM (default `vm-00000000000000000`). */
  unknownId?: string | undefined;
  /** A second provider to import exported images into (default: the provider itself). */
  importTarget?: (() => ProviderV1 | Promise<ProviderV1>) | undefined;
  /** Called after the suite, to close emulators or clients. */
  teardown?: ((provider: ProviderV1) => void | Promise<void>) | undefined;
  /** Longest wait for a listing to show VMs just created, in ms (default 10,000); lists are eventually consistent on some clouds. */
  listSettleMs?: number | undefined;
  /** Per-test timeout in milliseconds (default 60,000). */
  timeoutMs?: number | undefined;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The rejection of a call that must fail; the failure names the call and its input. */
async function expectRejection(promise: Promise<unknown>, call: string): Promise<unknown> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    return error;
  }
  const shown = inspect(result, { depth: 2, breakLength: Infinity });
  throw new Error(`expected ${call} to fail, but it succeeded with ${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown}`);
}

/**
 * Declares the conformance tests for one provider. `factory` is called once for the suite;
 * every test tags its VMs with a label of its own and deletes them afterwards.
 */
export function describeProviderConformance(
  name: string,
  factory: () => ProviderV1 | Promise<ProviderV1>,
  options: ProviderConformanceOptions = {},
): void {
  const pageSize = options.pageSize ?? 5;
  const timeout = options.timeoutMs ?? 60_000;
  const runId = randomBytes(4).toString('hex');

  describe(`ProviderV1 conformance: ${name}`, () => {
    let provider: ProviderV1;
    let seq = 0;
    const created = new Set<string>();

    /** A spec of the suite's own, labelled so that each test finds only its VMs. */
    const specFor = (tag: string, extra: Partial<VMSpecInput> = {}): VMSpecInput => ({
      name: `conf-${runId}-${++seq}`,
      cpu: 1,
      memory: '1Gi',
      ...options.baseSpec,
      ...extra,
      labels: { 'conformance-run': runId, 'conformance-test': tag, ...options.baseSpec?.labels, ...extra.labels },
    });

    const vmsTagged = async (tag: string): Promise<VM[]> =>
      collect(provider.listVMs({ labels: { 'conformance-run': runId, 'conformance-test': tag } }));

    /**
     * Lists until `done` holds or the settle time runs out: clouds' list APIs are eventually
     * consistent right after a create (EC2 documents it), so a listing may lag a create.
     */
    const settled = async (tag: string, done: (vms: VM[]) => boolean): Promise<VM[]> => {
      const deadline = Date.now() + (options.listSettleMs ?? 10_000);
      for (;;) {
        const vms = await vmsTagged(tag);
        if (done(vms) || Date.now() > deadline) return vms;
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const track = (vm: VM): VM => {
      created.add(vm.id);
      return vm;
    };

    beforeAll(async () => {
      provider = await factory();
    }, timeout);

    afterAll(async () => {
      if (!provider) return;
      for (const id of created) {
        await provider.deleteVM(id, { wait: false }).catch(() => undefined);
      }
      await options.teardown?.(provider);
    }, timeout);

    it('declares specification v1, a name, a kind and its capabilities', () => {
      expect(provider.specificationVersion).toBe('v1');
      expect(provider.name).toMatch(/\S/);
      expect(provider.kind).toMatch(/\S/);
      const c = provider.capabilities;
      for (const key of ['spot', 'gpu', 'reservedPricing', 'stopStart', 'deallocate', 'vpn', 'peering'] as const) {
        expect(typeof c[key]).toBe('boolean');
      }
      expect(Array.isArray(c.exportFormats)).toBe(true);
      expect(Array.isArray(c.importFormats)).toBe(true);
    });

    it('lists regions, and offers that carry prices with their source and date', async () => {
      const regions = await collect(provider.regions());
      expect(regions.length).toBeGreaterThan(0);
      for (const r of regions) {
        expect(r.name).toMatch(/\S/);
        expect(Array.isArray(r.zones)).toBe(true);
      }
      // Declared region names are what a federation checks its configuration against: they must be the listed ones.
      if (provider.regionNames !== undefined) expect([...provider.regionNames].sort(), 'regionNames').toEqual(regions.map((r) => r.name).sort());
      const region = (options.baseSpec?.region as string | undefined) ?? regions[0]!.name;
      const offers = await collect(provider.offers(region));
      expect(offers.length).toBeGreaterThan(0);
      for (const o of offers) {
        expect(o.region).toBe(region);
        expect(o.vcpus).toBeGreaterThan(0);
        expect(o.memoryGiB).toBeGreaterThan(0);
        expect(o.onDemandHourly).toBeGreaterThan(0);
        expect(o.source).toMatch(/\S/);
        expect(Number.isNaN(Date.parse(o.asOf))).toBe(false);
        expect(o.currency).toMatch(/^[A-Z]{3}$/);
      }
    }, timeout);

    it('runs the full lifecycle with normalized states', async () => {
      const spec = specFor('lifecycle', { cpu: 2, memory: '4Gi' });
      let provisioned: VM | undefined;
      const vm = track(
        await provider.createVM(spec, {
          idempotencyKey: `conf-${runId}-lifecycle`,
          onProvisioned: (v) => {
            provisioned = v;
          },
        }),
      );
      expect(provisioned?.id).toBe(vm.id);
      expect(vm.state).toBe('running');
      expect(vm.rawState).toMatch(/\S/);
      expect(vm.name).toBe(spec.name);
      expect(vm.provider).toBe(provider.name);
      expect(vm.providerKind).toBe(provider.kind);
      expect(vm.region).toMatch(/\S/);
      expect(vm.instanceType).toMatch(/\S/);
      if (vm.cpu !== undefined) expect(vm.cpu).toBeGreaterThanOrEqual(2);
      if (vm.memoryGiB !== undefined) expect(vm.memoryGiB).toBeGreaterThanOrEqual(4);
      expect(vm.labels['conformance-test']).toBe('lifecycle');
      expect(Number.isNaN(Date.parse(vm.createdAt))).toBe(false);
      if (vm.hourlyPrice) {
        expect(vm.hourlyPrice.amount).toBeGreaterThan(0);
        expect(vm.hourlyPrice.source).toMatch(/\S/);
      }

      const read = await provider.getVM(vm.id);
      expect(read.id).toBe(vm.id);
      expect(read.state).toBe('running');
      expect(VM_STATES).toContain(read.state);

      if (provider.capabilities.stopStart) {
        const stopped = await provider.stopVM(vm.id);
        expect(['stopped', 'deallocated']).toContain(stopped.state);
        expect((await provider.getVM(vm.id)).state).toBe(stopped.state);
        const started = await provider.startVM(vm.id);
        expect(started.state).toBe('running');
      } else {
        await expect(provider.stopVM(vm.id)).rejects.toSatisfy(UnsupportedError.isInstance);
      }

      const rebooted = await provider.rebootVM(vm.id);
      expect(rebooted.state).toBe('running');

      await provider.deleteVM(vm.id);
      const afterDelete = await provider.getVM(vm.id).catch((e: unknown) => e);
      if (NotFoundError.isInstance(afterDelete)) {
        // Some clouds forget deleted VMs at once.
      } else {
        expect((afterDelete as VM).state).toBe('terminated');
      }
      const listed = await vmsTagged('lifecycle');
      expect(listed.map((v) => v.id)).not.toContain(vm.id);
      // Deleting again is not an error.
      await provider.deleteVM(vm.id).catch((e: unknown) => {
        if (!NotFoundError.isInstance(e)) throw e;
      });
    }, timeout);

    it('returns a pending VM at once with wait: false, after reporting its id', async () => {
      const order: string[] = [];
      const vm = track(
        await provider.createVM(specFor('nowait'), {
          wait: false,
          onProvisioned: () => {
            order.push('provisioned');
          },
        }),
      );
      order.push('returned');
      expect(order).toEqual(['provisioned', 'returned']);
      expect(['pending', 'running']).toContain(vm.state);
      expect((await provider.getVM(vm.id)).id).toBe(vm.id);
    }, timeout);

    it('honours idempotency keys: the same key returns the same VM and creates nothing twice', async () => {
      const spec = specFor('idempotent');
      const key = `conf-${runId}-idem`;
      const first = track(await provider.createVM(spec, { idempotencyKey: key, wait: false }));
      const again = await provider.createVM(spec, { idempotencyKey: key, wait: false });
      expect(again.id).toBe(first.id);
      const [c1, c2] = await Promise.all([
        provider.createVM(spec, { idempotencyKey: key, wait: false }),
        provider.createVM(spec, { idempotencyKey: key, wait: false }),
      ]);
      expect(c1.id).toBe(first.id);
      expect(c2.id).toBe(first.id);
      expect((await settled('idempotent', (v) => v.length >= 1)).map((v) => v.id)).toEqual([first.id]);
    }, timeout);

    it('creates nothing twice when a client retries a create it gave up on', async () => {
      const spec = specFor('client-retry');
      const key = `conf-${runId}-retry`;
      const controller = new AbortController();
      let firstId: string | undefined;
      const error = await expectRejection(
        provider.createVM(spec, {
          idempotencyKey: key,
          signal: controller.signal,
          onProvisioned: (vm) => {
            firstId = vm.id;
            created.add(vm.id);
            controller.abort(); // the client gives up after the cloud accepted the request
          },
        }),
        `createVM(${spec.name}) aborted once the cloud accepted it`,
      );
      expect(isAbortError(error)).toBe(true);
      expect(firstId).toBeDefined();
      const retried = track(await provider.createVM(spec, { idempotencyKey: key }));
      expect(retried.id).toBe(firstId);
      expect(retried.state).toBe('running');
      expect((await settled('client-retry', (v) => v.length >= 1)).length).toBe(1);
    }, timeout);

    it('finds a VM by the idempotency key that created it, terminated ones included', async ({ skip }) => {
      if (!provider.findByIdempotencyKey) return skip('findByIdempotencyKey is not implemented');
      const key = `conf-${runId}-find`;
      const vm = track(await provider.createVM(specFor('find'), { idempotencyKey: key }));
      const found = await provider.findByIdempotencyKey(key);
      expect(found?.id).toBe(vm.id);
      expect(found?.state).toBe('running');
      expect(found?.labels['conformance-test']).toBe('find');

      await provider.deleteVM(vm.id);
      const afterDelete = await provider.getVM(vm.id).catch((e: unknown) => e);
      const foundAfterDelete = await provider.findByIdempotencyKey(key);
      // A create that happened stays visible while the cloud still shows its VM.
      if (NotFoundError.isInstance(afterDelete)) expect(foundAfterDelete?.id ?? vm.id).toBe(vm.id);
      else expect(foundAfterDelete).toMatchObject({ id: vm.id, state: 'terminated' });
    }, timeout);

    it('finds a VM created with wait: false at once, by its idempotency key', async ({ skip }) => {
      if (!provider.findByIdempotencyKey) return skip('findByIdempotencyKey is not implemented');
      const key = `conf-${runId}-find-nowait`;
      const vm = track(await provider.createVM(specFor('find-nowait'), { idempotencyKey: key, wait: false }));
      const found = await provider.findByIdempotencyKey(key);
      expect(found?.id).toBe(vm.id);
      expect(['pending', 'running']).toContain(found?.state);
    }, timeout);

    it('answers undefined for an idempotency key that created nothing', async ({ skip }) => {
      if (!provider.findByIdempotencyKey) return skip('findByIdempotencyKey is not implemented');
      expect(await provider.findByIdempotencyKey(`conf-${runId}-never-used`)).toBeUndefined();
      // A key whose create was refused created nothing either.
      const key = `conf-${runId}-find-refused`;
      await expectRejection(provider.createVM({ ...specFor('find-refused'), cpu: -1 }, { idempotencyKey: key }), `provider.createVM({ ...specFor('find-refused'), cpu: -1 }, { idempotencyKey: key })`);
      expect(await provider.findByIdempotencyKey(key)).toBeUndefined();
      expect(isAbortError(await expectRejection(provider.findByIdempotencyKey(key, { signal: AbortSignal.abort() }), `provider.findByIdempotencyKey(key, { signal: AbortSignal.abort() })`))).toBe(true);
    }, timeout);

    it('refuses an idempotency key reused with a different spec', async () => {
      const key = `conf-${runId}-conflict`;
      track(await provider.createVM(specFor('conflict'), { idempotencyKey: key, wait: false }));
      const error = await expectRejection(provider.createVM(specFor('conflict', { cpu: 2, memory: '4Gi' }), { idempotencyKey: key, wait: false }), `provider.createVM(specFor('conflict', { cpu: 2, memory: '4Gi' }), { idempotencyKey: key, wait: false })`);
      expect(ConflictError.isInstance(error)).toBe(true);
      expect((await settled('conflict', (v) => v.length >= 1)).length).toBe(1);
    }, timeout);

    it('pages listVMs beyond one page and filters by label, state and region', async () => {
      const count = pageSize * 2 + 1;
      const made: VM[] = [];
      for (let i = 0; i < count; i++) {
        made.push(track(await provider.createVM(specFor('paging', { labels: { parity: i % 2 === 0 ? 'even' : 'odd' } }), { wait: false })));
      }
      const listed = await settled('paging', (v) => v.length >= count);
      const ids = listed.map((v) => v.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(made.map((v) => v.id).sort());

      const even = await collect(provider.listVMs({ labels: { 'conformance-run': runId, 'conformance-test': 'paging', parity: 'even' } }));
      expect(even.length).toBe(pageSize + 1);
      expect(even.every((v) => v.labels.parity === 'even')).toBe(true);

      const region = made[0]!.region;
      const inRegion = await collect(provider.listVMs({ region, labels: { 'conformance-run': runId, 'conformance-test': 'paging' } }));
      expect(inRegion.length).toBe(made.filter((v) => v.region === region).length);
      // A region the provider does not have is a typed error, never a silently empty answer.
      const nowhere = await expectRejection(collect(provider.listVMs({ region: 'xx-nowhere-9', labels: { 'conformance-run': runId } })), `collect(provider.listVMs({ region: 'xx-nowhere-9', labels: { 'conformance-run': runId } }))`);
      expect(InvalidSpecError.isInstance(nowhere) && nowhere.field === 'region', String(nowhere)).toBe(true);
      const noOffers = await expectRejection(collect(provider.offers('xx-nowhere-9')), `collect(provider.offers('xx-nowhere-9'))`);
      expect(InvalidSpecError.isInstance(noOffers) && noOffers.field === 'region', String(noOffers)).toBe(true);

      await provider.deleteVM(made[0]!.id);
      const terminated = await collect(provider.listVMs({ states: ['terminated'], labels: { 'conformance-run': runId, 'conformance-test': 'paging' } }));
      expect(terminated.map((v) => v.id)).toEqual([made[0]!.id]);
      const withTerminated = await collect(provider.listVMs({ includeTerminated: true, labels: { 'conformance-run': runId, 'conformance-test': 'paging' } }));
      expect(withTerminated.length).toBe(count);
    }, timeout);

    it('maps unknown ids to NotFoundError', async () => {
      const unknown = options.unknownId ?? 'vm-00000000000000000';
      for (const call of [
        () => provider.getVM(unknown),
        () => provider.startVM(unknown),
        () => provider.stopVM(unknown),
        () => provider.rebootVM(unknown),
      ]) {
        const error = await expectRejection(call(), `${call.toString().replace(/^\(\) => /, '')} with unknown id ${unknown}`);
        expect(NotFoundError.isInstance(error), String(error)).toBe(true);
      }
    }, timeout);

    it('stops a call with an AbortError when its signal aborts', async () => {
      const before = (await vmsTagged('abort')).length;
      const aborted = AbortSignal.abort();
      expect(isAbortError(await expectRejection(provider.createVM(specFor('abort'), { signal: aborted }), `provider.createVM(specFor('abort'), { signal: aborted })`))).toBe(true);
      expect(isAbortError(await expectRejection(provider.getVM(options.unknownId ?? 'vm-00000000000000000', { signal: aborted }), `provider.getVM(options.unknownId ?? 'vm-00000000000000000', { signal: aborted })`))).toBe(true);
      expect(isAbortError(await expectRejection(collect(provider.listVMs({}, { signal: aborted })), `collect(provider.listVMs({}, { signal: aborted }))`))).toBe(true);
      expect((await vmsTagged('abort')).length).toBe(before);

      // Aborting while the create waits for `running` stops the wait; the VM is reported first.
      const controller = new AbortController();
      let id: string | undefined;
      const pending = provider.createVM(specFor('abort'), {
        signal: controller.signal,
        onProvisioned: (vm) => {
          id = vm.id;
          created.add(vm.id);
          queueMicrotask(() => controller.abort());
        },
      });
      expect(isAbortError(await expectRejection(pending, 'a createVM aborted right after the cloud assigned its id'))).toBe(true);
      expect(id).toBeDefined();
    }, timeout);

    it('refuses invalid specs with InvalidSpecError naming the field, before creating anything', async () => {
      const countAll = async (): Promise<number> => (await collect(provider.listVMs())).length;
      const before = await countAll();
      const cases: [Partial<VMSpecInput> & Record<string, unknown>, string][] = [
        [{ cpu: -2 }, 'cpu'],
        [{ memory: '8Gb' }, 'memory'],
        [{ disk: { size: 50, type: 'floppy' as never } }, 'disk.type'],
        [{ labels: { 'Bad Key': 'x' } }, 'labels'],
        [{ image: 'ubuntu-99.04' }, 'image'],
        [{ region: 'xx-nowhere-9' }, 'region'],
        [{ name: 'Not_A_Valid_Name' }, 'name'],
        [{ memroy: '4Gi' }, 'memroy'],
        [{ arch: 'sparc' as never }, 'arch'],
        [{ arch: [] }, 'arch'],
        [{ gpu: { count: 1, exact: 'yes' as never } }, 'gpu.exact'],
      ];
      for (const [extra, field] of cases) {
        const error = await expectRejection(provider.createVM({ ...specFor('invalid'), ...extra } as VMSpecInput, { wait: false }), `createVM with ${inspect(extra)} (should be refused on ${field})`);
        expect(InvalidSpecError.isInstance(error), `${JSON.stringify(extra)}: ${String(error)}`).toBe(true);
        expect((error as InvalidSpecError).field.startsWith(field), `${(error as InvalidSpecError).field} should name ${field}`).toBe(true);
      }
      expect(await countAll()).toBe(before);
    }, timeout);

    it('keeps a VM to its architectures: x86_64 by default, arm64 only when asked', async ({ skip }) => {
      // A fixed instance type decides the architecture itself.
      if (options.baseSpec?.instanceType !== undefined) skip();
      const archOf = async (vm: VM): Promise<string | undefined> =>
        (await collect(provider.offers(vm.region))).find((o) => o.instanceType === vm.instanceType)?.arch;
      const byDefault = track(await provider.createVM(specFor('arch', { cpu: 2, memory: '4Gi' }), { wait: false }));
      expect(await archOf(byDefault)).toBe('x86_64');
      const region = byDefault.region;
      const sellsArm = (await collect(provider.offers(region))).some((o) => o.arch === 'arm64' && !o.gpu);
      if (!sellsArm) return;
      const arm = track(await provider.createVM(specFor('arch', { cpu: 2, memory: '4Gi', region, arch: 'arm64' }), { wait: false }));
      expect(await archOf(arm)).toBe('arm64');
    }, timeout);

    it('gives a VM exactly the GPUs asked for with gpu.exact', async ({ skip }) => {
      if (!provider.capabilities.gpu || options.baseSpec?.instanceType !== undefined) skip();
      const regions = await collect(provider.regions());
      const region = (options.baseSpec?.region as string | undefined) ?? regions[0]!.name;
      const gpuOffers = (await collect(provider.offers(region))).filter((o) => o.gpu && o.arch === 'x86_64');
      const fewest = Math.min(...gpuOffers.map((o) => o.gpu!.count));
      if (!Number.isFinite(fewest)) skip();
      const vm = track(await provider.createVM(specFor('gpu-exact', { region, cpu: 1, memory: '1Gi', gpu: { count: fewest, exact: true } }), { wait: false }));
      expect(gpuOffers.find((o) => o.instanceType === vm.instanceType)?.gpu?.count).toBe(fewest);
      // A count no type carries exactly is refused on `gpu`, not rounded up.
      const counts = new Set(gpuOffers.map((o) => o.gpu!.count));
      const missing = [1, 2, 3, 4, 5, 6, 7, 8].find((n) => !counts.has(n) && gpuOffers.some((o) => o.gpu!.count > n));
      if (missing === undefined) return;
      const error = await expectRejection(
        provider.createVM(specFor('gpu-exact', { region, cpu: 1, memory: '1Gi', gpu: { count: missing, exact: true } }), { wait: false }),
        `createVM with gpu: { count: ${missing}, exact: true }`,
      );
      expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
      expect((error as InvalidSpecError).field).toBe('gpu');
    }, timeout);

    it('estimates cost with a breakdown, a source and a date', async () => {
      const estimate = await provider.estimateCost(specFor('cost', { cpu: 2, memory: '8Gi', disk: 100, egressGBPerMonth: 50 }));
      expect(estimate.hourly).toBeGreaterThan(0);
      expect(estimate.monthly).toBeCloseTo(estimate.hourly * HOURS_PER_MONTH, 6);
      const { compute, storage, network } = estimate.breakdown;
      expect(compute).toBeGreaterThan(0);
      expect(storage).toBeGreaterThan(0);
      expect(network).toBeGreaterThan(0);
      expect(compute + storage + network).toBeCloseTo(estimate.monthly, 6);
      expect(estimate.source).toMatch(/\S/);
      expect(Number.isNaN(Date.parse(estimate.asOf))).toBe(false);
      if (provider.capabilities.spot) {
        const spot = await provider.estimateCost(specFor('cost', { cpu: 2, memory: '8Gi', disk: 100, spot: true }));
        expect(spot.spot).toBe(true);
        expect(spot.breakdown.compute).toBeLessThan(compute);
      }
    }, timeout);

    it('round-trips export → import where the capability is declared', async () => {
      const vm = track(await provider.createVM(specFor('export', { disk: 30 })));
      if (provider.capabilities.exportFormats.length === 0) {
        expect(UnsupportedError.isInstance(await expectRejection(provider.exportVM(vm.id), `provider.exportVM(vm.id)`))).toBe(true);
        return;
      }
      const artifact = await provider.exportVM(vm.id);
      expect(provider.capabilities.exportFormats).toContain(artifact.format);
      expect(artifact.sourceVmId).toBe(vm.id);
      expect(artifact.sourceProvider).toBe(provider.name);
      expect(artifact.sizeBytes).toBeGreaterThan(0);
      expect(artifact.checksum.value).toMatch(/^[0-9a-f]{32,}$/);
      expect(artifact.location).toMatch(/^[a-z0-9+.-]+:\/\//);

      const target = options.importTarget ? await options.importTarget() : provider;
      if (!target.capabilities.importFormats.includes(artifact.format)) {
        expect(UnsupportedError.isInstance(await expectRejection(target.importVM(artifact, specFor('export', { disk: 30 })), `target.importVM(artifact, specFor('export', { disk: 30 }))`))).toBe(true);
        return;
      }
      const importSpec = specFor('export', { disk: 30 });
      const imported = await target.importVM(artifact, importSpec, { idempotencyKey: `conf-${runId}-import` });
      try {
        expect(imported.state).toBe('running');
        expect(imported.id).not.toBe(vm.id);
        const again = await target.importVM(artifact, importSpec, { idempotencyKey: `conf-${runId}-import` });
        expect(again.id).toBe(imported.id);
      } finally {
        await target.deleteVM(imported.id, { wait: false }).catch(() => undefined);
      }
    }, timeout);
  });
}
