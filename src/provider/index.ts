/**
 * The Provider specification, version 1, and the portable logic shared by every adapter. The
 * root entry re-exports the specification (types, errors, events); `novacron/provider-utils`
 * re-exports the helpers adapters build on. What neither names stays inside this folder.
 */
export {
  ARCHITECTURES,
  DEFAULT_ARCHITECTURES,
  DISK_TYPES,
  HOURS_PER_MONTH,
  VM_STATES,
  type Architecture,
  type ArchitectureRequest,
  type Checksum,
  type CostBreakdown,
  type CostEstimate,
  type DiskSpec,
  type DiskSpecInput,
  type DiskType,
  type GpuInfo,
  type GpuRequest,
  type GpuSpec,
  type HourlyPrice,
  type ImageArtifact,
  type ImageFormat,
  type InterruptionBucket,
  type NetworkSpec,
  type NetworkSpecInput,
  type Offer,
  type Provenance,
  type ProviderCapabilities,
  type ProviderKind,
  type Region,
  type RegionGeo,
  type VM,
  type VMSpec,
  type VMSpecInput,
  type VMState,
} from './types.js';
export type { CallOptions, CreateVMOptions, ImportVMOptions, ListVMsFilter, PowerOptions, ProviderV1, StopVMOptions } from './provider-v1.js';
export type {
  ArtifactObject,
  ArtifactStore,
  ArtifactStoreCapabilities,
  ArtifactStoreSpecVersion,
  ArtifactPresignOptions,
  ArtifactReadOptions,
  UploadedPart,
  UploadSession,
  ArtifactWriteOptions,
} from './artifact-store.js';
export {
  AbortError,
  AuthError,
  CapacityError,
  ConflictError,
  ErrorCause,
  InvalidSpecError,
  isAbortError,
  NotFoundError,
  NovacronError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
  TimeoutError,
  UnsupportedError,
  type KnownErrorCode,
  type NovacronErrorCode,
  type NovacronErrorOptions,
  type SpecIssue,
} from './errors.js';
export {
  createEventBus,
  EventBus,
  type FailoverEvent,
  type InventoryEvent,
  type ProviderDegradedEvent,
  type ConfigIgnoredEvent,
  type MigrationStatusEvent,
  type MigrationStepEvent,
  type NetworkChangedEvent,
  type PriceStaleEvent,
  type NovacronEventMap,
  NOVACRON_EVENT_NAMES,
  type NovacronEventName,
  type NovacronListeners,
  type OperationFailedEvent,
  type OperationRetriedEvent,
  type PlacementDecidedEvent,
  type VMCreatedEvent,
  type VMDeletedEvent,
  type VMStateChangedEvent,
} from './events.js';
// What adapters build on (novacron/provider-utils).
export { abortReason, sleep, throwIfAborted, withSignal } from './abort.js';
export { backoffDelay, withRetry, type RetryOptions, type RetryPolicy } from './retry.js';
export { isSecretKey, redact, redactString, REDACTED } from './redact.js';
export { DEFAULT_IMAGE, findPortableImage, looksLikeAlias, PORTABLE_IMAGES, type PortableImage } from './images.js';
export { parseVMSpec, toSpecIssues } from './spec-schema.js';
export { instanceFamily, offerFits, offerPrice, requirementOf, selectOffer, specArchitectures, specFingerprint, type OfferRequirement } from './offer-selection.js';
export { describeInput, findStructuralIssue, isObjectRecord, joinPath, MAX_INPUT_DEPTH, RESERVED_KEYS, strictObjectSchema } from './input-guards.js';
