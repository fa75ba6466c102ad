/**
 * Machine types, accelerator types, zones and regions, per zone and aggregated, in the shapes of
 * the Compute Engine REST reference (machineTypes, acceleratorTypes, zones, regions; read 2026-12).
 */
import type { GceCall } from './gce-call.js';
import type { GceAcceleratorType, GceMachineType } from './gce-shapes.js';
import { ordered, pageOf, readListQuery } from './list-query.js';
import { COMPUTE_BASE, type AcceleratorSpec, type MachineTypeSpec } from './machine-catalog.js';

const CATALOG_CREATED = '2025-01-01T00:00:00.000Z';

function numericId(text: string): string {
  let h = 0n;
  for (const c of text) h = (h * 131n + BigInt(c.charCodeAt(0))) % 9_000_000_000_000_000_000n;
  return String(h + 1_000_000_000n);
}

/** A machine type rendered for `zone`. */
export function renderMachineType(project: string, zone: string, type: MachineTypeSpec): GceMachineType {
  const gb = type.memoryMb / 1024;
  return {
    kind: 'compute#machineType',
    id: numericId(type.name),
    creationTimestamp: CATALOG_CREATED,
    name: type.name,
    description: `${type.vcpus} vCPU${type.vcpus === 1 ? '' : 's'}, ${Number.isInteger(gb) ? gb : gb.toFixed(2)} GB RAM${type.accelerators ? `, ${type.accelerators.count} ${type.accelerators.type}` : ''}`,
    guestCpus: type.vcpus,
    memoryMb: type.memoryMb,
    imageSpaceGb: 0,
    maximumPersistentDisks: type.sharedCpu ? 16 : 128,
    maximumPersistentDisksSizeGb: type.sharedCpu ? '3072' : '263168',
    zone,
    isSharedCpu: type.sharedCpu,
    ...(type.accelerators ? { accelerators: [{ guestAcceleratorType: type.accelerators.type, guestAcceleratorCount: type.accelerators.count }] } : {}),
    architecture: type.architecture,
    selfLink: `${COMPUTE_BASE}/projects/${project}/zones/${zone}/machineTypes/${type.name}`,
  };
}

function renderAcceleratorType(project: string, zone: string, spec: AcceleratorSpec): GceAcceleratorType {
  return {
    kind: 'compute#acceleratorType',
    id: numericId(spec.name),
    creationTimestamp: CATALOG_CREATED,
    name: spec.name,
    description: spec.description,
    zone: `${COMPUTE_BASE}/projects/${project}/zones/${zone}`,
    maximumCardsPerInstance: spec.maxCards,
    selfLink: `${COMPUTE_BASE}/projects/${project}/zones/${zone}/acceleratorTypes/${spec.name}`,
  };
}

function listed<T extends { name: string; creationTimestamp: string }>(call: GceCall, kind: string, id: string, all: T[]): object {
  const list = readListQuery(call.request.query);
  const page = pageOf(ordered(all.filter(list.matches), list.orderBy), list);
  return { kind, id, items: page.items, ...(page.nextToken ? { nextPageToken: page.nextToken } : {}), selfLink: `${COMPUTE_BASE}/${id}` };
}

function aggregated<T extends { name: string; creationTimestamp: string; zone: string }>(call: GceCall, kind: string, key: string, all: (zone: string) => T[]): object {
  const list = readListQuery(call.request.query);
  const zones = call.state.catalog.zones().map((z) => z.name);
  const flat = zones.flatMap((z) => ordered(all(z).filter(list.matches), list.orderBy).map((item) => ({ zone: z, item })));
  const page = pageOf(flat, list);
  const items: Record<string, object> = {};
  for (const zone of zones) {
    const found = page.items.filter((e) => e.zone === zone).map((e) => e.item);
    const scope = `zones/${zone}`;
    items[scope] = found.length > 0 ? { [key]: found } : { warning: { code: 'NO_RESULTS_ON_PAGE', message: `There are no results for scope '${scope}' on this page.`, data: [{ key: 'scope', value: scope }] } };
  }
  const id = `projects/${call.state.project}/aggregated/${key}`;
  return { kind, id, items, ...(page.nextToken ? { nextPageToken: page.nextToken } : {}), selfLink: `${COMPUTE_BASE}/${id}` };
}

/** `machineTypes.get` (custom machine types included). */
export function getMachineType(call: GceCall): GceMachineType {
  const zone = call.zone();
  const type = call.state.catalog.machineType(zone, call.param('machineType'));
  if (type === undefined || typeof type === 'string') throw call.notFound(`projects/${call.state.project}/zones/${zone}/machineTypes/${call.param('machineType')}`);
  return renderMachineType(call.state.project, zone, type);
}

/** `machineTypes.list`. */
export function listMachineTypes(call: GceCall): object {
  const zone = call.zone();
  const project = call.state.project;
  return listed(call, 'compute#machineTypeList', `projects/${project}/zones/${zone}/machineTypes`, call.state.catalog.machineTypes(zone).map((t) => renderMachineType(project, zone, t)));
}

/** `machineTypes.aggregatedList`. */
export function aggregatedListMachineTypes(call: GceCall): object {
  const project = call.state.project;
  return aggregated(call, 'compute#machineTypeAggregatedList', 'machineTypes', (zone) => call.state.catalog.machineTypes(zone).map((t) => renderMachineType(project, zone, t)));
}

/** `acceleratorTypes.get`. */
export function getAcceleratorType(call: GceCall): GceAcceleratorType {
  const zone = call.zone();
  const spec = call.state.catalog.acceleratorType(zone, call.param('acceleratorType'));
  if (!spec) throw call.notFound(`projects/${call.state.project}/zones/${zone}/acceleratorTypes/${call.param('acceleratorType')}`);
  return renderAcceleratorType(call.state.project, zone, spec);
}

/** `acceleratorTypes.list`. */
export function listAcceleratorTypes(call: GceCall): object {
  const zone = call.zone();
  const project = call.state.project;
  return listed(call, 'compute#acceleratorTypeList', `projects/${project}/zones/${zone}/acceleratorTypes`, call.state.catalog.acceleratorTypes(zone).map((a) => renderAcceleratorType(project, zone, a)));
}

/** `acceleratorTypes.aggregatedList`. */
export function aggregatedListAcceleratorTypes(call: GceCall): object {
  const project = call.state.project;
  return aggregated(call, 'compute#acceleratorTypeAggregatedList', 'acceleratorTypes', (zone) => call.state.catalog.acceleratorTypes(zone).map((a) => renderAcceleratorType(project, zone, a)));
}

function renderZone(project: string, zone: { name: string; region: string }): { name: string; creationTimestamp: string } & Record<string, unknown> {
  return {
    kind: 'compute#zone',
    id: numericId(zone.name),
    creationTimestamp: CATALOG_CREATED,
    name: zone.name,
    description: zone.name,
    status: 'UP',
    region: `${COMPUTE_BASE}/projects/${project}/regions/${zone.region}`,
    selfLink: `${COMPUTE_BASE}/projects/${project}/zones/${zone.name}`,
    availableCpuPlatforms: ['Intel Cascade Lake', 'AMD Milan', 'Ampere Altra'],
  };
}

function renderRegion(call: GceCall, region: string): { name: string; creationTimestamp: string } & Record<string, unknown> {
  const project = call.state.project;
  return {
    kind: 'compute#region',
    id: numericId(region),
    creationTimestamp: CATALOG_CREATED,
    name: region,
    description: region,
    status: 'UP',
    zones: call.state.catalog.zones().filter((z) => z.region === region).map((z) => `${COMPUTE_BASE}/projects/${project}/zones/${z.name}`),
    quotas: [],
    selfLink: `${COMPUTE_BASE}/projects/${project}/regions/${region}`,
  };
}

/** `zones.get`. */
export function getZone(call: GceCall): object {
  const zone = call.state.catalog.zone(call.param('zone'));
  if (!zone) throw call.notFound(`projects/${call.state.project}/zones/${call.param('zone')}`);
  return renderZone(call.state.project, zone);
}

/** `zones.list`. */
export function listZones(call: GceCall): object {
  return listed(call, 'compute#zoneList', `projects/${call.state.project}/zones`, call.state.catalog.zones().map((z) => renderZone(call.state.project, z)));
}

/** `regions.get`. */
export function getRegion(call: GceCall): object {
  if (!call.state.catalog.regions().includes(call.param('region'))) throw call.notFound(`projects/${call.state.project}/regions/${call.param('region')}`);
  return renderRegion(call, call.param('region'));
}

/** `regions.list`. */
export function listRegions(call: GceCall): object {
  return listed(call, 'compute#regionList', `projects/${call.state.project}/regions`, call.state.catalog.regions().map((r) => renderRegion(call, r)));
}
