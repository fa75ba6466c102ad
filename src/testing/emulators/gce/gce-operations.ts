/**
 * The operation names of the Compute Engine emulator: one per REST method it serves, named as the
 * Compute API's discovery document names the method (`instances.insert`, `zoneOperations.wait`).
 * They are what the kit's faults take (`emu.faults.dropResponse('instances.insert')`) and what
 * the request log and `emu.stats` count. This list is the one place they are written down.
 */

/** Every operation the Compute Engine emulator serves, in the order of its routes. */
export const GCE_OPERATIONS = [
  'instances.insert',
  'instances.get',
  'instances.list',
  'instances.aggregatedList',
  'instances.delete',
  'instances.start',
  'instances.stop',
  'instances.suspend',
  'instances.resume',
  'instances.reset',
  'instances.setLabels',
  'zoneOperations.get',
  'zoneOperations.list',
  'zoneOperations.wait',
  'zoneOperations.delete',
  'globalOperations.get',
  'globalOperations.list',
  'globalOperations.wait',
  'machineTypes.get',
  'machineTypes.list',
  'machineTypes.aggregatedList',
  'acceleratorTypes.get',
  'acceleratorTypes.list',
  'acceleratorTypes.aggregatedList',
  'images.get',
  'images.getFromFamily',
  'images.list',
  'images.insert',
  'images.delete',
  'disks.get',
  'disks.list',
  'disks.delete',
  'disks.createSnapshot',
  'snapshots.get',
  'snapshots.list',
  'snapshots.delete',
  'zones.get',
  'zones.list',
  'regions.get',
  'regions.list',
  'storage.objects.get',
] as const;

/** The name of one operation of the Compute Engine emulator (see {@link GCE_OPERATIONS}). */
export type GceOperationName = (typeof GCE_OPERATIONS)[number];
