/**
 * `novacron/azure`: the Azure provider over Azure Resource Manager (`@azure/arm-compute` 25,
 * `@azure/arm-network` 39, `@azure/identity` 4 for `DefaultAzureCredential`) and the Azure Retail
 * Prices API. Importing this entry loads no Azure SDK; the modules load on first use.
 *
 * Export/import formats:
 * - `exportVM` snapshots the OS disk and grants time-limited read access to it as a fixed VHD.
 *   With `export.store` (a page-blob `AzureBlobArtifactStore` from `novacron/artifacts`) the VHD is
 *   streamed into that container, access is revoked and the snapshot deleted: the artifact is the
 *   blob (no SAS in its location). Without it the artifact's location is the snapshot's SAS URL
 *   (valid `export.sasDurationSeconds`, default 4 hours; the URL is a bearer secret: treat the
 *   artifact like a credential until it expires).
 * - `importVM` takes a `vhd` artifact at a blob URL (https, or http for an emulator), creates a
 *   managed disk from it (`createOption: Import`, with the storage account's id from
 *   `import.storageAccounts` when the blob is in one of them) and a VM that boots from it
 *   (`createOption: Attach`). Other formats (`vmdk`, `qcow2`, `raw`, …) are refused with
 *   `UnsupportedError`: convert them to a fixed VHD first (`transferArtifact` does).
 * - `networking`: the network companion (VNets, subnets, virtual network gateways with their
 *   GatewaySubnet and public IPs, local network gateways, connections, VNet peering, route tables).
 *
 * Idempotency: every resource of a create is named from its idempotency key (`nc-<12 hex>`, see
 * {@link resourceNamesFor}), so a retried create finds its own public IP, NIC and VM.
 *
 * @module novacron/azure
 * @packageDocumentation
 */
export { AzureProvider, createAzureProvider } from './azure-provider.js';
export type {
  AzureCostComponents,
  AzureCostEstimate,
  AzureExportOptions,
  AzureImportOptions,
  AzureProviderDefaults,
  AzureProviderOptions,
  AzureProviderSummary,
} from './azure-provider.js';
export type { AzureAccessToken, AzureTokenCredential } from './azure-api.js';
export type { AzureStateStoreLike, AzureStoredValue } from './create-record.js';
// The diagnostics channel each HTTP attempt is published on, for hosts that count or trace calls.
export { AZURE_REQUEST_CHANNEL, type AzureRequestEvent } from './call-tracking.js';
// The image table and the naming and tag contracts with the host's own tooling and policies.
export { AZURE_IMAGE_ALIASES, type AzureImageAlias, type MarketplaceImage } from './image-aliases.js';
export { resourceNamesFor, type ResourceNames } from './naming.js';
export { NOVACRON_TAG } from './tags.js';
export { AzureNetwork } from './network-companion.js';
export type { AzureNetworkOptions } from './network-options.js';
