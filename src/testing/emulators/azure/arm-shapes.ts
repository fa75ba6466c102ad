/**
 * The ARM JSON the emulator stores and answers with, per resource type: the members it writes,
 * named and nested as ARM returns them on GET. Shapes follow the azure-rest-api-specs examples
 * (read 2026-12): ComputeRP stable/2024-07-01 `VirtualMachine_Create_WithSshAuthentication.json`
 * and `VirtualMachine_Get_InstanceView.json`; DiskRP stable/2024-03-02 `Disk_Get.json`,
 * `Disk_Create_ByImportingBlobFromTheSameSubscription.json`, `Disk_BeginGetAccess.json`; network
 * stable/2024-05-01 `NetworkInterfaceCreate.json`, `PublicIpAddressCreateDefaults.json`; Skus
 * stable/2021-07-01 `ListAvailableResourceSkusWithExtendedLocations.json`. Nested objects the
 * emulator does not interpret (`diagnosticsProfile`, `securityProfile`, ...) are kept as sent.
 */
import type { JsonObject } from './request-body.js';

/** A reference to another resource. */
export interface SubResource {
  /** Resource id. */
  id: string;
}

/** What every tracked resource has. */
export interface ArmTrackedResource {
  /** Resource id. */
  id: string;
  /** Name. */
  name: string;
  /** Type (`Microsoft.Compute/virtualMachines`). */
  type: string;
  /** Location (`westeurope`). */
  location: string;
  /** Tags. */
  tags?: Record<string, string>;
}

/** `Microsoft.Resources/resourceGroups`. */
export interface ArmResourceGroup extends ArmTrackedResource {
  /** Properties. */
  properties: {
    /** Provisioning state (`Succeeded`). */
    provisioningState: string;
  };
}

/** `imageReference` of a VM or disk. */
export interface ArmImageReference {
  /** Publisher (`Canonical`). */
  publisher?: string;
  /** Offer. */
  offer?: string;
  /** SKU. */
  sku?: string;
  /** Version or `latest`. */
  version?: string;
  /** The version `latest` resolved to (response only). */
  exactVersion?: string;
  /** Id form (platform image version id). */
  id?: string;
}

/** `storageProfile.osDisk`. */
export interface ArmOsDisk {
  /** `Linux` / `Windows`. */
  osType: string;
  /** Disk name. */
  name: string;
  /** `FromImage` / `Attach`. */
  createOption: string;
  /** `None` / `ReadOnly` / `ReadWrite`. */
  caching: string;
  /** Size in GiB. */
  diskSizeGB: number;
  /** The managed disk. */
  managedDisk: {
    /** Disk type (`Premium_LRS`). */
    storageAccountType?: string;
    /** Resource id of the disk. */
    id: string;
  };
  /** What VM deletion does to the disk (`Delete` / `Detach`). */
  deleteOption: string;
}

/** One `networkProfile.networkInterfaces` entry. */
export interface ArmNetworkInterfaceReference extends SubResource {
  /** Primary, deleteOption. */
  properties?: {
    /** Whether this is the VM's primary NIC. */
    primary?: boolean;
    /** What VM deletion does to the NIC (`Delete` / `Detach`). */
    deleteOption?: string;
  };
}

/** One `instanceView.statuses` entry. */
export interface ArmInstanceViewStatus {
  /** `ProvisioningState/succeeded`, `PowerState/running`. */
  code: string;
  /** `Info` / `Warning` / `Error`. */
  level: string;
  /** Short text. */
  displayStatus: string;
  /** Longer text. */
  message?: string;
  /** When (ISO 8601). */
  time?: string;
}

/** One `instanceView.disks` entry of a VM. */
export interface ArmDiskInstanceView {
  /** Disk name. */
  name: string;
  /** The disk's statuses (`ProvisioningState/succeeded`). */
  statuses: ArmInstanceViewStatus[];
}

/** `properties.instanceView` of a VM. */
export interface ArmVirtualMachineInstanceView {
  /** Computer name. */
  computerName?: string;
  /** Hyper-V generation. */
  hyperVGeneration: string;
  /** Disk statuses. */
  disks: ArmDiskInstanceView[];
  /** Provisioning and power statuses. */
  statuses: ArmInstanceViewStatus[];
}

/** `properties.hardwareProfile` of a VM. */
export interface ArmHardwareProfile {
  /** Size (`Standard_D2s_v5`). */
  vmSize: string;
}

/** `properties.storageProfile` of a VM. */
export interface ArmStorageProfile {
  /** The image the OS disk was made from (absent when an existing disk was attached). */
  imageReference?: ArmImageReference;
  /** The OS disk. */
  osDisk: ArmOsDisk;
  /** Data disks (always empty: the emulator attaches none). */
  dataDisks: JsonObject[];
}

/** `properties.osProfile` of a VM (the admin password is never kept). */
export interface ArmOsProfile {
  /** Host name of the guest OS. */
  computerName: string;
  /** Administrator account name. */
  adminUsername: string;
  /** Linux settings (`disablePasswordAuthentication`, `ssh`), as sent. */
  linuxConfiguration?: JsonObject;
  /** Windows settings, as sent. */
  windowsConfiguration?: JsonObject;
  /** Certificates to install (always empty). */
  secrets: JsonObject[];
  /** Whether VM extensions may be installed. */
  allowExtensionOperations: boolean;
  /** Whether the guest must signal that provisioning succeeded. */
  requireGuestProvisionSignal: boolean;
}

/** `properties.networkProfile` of a VM. */
export interface ArmNetworkProfile {
  /** The VM's NICs. */
  networkInterfaces: ArmNetworkInterfaceReference[];
}

/** `properties` of a VM. */
export interface ArmVirtualMachineProperties {
  /** The VM's unique id (a GUID, kept across updates). */
  vmId: string;
  /** Size. */
  hardwareProfile: ArmHardwareProfile;
  /** Image and disks. */
  storageProfile: ArmStorageProfile;
  /** Guest OS settings (absent when the OS disk was attached). */
  osProfile?: ArmOsProfile;
  /** NICs. */
  networkProfile: ArmNetworkProfile;
  /** `Spot` or `Low` (present on Spot VMs only). */
  priority?: string;
  /** What eviction does to a Spot VM: `Deallocate` or `Delete`. */
  evictionPolicy?: string;
  /** Spot pricing. */
  billingProfile?: {
    /** Highest price the Spot VM may cost, USD per hour; `-1` for up to the pay-as-you-go price. */
    maxPrice: number;
  };
  /** Boot diagnostics settings, as sent. */
  diagnosticsProfile?: JsonObject;
  /** Security settings (trusted launch, ...), as sent. */
  securityProfile?: JsonObject;
  /** Azure Hybrid Benefit license type (`Windows_Server`), as sent. */
  licenseType?: string;
  /** User data (base64); returned only with `$expand=userData`. */
  userData?: string;
  /** Provisioning state (`Creating`, `Updating`, `Succeeded`, `Failed`, `Deleting`). */
  provisioningState: string;
  /** When the VM was created (ISO 8601). */
  timeCreated: string;
  /** Returned only with `$expand=instanceView`. */
  instanceView?: ArmVirtualMachineInstanceView;
}

/** `Microsoft.Compute/virtualMachines`. */
export interface ArmVirtualMachine extends ArmTrackedResource {
  /** Availability zones. */
  zones?: string[];
  /** Entity tag. */
  etag: string;
  /** Properties. */
  properties: ArmVirtualMachineProperties;
}

/** `properties` of a NIC IP configuration. */
export interface ArmIpConfigurationProperties {
  /** Provisioning state (`Succeeded`). */
  provisioningState: string;
  /** The private address, from the subnet's range. */
  privateIPAddress: string;
  /** `Dynamic` / `Static`. */
  privateIPAllocationMethod: string;
  /** `IPv4` / `IPv6`. */
  privateIPAddressVersion: string;
  /** The subnet the address is in. */
  subnet: SubResource;
  /** The public IP associated with it. */
  publicIPAddress?: SubResource;
  /** Whether this is the NIC's primary IP configuration. */
  primary: boolean;
}

/** One NIC `ipConfigurations` entry. */
export interface ArmIpConfiguration {
  /** Name. */
  name: string;
  /** Id. */
  id: string;
  /** Type. */
  type: string;
  /** Properties. */
  properties: ArmIpConfigurationProperties;
}

/** `properties` of a NIC. */
export interface ArmNetworkInterfaceProperties {
  /** Provisioning state (`Succeeded`). */
  provisioningState: string;
  /** A GUID the network RP assigns. */
  resourceGuid: string;
  /** IP configurations. */
  ipConfigurations: ArmIpConfiguration[];
  /** DNS servers. */
  dnsSettings: {
    /** DNS servers set on the NIC (empty: the virtual network's). */
    dnsServers: string[];
    /** DNS servers in effect. */
    appliedDnsServers: string[];
  };
  /** MAC address (set once a VM using the NIC has been created). */
  macAddress?: string;
  /** Whether it is its VM's primary NIC (present while attached). */
  primary?: boolean;
  /** Whether accelerated networking is on. */
  enableAcceleratedNetworking: boolean;
  /** Whether the NIC may forward traffic not addressed to it. */
  enableIPForwarding: boolean;
  /** Whether TCP state tracking is off (present when sent). */
  disableTcpStateTracking?: boolean;
  /** The NSG applied to the NIC. */
  networkSecurityGroup?: SubResource;
  /** The VM the NIC is attached to. */
  virtualMachine?: SubResource;
  /** NIC type (`Standard`). */
  nicType: string;
  /** Whether the NIC supports virtual network encryption (`false`). */
  vnetEncryptionSupported: boolean;
}

/** `Microsoft.Network/networkInterfaces`. */
export interface ArmNetworkInterface extends ArmTrackedResource {
  /** Entity tag. */
  etag: string;
  /** Properties. */
  properties: ArmNetworkInterfaceProperties;
}

/** `properties` of a public IP. */
export interface ArmPublicIPAddressProperties {
  /** Provisioning state (`Succeeded`). */
  provisioningState: string;
  /** A GUID the network RP assigns. */
  resourceGuid: string;
  /** The allocated address. */
  ipAddress: string;
  /** `IPv4` / `IPv6`. */
  publicIPAddressVersion: string;
  /** `Static` (what the Standard SKU requires). */
  publicIPAllocationMethod: string;
  /** TCP idle timeout, minutes (default 4). */
  idleTimeoutInMinutes: number;
  /** IP tags (always empty). */
  ipTags: JsonObject[];
  /** The NIC IP configuration that uses it. */
  ipConfiguration?: SubResource;
  /** DNS settings (`domainNameLabel`), as sent. */
  dnsSettings?: JsonObject;
}

/** `Microsoft.Network/publicIPAddresses`. */
export interface ArmPublicIPAddress extends ArmTrackedResource {
  /** Entity tag. */
  etag: string;
  /** SKU. */
  sku: {
    /** `Standard` / `StandardV2`. */
    name: string;
    /** `Regional` / `Global`. */
    tier: string;
  };
  /** Availability zones. */
  zones?: string[];
  /** Properties. */
  properties: ArmPublicIPAddressProperties;
}

/** `properties` of a subnet. */
export interface ArmSubnetProperties {
  /** Provisioning state (`Succeeded`). */
  provisioningState: string;
  /** Address range (`10.0.0.0/24`). */
  addressPrefix: string;
  /** The NSG applied to the subnet. */
  networkSecurityGroup?: SubResource;
  /** The NIC IP configurations in the subnet. */
  ipConfigurations?: SubResource[];
  /** Whether network policies apply to private endpoints (`Disabled`). */
  privateEndpointNetworkPolicies: string;
  /** Whether network policies apply to Private Link services (`Enabled`). */
  privateLinkServiceNetworkPolicies: string;
}

/** `Microsoft.Network/virtualNetworks/subnets`. */
export interface ArmSubnet {
  /** Name. */
  name: string;
  /** Id. */
  id: string;
  /** Entity tag. */
  etag: string;
  /** Type. */
  type: string;
  /** Properties. */
  properties: ArmSubnetProperties;
}

/** `properties` of a virtual network. */
export interface ArmVirtualNetworkProperties {
  /** Provisioning state (`Succeeded`). */
  provisioningState: string;
  /** A GUID the network RP assigns. */
  resourceGuid: string;
  /** Address space. */
  addressSpace: {
    /** Address ranges (`10.0.0.0/16`). */
    addressPrefixes: string[];
  };
  /** Subnets. */
  subnets: ArmSubnet[];
  /** Peerings (always empty). */
  virtualNetworkPeerings: JsonObject[];
  /** Whether DDoS Protection is on. */
  enableDdosProtection: boolean;
}

/** `Microsoft.Network/virtualNetworks`. */
export interface ArmVirtualNetwork extends ArmTrackedResource {
  /** Entity tag. */
  etag: string;
  /** Properties. */
  properties: ArmVirtualNetworkProperties;
}

/** One NSG security rule. */
export interface ArmSecurityRule {
  /** Name. */
  name: string;
  /** Id. */
  id: string;
  /** Type. */
  type: string;
  /** Properties (as sent, plus `provisioningState`). */
  properties: JsonObject;
}

/** `properties` of an NSG. */
export interface ArmNetworkSecurityGroupProperties {
  /** Provisioning state (`Succeeded`). */
  provisioningState: string;
  /** A GUID the network RP assigns. */
  resourceGuid: string;
  /** The rules sent. */
  securityRules: ArmSecurityRule[];
  /** The rules every NSG has (`AllowVnetInBound`, ...). */
  defaultSecurityRules: ArmSecurityRule[];
  /** The NICs it is applied to. */
  networkInterfaces?: SubResource[];
  /** The subnets it is applied to. */
  subnets?: SubResource[];
}

/** `Microsoft.Network/networkSecurityGroups`. */
export interface ArmNetworkSecurityGroup extends ArmTrackedResource {
  /** Entity tag. */
  etag: string;
  /** Properties. */
  properties: ArmNetworkSecurityGroupProperties;
}

/** `creationData` of a disk or snapshot. */
export interface ArmCreationData {
  /** `Empty`, `FromImage`, `Import`, `Copy`, ... */
  createOption: string;
  /** For `FromImage`. */
  imageReference?: ArmImageReference;
  /** For `Import`. */
  sourceUri?: string;
  /** For `Import`. */
  storageAccountId?: string;
  /** For `Copy`. */
  sourceResourceId?: string;
  /** The source's `uniqueId`, for `Copy`. */
  sourceUniqueId?: string;
}

/** `sku` of a disk or snapshot. */
export interface ArmDiskSku {
  /** Disk type (`Premium_LRS`, `Standard_LRS`, ...). */
  name: string;
  /** `Standard`, `Premium` or `Ultra`. */
  tier: string;
}

/** `encryption` of a disk or snapshot. */
export interface ArmDiskEncryption {
  /** Key type (`EncryptionAtRestWithPlatformKey`). */
  type: string;
}

/** `properties` of a disk. */
export interface ArmDiskProperties {
  /** `Linux` / `Windows`, for OS disks. */
  osType?: string;
  /** `V1` / `V2`, for OS disks. */
  hyperVGeneration?: string;
  /** How the disk was made. */
  creationData: ArmCreationData;
  /** Size, GiB. */
  diskSizeGB: number;
  /** Size, bytes. */
  diskSizeBytes: number;
  /** A GUID the disk RP assigns. */
  uniqueId: string;
  /** Provisioning state (`Succeeded`). */
  provisioningState: string;
  /** When the disk was created (ISO 8601). */
  timeCreated: string;
  /** `Unattached`, `Attached`, `Reserved` (under a deallocated VM) or `ActiveSAS`. */
  diskState: string;
  /** Encryption. */
  encryption: ArmDiskEncryption;
  /** Export and import network access (`AllowAll`). */
  networkAccessPolicy: string;
  /** `Enabled` / `Disabled`. */
  publicNetworkAccess: string;
  /** Provisioned IOPS (Premium SSD v2 and Ultra Disk). */
  diskIOPSReadWrite?: number;
  /** Provisioned throughput, MB/s (Premium SSD v2 and Ultra Disk). */
  diskMBpsReadWrite?: number;
  /** Performance tier (`P30`), when set. */
  tier?: string;
}

/** `Microsoft.Compute/disks`. */
export interface ArmDisk extends ArmTrackedResource {
  /** SKU (`Premium_LRS`, ...). */
  sku: ArmDiskSku;
  /** Availability zones. */
  zones?: string[];
  /** The VM the disk is attached to. */
  managedBy?: string;
  /** Properties. */
  properties: ArmDiskProperties;
}

/** `properties` of a snapshot. */
export interface ArmSnapshotProperties {
  /** `Linux` / `Windows`, when the source had one. */
  osType?: string;
  /** `V1` / `V2`, when the source had one. */
  hyperVGeneration?: string;
  /** What the snapshot was taken of. */
  creationData: ArmCreationData;
  /** Size, GiB. */
  diskSizeGB: number;
  /** Size, bytes. */
  diskSizeBytes: number;
  /** A GUID the disk RP assigns. */
  uniqueId: string;
  /** Provisioning state (`Succeeded`). */
  provisioningState: string;
  /** When the snapshot was taken (ISO 8601). */
  timeCreated: string;
  /** Whether it holds only the changes since the previous snapshot. */
  incremental: boolean;
  /** `Unattached`, or `ActiveSAS` while a read SAS is granted. */
  diskState: string;
  /** Encryption. */
  encryption: ArmDiskEncryption;
  /** Export and import network access (`AllowAll`). */
  networkAccessPolicy: string;
  /** `Enabled` / `Disabled`. */
  publicNetworkAccess: string;
}

/** `Microsoft.Compute/snapshots`. */
export interface ArmSnapshot extends ArmTrackedResource {
  /** SKU. */
  sku: ArmDiskSku;
  /** Properties. */
  properties: ArmSnapshotProperties;
}

/** A capability of a Resource SKU. */
export interface ArmSkuCapability {
  /** Name (`vCPUs`). */
  name: string;
  /** Value as text (`2`). */
  value: string;
}

/** A restriction of a Resource SKU. */
export interface ArmSkuRestriction {
  /** `Location` or `Zone`. */
  type: string;
  /** The locations (Location) or location (Zone) it applies to. */
  values: string[];
  /** Where exactly. */
  restrictionInfo: {
    /** The restricted locations. */
    locations: string[];
    /** The restricted zones (Zone restrictions). */
    zones?: string[];
  };
  /** `NotAvailableForSubscription` or `QuotaId`. */
  reasonCode: string;
}

/** One `locationInfo` entry of a Resource SKU. */
export interface ArmSkuLocationInfo {
  /** Location. */
  location: string;
  /** Zones the SKU is offered in there. */
  zones: string[];
  /** Per-zone capabilities (always empty). */
  zoneDetails: JsonObject[];
}

/** One item of `GET /subscriptions/{sub}/providers/Microsoft.Compute/skus`. */
export interface ArmResourceSku {
  /** `virtualMachines`, `disks`. */
  resourceType: string;
  /** Name (`Standard_D2s_v5`). */
  name: string;
  /** Tier. */
  tier: string;
  /** Size (`D2s_v5`). */
  size?: string;
  /** Family (`standardDSv5Family`). */
  family?: string;
  /** The one location of this item. */
  locations: string[];
  /** Zones per location. */
  locationInfo: ArmSkuLocationInfo[];
  /** Capabilities. */
  capabilities: ArmSkuCapability[];
  /** Restrictions. */
  restrictions: ArmSkuRestriction[];
}
