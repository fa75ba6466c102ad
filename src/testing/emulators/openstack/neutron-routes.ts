/**
 * The Neutron routes added for cross-cloud networking: network and subnet create and delete,
 * tags, routers with their interfaces and extra routes, the extension list, and the VPNaaS
 * resources (404 unless the emulator loads the extension). `openstack-endpoint.ts` serves them
 * with the rest, each under the interface prefixes, with the fault plan and Neutron's error
 * document; the operation names are in {@link OPENSTACK_OPERATIONS}.
 */
import type { EmulatorResponse } from '../kit/emulator-request.js';
import { getExtension, listExtensions } from './neutron-extensions.js';
import * as networks from './network-handlers.js';
import type { OpenStackCall } from './openstack-call.js';
import type { OpenStackOperationName } from './openstack-operations.js';
import * as routers from './router-handlers.js';
import * as tags from './tag-handlers.js';
import * as vpn from './vpn-handlers.js';

type Handler = (call: OpenStackCall) => EmulatorResponse | Promise<EmulatorResponse>;

const N = '/network/v2.0';

function tagRoutes(collection: tags.TaggedCollection, resource: 'networks' | 'subnets' | 'routers'): (readonly [string, string, OpenStackOperationName, Handler])[] {
  const base = `${N}/${collection}/:id/tags`;
  return [
    ['GET', base, `${resource}.tags.list` as OpenStackOperationName, tags.listTags(collection)],
    ['PUT', base, `${resource}.tags.replace` as OpenStackOperationName, tags.replaceTags(collection)],
    ['DELETE', base, `${resource}.tags.clear` as OpenStackOperationName, tags.removeAllTags(collection)],
    ['GET', `${base}/:tag`, `${resource}.tags.get` as OpenStackOperationName, tags.confirmTag(collection)],
    ['PUT', `${base}/:tag`, `${resource}.tags.add` as OpenStackOperationName, tags.addTag(collection)],
    ['DELETE', `${base}/:tag`, `${resource}.tags.remove` as OpenStackOperationName, tags.removeTag(collection)],
  ];
}

/** Method, path, operation and handler of each added route. */
export const NEUTRON_NETWORKING_ROUTES: readonly (readonly [method: string, path: string, operation: OpenStackOperationName, handle: Handler])[] = [
  ['GET', `${N}/extensions`, 'extensions.list', listExtensions],
  ['GET', `${N}/extensions/:alias`, 'extensions.get', getExtension],
  ['POST', `${N}/networks`, 'networks.create', networks.createNetwork],
  ['DELETE', `${N}/networks/:id`, 'networks.delete', networks.deleteNetwork],
  ['GET', `${N}/subnets/:id`, 'subnets.get', networks.getSubnet],
  ['POST', `${N}/subnets`, 'subnets.create', networks.createSubnet],
  ['DELETE', `${N}/subnets/:id`, 'subnets.delete', networks.deleteSubnet],
  ...tagRoutes('networks', 'networks'),
  ...tagRoutes('subnets', 'subnets'),
  ...tagRoutes('routers', 'routers'),
  ['GET', `${N}/routers`, 'routers.list', routers.listRouters],
  ['POST', `${N}/routers`, 'routers.create', routers.createRouter],
  ['GET', `${N}/routers/:id`, 'routers.get', routers.getRouter],
  ['PUT', `${N}/routers/:id`, 'routers.update', routers.updateRouter],
  ['DELETE', `${N}/routers/:id`, 'routers.delete', routers.deleteRouter],
  ['PUT', `${N}/routers/:id/add_router_interface`, 'routers.addInterface', routers.addRouterInterface],
  ['PUT', `${N}/routers/:id/remove_router_interface`, 'routers.removeInterface', routers.removeRouterInterface],
  ['PUT', `${N}/routers/:id/add_extraroutes`, 'routers.addExtraRoutes', routers.addExtraRoutes],
  ['PUT', `${N}/routers/:id/remove_extraroutes`, 'routers.removeExtraRoutes', routers.removeExtraRoutes],
  ['GET', `${N}/vpn/ikepolicies`, 'ikepolicies.list', vpn.listIkePolicies],
  ['POST', `${N}/vpn/ikepolicies`, 'ikepolicies.create', vpn.createIkePolicy],
  ['GET', `${N}/vpn/ikepolicies/:id`, 'ikepolicies.get', vpn.getIkePolicy],
  ['DELETE', `${N}/vpn/ikepolicies/:id`, 'ikepolicies.delete', vpn.deleteIkePolicy],
  ['GET', `${N}/vpn/ipsecpolicies`, 'ipsecpolicies.list', vpn.listIpsecPolicies],
  ['POST', `${N}/vpn/ipsecpolicies`, 'ipsecpolicies.create', vpn.createIpsecPolicy],
  ['GET', `${N}/vpn/ipsecpolicies/:id`, 'ipsecpolicies.get', vpn.getIpsecPolicy],
  ['DELETE', `${N}/vpn/ipsecpolicies/:id`, 'ipsecpolicies.delete', vpn.deleteIpsecPolicy],
  ['GET', `${N}/vpn/vpnservices`, 'vpnservices.list', vpn.listVpnServices],
  ['POST', `${N}/vpn/vpnservices`, 'vpnservices.create', vpn.createVpnService],
  ['GET', `${N}/vpn/vpnservices/:id`, 'vpnservices.get', vpn.getVpnService],
  ['DELETE', `${N}/vpn/vpnservices/:id`, 'vpnservices.delete', vpn.deleteVpnService],
  ['GET', `${N}/vpn/endpoint-groups`, 'endpointGroups.list', vpn.listEndpointGroups],
  ['POST', `${N}/vpn/endpoint-groups`, 'endpointGroups.create', vpn.createEndpointGroup],
  ['GET', `${N}/vpn/endpoint-groups/:id`, 'endpointGroups.get', vpn.getEndpointGroup],
  ['DELETE', `${N}/vpn/endpoint-groups/:id`, 'endpointGroups.delete', vpn.deleteEndpointGroup],
  ['GET', `${N}/vpn/ipsec-site-connections`, 'ipsecSiteConnections.list', vpn.listSiteConnections],
  ['POST', `${N}/vpn/ipsec-site-connections`, 'ipsecSiteConnections.create', vpn.createSiteConnection],
  ['GET', `${N}/vpn/ipsec-site-connections/:id`, 'ipsecSiteConnections.get', vpn.getSiteConnection],
  ['DELETE', `${N}/vpn/ipsec-site-connections/:id`, 'ipsecSiteConnections.delete', vpn.deleteSiteConnection],
];
