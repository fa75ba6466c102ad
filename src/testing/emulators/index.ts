/**
 * Local cloud emulators: stateful HTTP servers that speak the clouds' wire protocols, for
 * tests, demos and offline work. Importing this entry loads no test framework.
 *
 * @module novacron/testing/emulators
 * @packageDocumentation
 */
export {
  Ec2Emulator,
  Ec2FaultPlan,
  startEc2Emulator,
  type CreateSecurityGroupOptions,
  type CreateSubnetOptions,
  type CreateVpcOptions,
  type EmulatedImageView,
  type EmulatedInstanceView,
  type EmulatedNetworkInterfaceView,
  type EmulatedObject,
  type EmulatedSecurityGroupView,
  type EmulatedSnapshotView,
  type EmulatedSpotView,
  type EmulatedSubnetView,
  type EmulatedVolumeView,
  type EmulatedVpcView,
  type Ec2EmulatorCallEvent,
  type Ec2EmulatorEventMap,
  type Ec2EmulatorOptions,
  type Ec2EmulatorProviderOptions,
  type Ec2EmulatorStats,
  type Ec2QuotaName,
  type Ec2Timings,
  type InstanceStateName,
  type SeedInstancesOptions,
} from './ec2/index.js';
export type { StateReason } from './ec2/ec2-state.js';
export {
  ArmEmulator,
  ArmEmulatorCredential,
  ArmFaultPlan,
  ArmStateViews,
  DEFAULT_SKU_RESTRICTIONS,
  PLATFORM_IMAGES,
  startArmEmulator,
  type ArmAccessToken,
  type ArmCreationData,
  type ArmDisk,
  type ArmDiskEncryption,
  type ArmDiskInstanceView,
  type ArmDiskProperties,
  type ArmDiskSku,
  type ArmEmulatorCredentialOptions,
  type ArmEmulatorDefaults,
  type ArmEmulatorOptions,
  type ArmEmulatorProviderOptions,
  type ArmEmulatorStats,
  type ArmHardwareProfile,
  type ArmImageReference,
  type ArmInstanceViewStatus,
  type ArmIpConfiguration,
  type ArmIpConfigurationProperties,
  type ArmNetworkInterface,
  type ArmNetworkInterfaceProperties,
  type ArmNetworkInterfaceReference,
  type ArmNetworkProfile,
  type ArmNetworkSecurityGroup,
  type ArmNetworkSecurityGroupProperties,
  type ArmOperationProvider,
  type ArmOperationStatus,
  type ArmOsDisk,
  type ArmOsProfile,
  type ArmPublicIPAddress,
  type ArmPublicIPAddressProperties,
  type ArmQuotaName,
  type ArmRequestRecord,
  type ArmResourceGroup,
  type ArmResourceSku,
  type ArmSdkClientOptions,
  type ArmSecurityRule,
  type ArmSkuCapability,
  type ArmSkuLocationInfo,
  type ArmSkuRestriction,
  type ArmSnapshot,
  type ArmSnapshotProperties,
  type ArmStorageProfile,
  type ArmSubnet,
  type ArmSubnetProperties,
  type ArmTokenCredential,
  type ArmTrackedResource,
  type ArmVirtualMachine,
  type ArmVirtualMachineInstanceView,
  type ArmVirtualMachineProperties,
  type ArmVirtualNetwork,
  type ArmVirtualNetworkProperties,
  type DeepReadonly,
  type JsonObject,
  type PlatformImage,
  type PowerState,
  type SeededNetwork,
  type SeedVirtualMachinesOptions,
  type SkuRestrictionSeed,
  type SubResource,
  type VirtualMachineWrite,
} from './azure/index.js';
export {
  AZURE_RETAIL_PRICES_OPERATION,
  AzureRetailPricesEmulator,
  startAzureRetailPricesEmulator,
  type AzureRetailPricesEmulatorOptions,
} from './azure-retail-prices.js';
export {
  GCP_BILLING_SKUS_OPERATION,
  GcpBillingCatalogEmulator,
  startGcpBillingCatalogEmulator,
  type GcpBillingCatalogEmulatorOptions,
  type GcpFamilyRateSeed,
  type GcpGpuRateSeed,
} from './gcp-billing-catalog.js';
// The emulator kit: what every emulator stands on, for users' own emulators too.
export {
  FaultPlan,
  type BeforeCall,
  type CapacityScope,
  type FaultControls,
  type FaultError,
  type FaultKind,
} from './kit/fault-plan.js';
export {
  defineFaultWireForm,
  genericFaultWording,
  retryAfterHeader,
  type FaultContext,
  type FaultWireForm,
  type FaultWireFormDefinition,
  type FaultWording,
  type SpokenFault,
} from './kit/fault-wire-form.js';
export {
  EmulatorServer,
  type EmulatorHandler,
  type EmulatorRoute,
  type EmulatorServerOptions,
  type ResolvedOperation,
  type RunningEmulator,
} from './kit/emulator-server.js';
export { EmulatorBase } from './kit/emulator-base.js';
export { EmulatorRequest, jsonResponse, type EmulatorResponse } from './kit/emulator-request.js';
export { RequestLog, type RequestLogEntry } from './kit/request-log.js';
export { generateLoopbackCertificate, type LoopbackCertificate } from './kit/loopback-certificate.js';
export { ConsistencyWindow, LifecycleClock, visibleNow, type LifecycleSubject, type ScheduledTransition } from './kit/lifecycle-clock.js';
export { checkPageSize, paginate, PaginationError, type Page, type PageRequest, type PageSizeLimits } from './kit/token-pagination.js';
export {
  LongRunningOperations,
  type OperationFailure,
  type OperationStart,
  type OperationStatus,
  type OperationTimings,
  type OperationView,
} from './kit/long-running-operations.js';
