// A provider written by the host: a pool of bare-metal servers in the operator's own racks,
// implementing the Provider specification (ProviderV1) in one file, then used by a federation
// beside a simulated public cloud. test/examples/custom-provider.test.ts runs novacron's provider
// conformance suite against it: that suite is how a third-party adapter proves itself.
//
// Run with `npm run build && node examples/custom-provider.mjs`. Import `createBareMetalPool`
// from this file to reuse the provider.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  CapacityError,
  ConflictError,
  createMemoryProvider,
  FederationManager,
  HOURS_PER_MONTH,
  InvalidSpecError,
  NotFoundError,
  UnsupportedError,
} from 'novacron';
import { parseVMSpec, requirementOf, selectOffer, sleep, specFingerprint, throwIfAborted } from 'novacron/provider-utils';

/** Where the pool's prices come from, and when they were set: every price carries both. */
const RATE_CARD = { source: 'bare-metal-chargeback-2026', asOf: '2026-12-01', currency: 'USD' };
/** The operator's charge-back for disk and traffic. */
const DISK_PER_GIB_MONTH = 0.03;
const EGRESS_PER_GB = 0.01;

/** Server classes the pool has, and how many of each per rack. */
const DEFAULT_CLASSES = [
  { instanceType: 'bm.small', vcpus: 8, memoryGiB: 32, arch: 'x86_64', hourly: 0.09, perRack: 24 },
  { instanceType: 'bm.large', vcpus: 32, memoryGiB: 128, arch: 'x86_64', hourly: 0.31, perRack: 2 },
  { instanceType: 'bm.arm', vcpus: 16, memoryGiB: 64, arch: 'arm64', hourly: 0.12, perRack: 2 },
];

/** The pool's one site: a region with a zone per rack. */
const DEFAULT_REGION = { name: 'dc-lyon', zones: ['rack-a', 'rack-b'], geo: { country: 'FR', area: 'europe', lat: 45.76, lon: 4.84 } };

/** How long a server takes to power on, reboot or power off (a real pool drives IPMI and PXE). */
const DEFAULT_POWER_MS = 30;

/** One server lent out as a VM. */
class LentServer {
  constructor({ id, spec, offer, zone, key, fingerprint, now, powerMs }) {
    this.id = id;
    this.spec = spec;
    this.offer = offer;
    this.zone = zone;
    this.key = key;
    this.fingerprint = fingerprint;
    this.createdAt = new Date(now).toISOString();
    this.seq = 0;
    this.powerMs = powerMs;
    this.moveTo('pending', 'running', now);
  }

  /** Starts a power transition: `through` now, `to` once the server has finished it. */
  moveTo(through, to, now) {
    this.state = through;
    this.target = to;
    this.settlesAt = now + this.powerMs;
  }

  /** The state at `now` (transitions settle by the clock, so the pool needs no timers). */
  stateAt(now) {
    if (this.target !== undefined && now >= this.settlesAt) {
      this.state = this.target;
      this.target = undefined;
    }
    return this.state;
  }
}

/** The pool's own word for each normalized state, kept in `VM.rawState`. */
const RAW_STATE = { pending: 'PXE_BOOT', running: 'POWER_ON', stopping: 'SHUTTING_DOWN', stopped: 'POWER_OFF', terminating: 'WIPING', terminated: 'RETURNED' };

/**
 * A pool of bare-metal servers as a ProviderV1. Kept in memory here; a real one would call the
 * data centre's inventory and IPMI APIs where this one changes a Map.
 */
export class BareMetalPool {
  specificationVersion = 'v1';
  kind = 'bare-metal';
  capabilities = {
    spot: false,
    gpu: false,
    reservedPricing: false,
    stopStart: true,
    deallocate: false,
    exportFormats: [],
    importFormats: [],
    vpn: false,
    peering: false,
  };

  /**
   * @param {{ name?: string, region?: typeof DEFAULT_REGION, classes?: typeof DEFAULT_CLASSES, pageSize?: number, powerMs?: number, clock?: () => number }} [options]
   */
  constructor(options = {}) {
    this.name = options.name ?? 'bare-metal';
    this.region = options.region ?? DEFAULT_REGION;
    this.regionNames = [this.region.name];
    this.classes = options.classes ?? DEFAULT_CLASSES;
    this.pageSize = options.pageSize ?? 50;
    this.powerMs = options.powerMs ?? DEFAULT_POWER_MS;
    this.now = options.clock ?? Date.now;
    /** @type {Map<string, LentServer>} VMs by id, terminated ones included. */
    this.servers = new Map();
    /** @type {Map<string, { fingerprint: string, id: string | undefined }>} What each idempotency key made. */
    this.keys = new Map();
    this.seq = 0;
    this.offerList = this.classes.map((c) => ({
      provider: this.kind,
      region: this.region.name,
      instanceType: c.instanceType,
      vcpus: c.vcpus,
      memoryGiB: c.memoryGiB,
      arch: c.arch,
      onDemandHourly: c.hourly,
      currency: RATE_CARD.currency,
      source: RATE_CARD.source,
      asOf: RATE_CARD.asOf,
    }));
  }

  async *regions(options = {}) {
    throwIfAborted(options.signal);
    yield this.region;
  }

  async *offers(region, options = {}) {
    throwIfAborted(options.signal);
    if (region !== undefined) this.checkRegion(region);
    yield* this.offerList;
  }

  async createVM(input, options = {}) {
    throwIfAborted(options.signal);
    // The shared parser refuses a malformed spec with InvalidSpecError naming the field, before anything happens.
    const spec = parseVMSpec(input, { provider: this.name });
    if (spec.region !== undefined) this.checkRegion(spec.region);
    if (spec.zone !== undefined && !this.region.zones.includes(spec.zone)) {
      throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'zone', message: `unknown rack "${spec.zone}"; racks: ${this.region.zones.join(', ')}` }] });
    }
    const server = this.claim(spec, options.idempotencyKey);
    const vm = this.toVM(server);
    // The id is known before any wait: the caller records it, so the server is never lost.
    await options.onProvisioned?.(vm);
    throwIfAborted(options.signal);
    if (options.wait === false) return vm;
    return this.waitFor(server.id, ['running'], options.signal);
  }

  /**
   * Synchronous from the key check to the record, so that two concurrent creates with one key
   * can never both claim a server.
   */
  claim(spec, idempotencyKey) {
    const fingerprint = specFingerprint(spec);
    const prior = idempotencyKey === undefined ? undefined : this.keys.get(idempotencyKey);
    if (prior !== undefined) {
      if (prior.fingerprint !== fingerprint) {
        throw new ConflictError({ provider: this.name, message: `idempotency key "${idempotencyKey}" was already used with a different spec` });
      }
      const existing = prior.id === undefined ? undefined : this.servers.get(prior.id);
      if (existing !== undefined) return existing;
    }
    const offer = selectOffer(this.offerList, requirementOf(spec, this.region.name));
    if (offer === undefined) {
      throw new InvalidSpecError({ provider: this.name, issues: [{ field: spec.instanceType ? 'instanceType' : 'cpu', message: `no server class fits ${spec.cpu} vCPUs, ${spec.memoryGiB} GiB (${spec.arch?.join('/') ?? 'x86_64'})` }] });
    }
    const zone = this.freeRack(offer.instanceType, spec.zone);
    if (zone === undefined) {
      throw new CapacityError({ provider: this.name, message: `every ${offer.instanceType} server is lent out`, region: this.region.name, instanceType: offer.instanceType, zone: spec.zone });
    }
    const server = new LentServer({ id: `bm-${randomUUID().replace(/-/g, '').slice(0, 17)}`, spec, offer, zone, key: idempotencyKey, fingerprint, now: this.now(), powerMs: this.powerMs });
    server.seq = ++this.seq;
    this.servers.set(server.id, server);
    if (idempotencyKey !== undefined) this.keys.set(idempotencyKey, { fingerprint, id: server.id });
    return server;
  }

  /** A rack with a server of this class free, the asked one when given. */
  freeRack(instanceType, zone) {
    const perRack = this.classes.find((c) => c.instanceType === instanceType)?.perRack ?? 0;
    for (const rack of zone === undefined ? this.region.zones : [zone]) {
      let used = 0;
      for (const l of this.servers.values()) if (l.zone === rack && l.offer.instanceType === instanceType && l.stateAt(this.now()) !== 'terminated') used++;
      if (used < perRack) return rack;
    }
    return undefined;
  }

  async getVM(id, options = {}) {
    throwIfAborted(options.signal);
    return this.toVM(this.find(id));
  }

  async findByIdempotencyKey(idempotencyKey, options = {}) {
    throwIfAborted(options.signal);
    // The pool's records are strongly consistent: no entry is a confirmed absence.
    const id = this.keys.get(idempotencyKey)?.id;
    const server = id === undefined ? undefined : this.servers.get(id);
    return server === undefined ? undefined : this.toVM(server);
  }

  async *listVMs(filter = {}, options = {}) {
    if (filter.region !== undefined) this.checkRegion(filter.region);
    // Pages are cut by creation order, as an inventory API would hand them out.
    let after = 0;
    for (;;) {
      throwIfAborted(options.signal);
      const page = [...this.servers.values()].filter((l) => l.seq > after).sort((a, b) => a.seq - b.seq).slice(0, this.pageSize);
      for (const server of page) {
        const vm = this.toVM(server);
        if (this.matches(vm, filter)) yield vm;
      }
      if (page.length < this.pageSize) return;
      after = page.at(-1).seq;
    }
  }

  matches(vm, filter) {
    if (filter.states !== undefined) {
      if (!filter.states.includes(vm.state)) return false;
    } else if (vm.state === 'terminated' && filter.includeTerminated !== true) return false;
    if (filter.region !== undefined && vm.region !== filter.region) return false;
    return Object.entries(filter.labels ?? {}).every(([k, v]) => vm.labels[k] === v);
  }

  async deleteVM(id, options = {}) {
    throwIfAborted(options.signal);
    const server = this.servers.get(id);
    if (server === undefined) return; // deleting what is already gone succeeds
    const state = server.stateAt(this.now());
    if (state !== 'terminated' && state !== 'terminating') server.moveTo('terminating', 'terminated', this.now());
    if (options.wait !== false) await this.waitFor(id, ['terminated'], options.signal);
  }

  async startVM(id, options = {}) {
    return this.power(id, options, ['stopped'], 'pending', 'running');
  }

  async stopVM(id, options = {}) {
    return this.power(id, options, ['running', 'pending'], 'stopping', 'stopped');
  }

  async rebootVM(id, options = {}) {
    throwIfAborted(options.signal);
    const server = this.find(id);
    const state = server.stateAt(this.now());
    if (state !== 'running') throw new ConflictError({ provider: this.name, message: `cannot reboot ${id} while it is ${state}` });
    return this.toVM(server); // an IPMI power cycle; the server counts as running throughout
  }

  async power(id, options, from, through, to) {
    throwIfAborted(options.signal);
    const server = this.find(id);
    const state = server.stateAt(this.now());
    if (state !== to && state !== through) {
      if (!from.includes(state)) throw new ConflictError({ provider: this.name, message: `cannot move ${id} to ${to} while it is ${state}` });
      server.moveTo(through, to, this.now());
    }
    if (options.wait === false) return this.toVM(server);
    return this.waitFor(id, [to], options.signal);
  }

  async estimateCost(input, options = {}) {
    throwIfAborted(options.signal);
    const spec = parseVMSpec(input, { provider: this.name });
    if (spec.region !== undefined) this.checkRegion(spec.region);
    const offer = selectOffer(this.offerList, requirementOf(spec, this.region.name));
    if (offer === undefined) throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'cpu', message: 'no server class fits' }] });
    const compute = offer.onDemandHourly * HOURS_PER_MONTH;
    const storage = spec.disk.sizeGiB * DISK_PER_GIB_MONTH;
    const network = spec.egressGBPerMonth * EGRESS_PER_GB;
    const monthly = compute + storage + network;
    return { hourly: monthly / HOURS_PER_MONTH, monthly, breakdown: { compute, storage, network }, currency: RATE_CARD.currency, instanceType: offer.instanceType, region: offer.region, spot: false, source: RATE_CARD.source, asOf: RATE_CARD.asOf };
  }

  async exportVM() {
    throw new UnsupportedError({ provider: this.name, message: 'the pool cannot image its servers', capability: 'export' });
  }

  async importVM() {
    throw new UnsupportedError({ provider: this.name, message: 'the pool cannot boot imported images', capability: 'import' });
  }

  checkRegion(region) {
    if (region !== this.region.name) {
      throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'region', message: `unknown region "${region}"; the pool is in ${this.region.name}` }] });
    }
  }

  find(id) {
    const server = this.servers.get(id);
    if (server === undefined) throw new NotFoundError({ provider: this.name, message: `no server lent out as ${id}`, resourceType: 'vm', resourceId: id });
    return server;
  }

  async waitFor(id, targets, signal) {
    for (;;) {
      const vm = this.toVM(this.find(id));
      if (targets.includes(vm.state)) return vm;
      await sleep(Math.max(1, Math.ceil(this.powerMs / 4)), signal);
    }
  }

  toVM(server) {
    const state = server.stateAt(this.now());
    const { spec, offer } = server;
    return {
      id: server.id,
      name: spec.name,
      provider: this.name,
      providerKind: this.kind,
      region: this.region.name,
      zone: server.zone,
      state,
      rawState: RAW_STATE[state],
      instanceType: offer.instanceType,
      cpu: offer.vcpus,
      memoryGiB: offer.memoryGiB,
      spot: false,
      privateIps: [],
      publicIps: [],
      labels: { ...spec.labels },
      image: spec.image,
      createdAt: server.createdAt,
      hourlyPrice: { amount: offer.onDemandHourly, currency: offer.currency, source: offer.source, asOf: offer.asOf },
      stateReason: undefined,
    };
  }
}

/** Creates a bare-metal pool provider. */
export function createBareMetalPool(options) {
  return new BareMetalPool(options);
}

/** The demo: the pool beside a simulated public cloud, and a policy that keeps ledgers on-premises. */
async function main() {
  const pool = createBareMetalPool({ name: 'lyon-metal' });
  const cloud = createMemoryProvider({ name: 'aws-frankfurt', kind: 'aws', regions: ['eu-central-1'] });
  const manager = new FederationManager({
    providers: [pool, cloud],
    policies: [{ name: 'ledgers-on-prem', priority: 100, condition: { type: 'label', key: 'app', value: 'ledger' }, action: { type: 'restrict', providers: ['lyon-metal'] } }],
  });

  const ledger = { name: 'ledger-1', cpu: 8, memory: '32Gi', labels: { app: 'ledger' } };
  const decision = await manager.place(ledger);
  console.log(`ledger: ${decision}`);
  console.log(decision.explain(4));
  const { vm } = await manager.createVM(ledger, { idempotencyKey: 'example/ledger-1' });
  console.log(`created ${vm}`);

  // No policy applies to a web server: the cost-optimized strategy takes the cheapest fit, a cloud VM.
  const web = await manager.createVM({ name: 'web-1', cpu: 2, memory: '4Gi', labels: { app: 'web' } }, { idempotencyKey: 'example/web-1', request: { strategy: 'cost-optimized' } });
  console.log(`web: ${web.vm}`);

  const estimate = await pool.estimateCost({ ...ledger, disk: 200, egressGBPerMonth: 100 });
  console.log(`ledger on the pool: $${estimate.monthly.toFixed(2)}/month (compute $${estimate.breakdown.compute.toFixed(2)}, disk $${estimate.breakdown.storage.toFixed(2)}, traffic $${estimate.breakdown.network.toFixed(2)}) from ${estimate.source} (${estimate.asOf})`);

  for await (const r of manager.inventory()) await manager.deleteVM(r.provider, r.vmId);
  console.log('deleted every VM');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
