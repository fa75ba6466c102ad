/** The Compute Engine emulator: a local Compute Engine REST v1 (instances, operations, types, images, disks) for tests, demos and offline use. */
export { GceEmulator, startGceEmulator } from './gce-emulator.js';
export type { GceClientOptions, GceEmulatorDefaults, GceEmulatorOptions, GceEmulatorProviderOptions, GceEmulatorStats, GceRequestRecord, SeedInstancesOptions } from './gce-emulator.js';
export { GceEmulatorAuthClient, type GceEmulatorAuthClientOptions, type GceFetchError, type GceFetchInit } from './gce-auth-client.js';
export type { StorageObjectInfo } from './gce-call.js';
export { GceFaultPlan, type GceQuotaName } from './gce-fault-plan.js';
export { GCE_OPERATIONS, type GceOperationName } from './gce-operations.js';
export type { GceOperationFailure } from './operation-store.js';
export { GceStateViews, type GceReadonly } from './gce-views.js';
export { GceNetworkFabric, type TunnelFarEnd } from './network-fabric.js';
export { GceNetworkViews } from './network-views.js';
export { sharedSecretHash, type NetworkResourceKind } from './network-state.js';
export { PUBLIC_IMAGE_FAMILIES, type PublicImageFamily } from './public-images.js';
export type {
  GceAcceleratorConfig,
  GceAcceleratorType,
  GceAccessConfig,
  GceAttachedDisk,
  GceDisk,
  GceImage,
  GceInstance,
  GceInstanceStatus,
  GceJsonObject,
  GceJsonValue,
  GceMachineType,
  GceMetadata,
  GceMetadataItem,
  GceNetworkInterface,
  GceOperation,
  GceOperationErrorItem,
  GceScheduling,
  GceServiceAccount,
  GceSnapshot,
} from './gce-shapes.js';
export type { GceLinkedStorage } from './storage-link.js';
