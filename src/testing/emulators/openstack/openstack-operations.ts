/**
 * The operation names of the OpenStack emulator: one per API call it serves, named
 * `<resource>.<verb>` after the service's own resource names (Nova `servers`, Glance `images`,
 * Neutron `floatingips`). They are what the kit's faults take
 * (`emu.faults.dropResponse('servers.create')`) and what the request log and `emu.stats` count.
 * Server actions (`POST /servers/{id}/action`) are one operation per action, named after the
 * action key (`servers.os-start`, `servers.createImage`; an unknown action is `servers.action`).
 * This list is the one place they are written down.
 */

/** Every operation the OpenStack emulator serves, grouped by service. */
export const OPENSTACK_OPERATIONS = [
  // Keystone v3
  'auth.tokens',
  'identity.version',
  // Nova v2.1
  'flavors.list',
  'flavors.get',
  'servers.create',
  'servers.list',
  'servers.listBrief',
  'servers.get',
  'servers.delete',
  'servers.os-start',
  'servers.os-stop',
  'servers.reboot',
  'servers.createImage',
  'servers.action',
  'servers.metadata.get',
  'servers.metadata.put',
  'servers.metadata.update',
  'keypairs.list',
  'keypairs.create',
  'keypairs.get',
  'keypairs.delete',
  'availabilityZones.list',
  'limits.get',
  // Glance v2
  'images.list',
  'images.get',
  'images.create',
  'images.update',
  'images.delete',
  'images.upload',
  'images.download',
  // Neutron v2.0
  'networks.list',
  'networks.get',
  'subnets.list',
  'ports.list',
  'ports.get',
  'ports.create',
  'ports.delete',
  'floatingips.list',
  'floatingips.get',
  'floatingips.create',
  'floatingips.update',
  'floatingips.delete',
  'securityGroups.list',
  'securityGroups.create',
  'extensions.list',
  'extensions.get',
  'networks.create',
  'networks.delete',
  'subnets.get',
  'subnets.create',
  'subnets.delete',
  'networks.tags.list',
  'networks.tags.replace',
  'networks.tags.clear',
  'networks.tags.get',
  'networks.tags.add',
  'networks.tags.remove',
  'subnets.tags.list',
  'subnets.tags.replace',
  'subnets.tags.clear',
  'subnets.tags.get',
  'subnets.tags.add',
  'subnets.tags.remove',
  'routers.tags.list',
  'routers.tags.replace',
  'routers.tags.clear',
  'routers.tags.get',
  'routers.tags.add',
  'routers.tags.remove',
  'routers.list',
  'routers.get',
  'routers.create',
  'routers.update',
  'routers.delete',
  'routers.addInterface',
  'routers.removeInterface',
  'routers.addExtraRoutes',
  'routers.removeExtraRoutes',
  // Neutron VPNaaS (404 unless the emulator loads the extension)
  'ikepolicies.list',
  'ikepolicies.get',
  'ikepolicies.create',
  'ikepolicies.delete',
  'ipsecpolicies.list',
  'ipsecpolicies.get',
  'ipsecpolicies.create',
  'ipsecpolicies.delete',
  'vpnservices.list',
  'vpnservices.get',
  'vpnservices.create',
  'vpnservices.delete',
  'endpointGroups.list',
  'endpointGroups.get',
  'endpointGroups.create',
  'endpointGroups.delete',
  'ipsecSiteConnections.list',
  'ipsecSiteConnections.get',
  'ipsecSiteConnections.create',
  'ipsecSiteConnections.delete',
] as const;

/** The name of one operation of the OpenStack emulator (see {@link OPENSTACK_OPERATIONS}). */
export type OpenStackOperationName = (typeof OPENSTACK_OPERATIONS)[number];

/** The OpenStack service an operation belongs to. */
export type OpenStackService = 'identity' | 'compute' | 'image' | 'network';

const NETWORK_RESOURCES = new Set(['networks', 'subnets', 'ports', 'floatingips', 'securityGroups', 'extensions', 'routers', 'ikepolicies', 'ipsecpolicies', 'vpnservices', 'endpointGroups', 'ipsecSiteConnections']);

/** The service of an operation, from its resource name. */
export function serviceOf(operation: string): OpenStackService {
  const resource = operation.slice(0, operation.indexOf('.'));
  if (resource === 'auth' || resource === 'identity') return 'identity';
  if (resource === 'images') return 'image';
  if (NETWORK_RESOURCES.has(resource)) return 'network';
  return 'compute';
}
