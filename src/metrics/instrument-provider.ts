/**
 * Wraps a provider so that what it creates and deletes shows up in the federation metrics:
 * `novacron_federation_vms_total{provider,region}` and
 * `novacron_federation_provider_costs_dollars{provider,type}`.
 */
import type { CallOptions, CreateVMOptions, ImportVMOptions, ListVMsFilter, PowerOptions, ProviderV1, StopVMOptions } from '../provider/provider-v1.js';
import { HOURS_PER_MONTH, type ImageArtifact, type VM, type VMSpec, type VMSpecInput } from '../provider/types.js';
import type { CostType, FederationMetrics } from './federation-metrics.js';

/** Options of {@link instrumentProvider}. */
export interface InstrumentProviderOptions {
  /** Where to record (from `createFederationMetrics(sink)`). */
  metrics: FederationMetrics;
}

type Costs = Readonly<Record<CostType, number>>;
const COST_TYPES: readonly CostType[] = ['compute', 'storage', 'network'];
const NO_COST: Costs = { compute: 0, storage: 0, network: 0 };

function gone(vm: VM): boolean {
  return vm.state === 'terminated' || vm.state === 'terminating';
}

/**
 * Returns a provider that behaves exactly like `provider` and keeps its metrics current:
 *
 * - a VM counts in `vms_total` from the moment a create or import returns it, or a `getVM` /
 *   `listVMs` first shows it alive (so VMs created before wrapping are counted once the host
 *   reads its inventory), until a delete succeeds or a read shows it terminated;
 * - its cost counts in `provider_costs_dollars` as an hourly run-rate in US dollars: the
 *   provider's `estimateCost` breakdown (monthly ÷ 730) for VMs created here, the VM's own
 *   hourly price (compute only) for VMs discovered by reading. Prices in other currencies are
 *   left out rather than mislabelled as dollars.
 *
 * Gauges are set from the totals each time (not nudged up and down), so they never drift.
 * Wrap each provider once: two wrappers of one provider name would overwrite each other.
 */
export function instrumentProvider(provider: ProviderV1, options: InstrumentProviderOptions): ProviderV1 {
  const { metrics } = options;
  const name = provider.name;
  const tracked = new Map<string, { region: string; costs: Costs }>();
  const regionsSeen = new Set<string>();

  function publish(): void {
    const perRegion = new Map<string, number>([...regionsSeen].map((r) => [r, 0]));
    const totals: Record<CostType, number> = { compute: 0, storage: 0, network: 0 };
    for (const vm of tracked.values()) {
      perRegion.set(vm.region, (perRegion.get(vm.region) ?? 0) + 1);
      for (const type of COST_TYPES) totals[type] += vm.costs[type];
    }
    for (const [region, count] of perRegion) metrics.vmsTotal.set({ provider: name, region }, count);
    for (const type of COST_TYPES) metrics.providerCostsDollars.set({ provider: name, type }, totals[type]);
  }

  function track(vm: VM, costs: Costs): void {
    if (gone(vm)) return untrack(vm.id);
    if (tracked.has(vm.id)) return;
    tracked.set(vm.id, { region: vm.region, costs });
    regionsSeen.add(vm.region);
    publish();
  }

  function untrack(id: string): void {
    if (tracked.delete(id)) publish();
  }

  function observedCosts(vm: VM): Costs {
    const price = vm.hourlyPrice;
    return price !== undefined && price.currency === 'USD' ? { ...NO_COST, compute: price.amount } : NO_COST;
  }

  async function estimatedCosts(spec: VMSpecInput | VMSpec, vm: VM, signal: AbortSignal | undefined): Promise<Costs> {
    try {
      const estimate = await provider.estimateCost(spec, { signal });
      if (estimate.currency !== 'USD') return NO_COST;
      const b = estimate.breakdown;
      return { compute: b.compute / HOURS_PER_MONTH, storage: b.storage / HOURS_PER_MONTH, network: b.network / HOURS_PER_MONTH };
    } catch {
      // The VM exists whatever the price list says: count it with the price it carries.
      return observedCosts(vm);
    }
  }

  async function created(spec: VMSpecInput | VMSpec, vm: VM, signal: AbortSignal | undefined): Promise<VM> {
    if (!tracked.has(vm.id) && !gone(vm)) track(vm, await estimatedCosts(spec, vm, signal));
    return vm;
  }

  return {
    specificationVersion: 'v1',
    name: provider.name,
    kind: provider.kind,
    capabilities: provider.capabilities,
    async createVM(spec: VMSpecInput | VMSpec, opts?: CreateVMOptions): Promise<VM> {
      return created(spec, await provider.createVM(spec, opts), opts?.signal);
    },
    async getVM(id: string, opts?: CallOptions): Promise<VM> {
      const vm = await provider.getVM(id, opts);
      track(vm, observedCosts(vm));
      return vm;
    },
    async *listVMs(filter?: ListVMsFilter, opts?: CallOptions): AsyncIterable<VM> {
      for await (const vm of provider.listVMs(filter, opts)) {
        track(vm, observedCosts(vm));
        yield vm;
      }
    },
    async deleteVM(id: string, opts?: PowerOptions): Promise<void> {
      await provider.deleteVM(id, opts);
      untrack(id);
    },
    startVM: (id: string, opts?: PowerOptions) => provider.startVM(id, opts),
    stopVM: (id: string, opts?: StopVMOptions) => provider.stopVM(id, opts),
    rebootVM: (id: string, opts?: PowerOptions) => provider.rebootVM(id, opts),
    regions: (opts?: CallOptions) => provider.regions(opts),
    get regionNames() {
      return provider.regionNames;
    },
    // What the durable core and the federation's event feed rely on passes through unchanged.
    get events() {
      return provider.events;
    },
    ...(provider.findByIdempotencyKey ? { findByIdempotencyKey: (key: string, opts?: CallOptions) => provider.findByIdempotencyKey!(key, opts) } : {}),
    offers: (region?: string, opts?: CallOptions) => provider.offers(region, opts),
    estimateCost: (spec: VMSpecInput | VMSpec, opts?: CallOptions) => provider.estimateCost(spec, opts),
    exportVM: (id: string, opts?: CallOptions) => provider.exportVM(id, opts),
    async importVM(artifact: ImageArtifact, spec: VMSpecInput | VMSpec, opts?: ImportVMOptions): Promise<VM> {
      return created(spec, await provider.importVM(artifact, spec, opts), opts?.signal);
    },
  };
}
