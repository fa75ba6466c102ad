/**
 * Deciding a migration before anything changes: which path the disk takes (from the pair of
 * providers), what the target VM is asked to be, and whether the providers can do it at all
 * (export, import, stop, a format the target takes or a store to convert into). Everything here
 * reads; a refusal is a typed error naming the field, raised before the source is touched. The
 * plan is stored in the migration's record, so a later run imports exactly what the first
 * planned.
 */
import { isDiskFormat } from '../../artifacts/disk-format.js';
import { closestMatch } from '../../provider/closest-match.js';
import { ConflictError, InvalidSpecError, UnsupportedError, type SpecIssue } from '../../provider/errors.js';
import type { ProviderV1 } from '../../provider/provider-v1.js';
import type { ImageArtifact, VM, VMSpecInput } from '../../provider/types.js';
import type { FederationContext } from '../federation-context.js';
import { LABEL_FEDERATION, LABEL_REQUEST, labelValue } from '../inventory.js';
import { withDeadline } from '../operations/deadline.js';
import type { MigrationArtifactStores, MigrationPath, MigrationSource, MigrationTarget } from './migration-types.js';

/** Label a migrated VM carries: the migration (its first 16 hex digits). */
export const LABEL_MIGRATION = 'novacron-migration';

/** What the migration stored of its source VM when it began. */
export interface SourceSnapshot extends MigrationSource {
  readonly name: string;
  readonly region: string;
  readonly zone: string | null;
  readonly instanceType: string;
  readonly state: string;
}

/** The target VM as planned, without its disk (sized from the export at import). */
export interface PlannedSpec {
  readonly name: string;
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly spot: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly region: string | null;
  readonly zone: string | null;
  readonly instanceType: string | null;
}

/** A migration's plan, as stored in its record's `input`. */
export interface MigrationPlan {
  readonly source: SourceSnapshot;
  readonly target: MigrationTarget;
  readonly path: MigrationPath;
  readonly live: boolean;
  readonly gracePeriodMs: number;
  readonly spec: PlannedSpec;
}

/** What planning is asked. */
export interface PlanRequest {
  readonly source: MigrationSource;
  readonly target: MigrationTarget;
  readonly live: boolean;
  readonly gracePeriodMs: number;
  /** The migration's request id (hex), for the target's name and label. */
  readonly rid: string;
  readonly stores: Readonly<Record<string, MigrationArtifactStores>>;
  readonly signal: AbortSignal | undefined;
}

/** States a VM can be migrated from. */
const MIGRATABLE = new Set(['running', 'stopped', 'deallocated', 'pending']);
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/** Plans a migration: reads the source and both providers' capabilities; refuses what cannot work. */
export async function planMigration(fed: FederationContext, req: PlanRequest): Promise<MigrationPlan> {
  const sourceProvider = providerAt(fed, req.source.provider, 'source.provider');
  const targetProvider = providerAt(fed, req.target.provider, 'target.provider');
  const vm = await withDeadline({ operation: 'getVM', provider: sourceProvider.name }, fed.registry.timeouts(sourceProvider.name).callMs, req.signal, (signal) =>
    sourceProvider.getVM(req.source.id, { signal }),
  );
  if (!MIGRATABLE.has(vm.state)) {
    throw new ConflictError({ message: `[migration] VM ${vm.id} on ${vm.provider} is ${vm.state}; only a running or stopped VM can be migrated` });
  }
  const path = pathOf(vm, req.target);
  checkCapabilities(sourceProvider, targetProvider, path, req);
  const size = await sizeOf(fed, sourceProvider, vm, req);
  const sameProvider = path !== 'cross-provider';
  return {
    source: { provider: vm.provider, id: vm.id, name: vm.name, region: vm.region, zone: vm.zone ?? null, instanceType: vm.instanceType, state: vm.state },
    target: { provider: req.target.provider, region: req.target.region, zone: req.target.zone, instanceType: req.target.instanceType },
    path,
    live: req.live,
    gracePeriodMs: req.gracePeriodMs,
    spec: {
      // Within one provider both VMs live side by side for the grace period: the target needs a name of its own.
      name: sameProvider ? `${vm.name.slice(0, 57)}-${req.rid.slice(0, 5)}` : vm.name,
      cpu: size.cpu,
      memoryGiB: size.memoryGiB,
      spot: vm.spot,
      labels: { ...portableLabels(vm.labels), [LABEL_FEDERATION]: labelValue(fed.federationId), [LABEL_MIGRATION]: req.rid.slice(0, 16) },
      region: req.target.region ?? (sameProvider ? vm.region : null),
      zone: req.target.zone ?? null,
      instanceType: req.target.instanceType ?? (sameProvider ? vm.instanceType : null),
    },
  };
}

/** The import's spec: the plan's, with a boot disk large enough for the exported image. */
export function importSpec(plan: MigrationPlan, artifact: ImageArtifact): VMSpecInput {
  const s = plan.spec;
  const diskGiB = Math.max(1, Math.ceil(artifact.sizeBytes / 1024 ** 3));
  return {
    name: s.name,
    cpu: s.cpu,
    memory: s.memoryGiB,
    disk: { size: diskGiB },
    spot: s.spot,
    labels: s.labels,
    image: artifact.location,
    ...(s.region !== null ? { region: s.region } : {}),
    ...(s.zone !== null ? { zone: s.zone } : {}),
    ...(s.instanceType !== null ? { instanceType: s.instanceType } : {}),
  };
}

function providerAt(fed: FederationContext, name: string, field: string): ProviderV1 {
  const provider = fed.registry.find(name);
  if (provider) return provider;
  const names = fed.registry.names();
  const suggestion = closestMatch(name, names);
  const hint = suggestion !== undefined ? `did you mean "${suggestion}"?` : `providers: ${names.join(', ') || 'none'}`;
  throw new InvalidSpecError({ issues: [{ field, message: `no provider named "${name}" is registered (${hint})` }] });
}

function pathOf(vm: VM, target: MigrationTarget): MigrationPath {
  if (target.provider !== vm.provider) return 'cross-provider';
  if (target.region !== undefined && target.region !== vm.region) return 'region-move';
  const moves = (target.instanceType !== undefined && target.instanceType !== vm.instanceType) || (target.zone !== undefined && target.zone !== vm.zone);
  if (!moves) {
    throw new InvalidSpecError({ issues: [{ field: 'target', message: `names where VM ${vm.id} already is (${vm.provider} ${vm.region}${vm.zone ? `/${vm.zone}` : ''}, ${vm.instanceType}); give another provider, region, zone or instance type` }] });
  }
  return 'resize';
}

/** Refuses a move the providers cannot make, naming what to change. */
function checkCapabilities(source: ProviderV1, target: ProviderV1, path: MigrationPath, req: PlanRequest): void {
  const issues: SpecIssue[] = [];
  if (source.capabilities.exportFormats.length === 0) {
    throw new UnsupportedError({ provider: source.name, capability: 'export', message: '[migration] this provider cannot export VMs (capabilities.exportFormats is empty)' });
  }
  if (target.capabilities.importFormats.length === 0) {
    throw new UnsupportedError({ provider: target.name, capability: 'import', message: '[migration] this provider cannot import VMs (capabilities.importFormats is empty)' });
  }
  if (!req.live && !source.capabilities.stopStart) {
    issues.push({ field: 'options.liveMigration', message: `${source.name} cannot stop VMs (capabilities.stopStart); migrate it live` });
  }
  if (path === 'cross-provider') {
    const dest = req.stores[target.name]?.store;
    const direct = source.capabilities.exportFormats.some((f) => target.capabilities.importFormats.includes(f));
    if (!dest && !direct) {
      issues.push({
        field: `artifactStores.${target.name}.store`,
        message: `${source.name} exports ${source.capabilities.exportFormats.join(', ')} and ${target.name} imports ${target.capabilities.importFormats.join(', ')}: configure the store its imports read, to convert into`,
      });
    }
    if (dest && !direct && !target.capabilities.importFormats.some(isDiskFormat)) {
      issues.push({ field: `target.provider`, message: `${target.name} imports only ${target.capabilities.importFormats.join(', ')}, which no transfer converts into` });
    }
  }
  if (issues.length > 0) throw new InvalidSpecError({ issues });
}

/** vCPUs and memory of the source: from the VM, else from its provider's offer of the same type. */
async function sizeOf(fed: FederationContext, provider: ProviderV1, vm: VM, req: PlanRequest): Promise<{ cpu: number; memoryGiB: number }> {
  if (vm.cpu !== undefined && vm.memoryGiB !== undefined) return { cpu: vm.cpu, memoryGiB: vm.memoryGiB };
  const offer = await withDeadline({ operation: 'offers', provider: provider.name }, fed.registry.timeouts(provider.name).catalogMs, req.signal, async (signal) => {
    for await (const o of provider.offers(vm.region, { signal })) if (o.instanceType === vm.instanceType) return o;
    return undefined;
  }).catch(() => undefined);
  if (offer) return { cpu: offer.vcpus, memoryGiB: offer.memoryGiB };
  throw new InvalidSpecError({ issues: [{ field: 'target.instanceType', message: `the size of ${vm.instanceType} (${vm.provider}) is not known; name the target's instance type` }] });
}

/** The source's labels that every cloud accepts, without the federation's own. */
function portableLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (k === LABEL_FEDERATION || k === LABEL_MIGRATION || k === LABEL_REQUEST) continue;
    // Two places stay free for the federation's and the migration's labels (64 at most in all).
    if (LABEL_KEY.test(k) && LABEL_VALUE.test(v) && Object.keys(out).length < 62) out[k] = v;
  }
  return out;
}
