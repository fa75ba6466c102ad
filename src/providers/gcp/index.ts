/**
 * `novacron/gcp`: the GCE provider over Compute Engine (`@google-cloud/compute` 7 on its REST
 * transport) and the Cloud Billing Catalog. Importing this entry loads no Google library; the
 * client library (seconds and ~100 MB on a cold start) loads on first use.
 *
 * Export/import formats:
 * - `exportVM` (with `exportBucket`) does what `gcloud compute images export` does: an image of
 *   the boot disk, a worker instance that writes it as `disk.raw` in a `.tar.gz` to Cloud Storage,
 *   then both are removed; the artifact carries the object's size and MD5 as Cloud Storage reports them.
 * - `importVM` takes a `raw` artifact in Cloud Storage (`gs://bucket/object.tar.gz` holding a
 *   `disk.raw`, or its `https://storage.googleapis.com/...` URL), creates an image from it
 *   (`images.insert` with `rawDisk.source`) and boots a VM from that image, its boot disk at least
 *   the image's size. Any other format is an `UnsupportedError` (`capability: 'import:<format>'`),
 *   any other location an `InvalidSpecError` on `artifact.location`. The disk must be a whole
 *   number of GiB, as Compute Engine requires.
 * - `networking`: the network companion (custom-mode VPC networks, subnetworks, HA VPN gateways
 *   with their Cloud Router, external VPN gateways, tunnels with BGP sessions, network peering,
 *   routes). HA VPN routes by BGP only: a static-routing connection is an `UnsupportedError`.
 *
 * Idempotency: a create's insert carries a `requestId` derived from its idempotency key, its
 * instance is named from the key (`nc-<16 hex>`, see {@link instanceNameFor}) and labelled with the
 * key's digest and the spec's hash, and its zone operation is recorded in the state store before
 * any wait.
 *
 * @module novacron/gcp
 * @packageDocumentation
 */
export { GcpProvider, createGcpProvider } from './gcp-provider.js';
export type { GcpCostComponents, GcpCostEstimate, GcpProviderDefaults, GcpProviderOptions, GcpProviderSummary } from './gcp-provider.js';
export type { GcpAuthClient, GcpCredentialsObject, GcpReadyClients } from './gcp-api.js';
export type { GcpStateStoreLike, GcpStoredValue } from './create-record.js';
// The image table and the naming and label contracts with the host's own tooling and policies.
export { GCP_IMAGE_ALIASES, type GcpImageAlias, type ImageFamily } from './image-aliases.js';
export { instanceNameFor, requestIdFor } from './naming.js';
export { NOVACRON_LABEL, decodeLabelValue, encodeLabelValue } from './labels.js';
export { GcpNetwork } from './network-companion.js';
