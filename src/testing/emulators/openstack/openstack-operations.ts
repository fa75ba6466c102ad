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
] as const;

/** The name of one operation of the OpenStack emulator (see {@link OPENSTACK_OPERATIONS}). */
export type OpenStackOperationName = (typeof OPENSTACK_OPERATIONS)[number];

/** The OpenStack service an operation belongs to. */
export type OpenStackService = 'identity' | 'compute' | 'image' | 'network';

/** The service of an operation, from its resource name. */
export function serviceOf(operation: string): OpenStackService {
  const resource = operation.slice(0, operation.indexOf('.'));
  if (resource === 'auth' || resource === 'identity') return 'identity';
  if (resource === 'images') return 'image';
  if (['networks', 'subnets', 'ports', 'floatingips', 'securityGroups'].includes(resource)) return 'network';
  return 'compute';
}
