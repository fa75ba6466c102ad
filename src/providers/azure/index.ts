/**
 * `novacron/azure`: the Azure provider over Azure Resource Manager (`@azure/arm-compute` 25,
 * `@azure/arm-network` 39, `@azure/identity` 4 for `DefaultAzureCredential`) and the Azure Retail
 * Prices API. Importing this entry loads no Azure SDK; the modules load on first use.
 *
 * Export/import formats:
 * - `exportVM` snapshots the OS disk and grants time-limited read access to it as a VHD: a `vhd`
 *   artifact whose location is the snapshot's SAS URL (`https://…blob.core.windows.net/…?sv=…`,
 *   valid `export.sasDurationSeconds`, default 4 hours; the URL is a bearer secret: treat the
 *   artifact like a credential until it expires).
 * - `importVM` takes a `vhd` artifact at an https blob URL, creates a managed disk from it
 *   (`createOption: Import`) and a VM that boots from it (`createOption: Attach`). Other formats
 *   (`vmdk`, `qcow2`, `raw`, …) are refused with `UnsupportedError`: convert them to a fixed VHD
 *   first.
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
