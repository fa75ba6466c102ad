/**
 * `novacron/openstack`: the on-premises provider over OpenStack's REST APIs — Keystone v3
 * (password or application-credential auth, the service catalog), Nova (compute API
 * microversion 2.79), Glance v2 and Neutron v2.0 — with the platform's `fetch` (undici, an
 * optional peer, only for a private CA). Costs come from the operator's rate card.
 *
 * Export/import formats:
 * - `exportVM` snapshots the server (`createImage`) into Glance and answers a `qcow2` or `raw`
 *   artifact (Glance's `disk_format`) whose location is the image's Glance URL and whose checksum
 *   is Glance's sha256 (when it hashes with it) or md5;
 * - `importVM` boots this cloud's own Glance images as they are and streams any other artifact
 *   (`qcow2`, `raw`, `vmdk`, `vhd`, `vhdx`) into a new image, from an `https://` URL or through
 *   the `artifactReader` option, checking its checksum before a server boots from it.
 *
 * Idempotency: a create's server is named from its idempotency key (`nc-<16 hex>`, see
 * {@link serverNameFor}) and carries the key's digest in its metadata; its port is
 * `<server>-port`. A retried create finds them instead of making more.
 *
 * @module novacron/openstack
 * @packageDocumentation
 */
export { OpenStackProvider, createOpenStackProvider } from './openstack-provider.js';
export type { OpenStackProviderOptions, OpenStackProviderSummary } from './openstack-provider.js';
export type { OpenStackApplicationCredentialAuth, OpenStackAuth, OpenStackInterface, OpenStackPasswordAuth } from './keystone-session.js';
export type { OpenStackFetch } from './transport.js';
export { OpenStackConnection, createOpenStackConnection, type OpenStackConnectionOptions } from './openstack-connection.js';
export type { OpenStackStateStoreLike, OpenStackStoredValue } from './create-record.js';
export type { ArtifactBytes, ArtifactReader } from './image-transfer.js';
export { NOVA_MICROVERSION } from './openstack-api.js';
export { OpenStackNetwork } from './network-companion.js';
export { VPNAAS_MISSING, type OpenStackVpnMode } from './network-vpn.js';
// The image table and the naming and metadata contracts with the host's own tooling and policies.
export { OPENSTACK_IMAGE_ALIASES, type OpenStackImageAlias } from './image-aliases.js';
export { serverNameFor } from './naming.js';
export { NOVACRON_METADATA } from './metadata.js';
