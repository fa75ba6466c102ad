/** The ARM emulator: a local Azure Resource Manager (compute, network, disks, SKUs) for tests, demos and offline use. */
export { ArmEmulator, startArmEmulator } from './arm-emulator.js';
export type {
  ArmEmulatorDefaults,
  ArmEmulatorOptions,
  ArmEmulatorProviderOptions,
  ArmEmulatorStats,
  ArmRequestRecord,
  ArmSdkClientOptions,
} from './arm-emulator.js';
export { ArmEmulatorCredential, type ArmAccessToken, type ArmEmulatorCredentialOptions, type ArmTokenCredential } from './emulator-credential.js';
export { ArmFaultPlan, type ArmQuotaName } from './arm-fault-plan.js';
export { ArmStateViews, type DeepReadonly, type VirtualMachineWrite } from './arm-views.js';
export type { ArmOperationProvider, ArmOperationStatus } from './async-operations.js';
export type { PowerState } from './arm-state.js';
export type { JsonObject } from './request-body.js';
export type { SeededNetwork, SeedVirtualMachinesOptions } from './seed-subscription.js';
export { DEFAULT_SKU_RESTRICTIONS, type SkuRestrictionSeed } from './vm-size-catalog.js';
export { PLATFORM_IMAGES, type PlatformImage } from './platform-images.js';
export type {
  ArmCreationData,
  ArmDisk,
  ArmDiskEncryption,
  ArmDiskInstanceView,
  ArmDiskProperties,
  ArmDiskSku,
  ArmHardwareProfile,
  ArmImageReference,
  ArmInstanceViewStatus,
  ArmIpConfiguration,
  ArmIpConfigurationProperties,
  ArmNetworkInterface,
  ArmNetworkInterfaceProperties,
  ArmNetworkInterfaceReference,
  ArmNetworkProfile,
  ArmNetworkSecurityGroup,
  ArmNetworkSecurityGroupProperties,
  ArmOsDisk,
  ArmOsProfile,
  ArmPublicIPAddress,
  ArmPublicIPAddressProperties,
  ArmResourceGroup,
  ArmResourceSku,
  ArmSecurityRule,
  ArmSkuCapability,
  ArmSkuLocationInfo,
  ArmSkuRestriction,
  ArmSnapshot,
  ArmSnapshotProperties,
  ArmStorageProfile,
  ArmSubnet,
  ArmSubnetProperties,
  ArmTrackedResource,
  ArmVirtualMachine,
  ArmVirtualMachineInstanceView,
  ArmVirtualMachineProperties,
  ArmVirtualNetwork,
  ArmVirtualNetworkProperties,
  SubResource,
} from './arm-shapes.js';
export type { ArmStorageAccountLink } from './storage-accounts.js';
export { SharedKeyBlobReader, UrlBlobReader, type ImportBlobProperties, type ImportBlobReader } from './import-blob-readers.js';
export type { GatewayTiming } from './virtual-network-gateway-state.js';
