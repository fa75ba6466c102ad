/**
 * The REST routes of the emulator's VPC networking (paths from `@google-cloud/compute`'s http
 * rules, `build/protos/protos.json`, 7.8): networks and peerings, subnetworks, HA VPN and
 * external VPN gateways, VPN tunnels, Cloud Routers, routes and region operations. The
 * endpoint appends them to its own route table.
 */
import type { GceCall } from './gce-call.js';
import type { GceOperationName } from './gce-operations.js';
import * as networks from './network-handlers.js';
import * as operations from './operation-handlers.js';
import * as routes from './route-handlers.js';
import * as routers from './router-handlers.js';
import * as subnetworks from './subnetwork-handlers.js';
import * as gateways from './vpn-gateway-handlers.js';
import * as tunnels from './vpn-tunnel-handlers.js';

const P = '/compute/v1/projects/:project';
const R = `${P}/regions/:region`;

/** Method, path, operation name and handler of each networking route. */
export const NETWORK_ROUTES: readonly (readonly [method: string, path: string, operation: GceOperationName, handle: (call: GceCall) => unknown])[] = [
  ['POST', `${P}/global/networks`, 'networks.insert', networks.insertNetwork],
  ['GET', `${P}/global/networks/:network`, 'networks.get', networks.getNetwork],
  ['GET', `${P}/global/networks`, 'networks.list', networks.listNetworks],
  ['DELETE', `${P}/global/networks/:network`, 'networks.delete', networks.deleteNetwork],
  ['POST', `${P}/global/networks/:network/addPeering`, 'networks.addPeering', networks.addPeering],
  ['POST', `${P}/global/networks/:network/removePeering`, 'networks.removePeering', networks.removePeering],
  ['POST', `${R}/subnetworks`, 'subnetworks.insert', subnetworks.insertSubnetwork],
  ['GET', `${R}/subnetworks/:subnetwork`, 'subnetworks.get', subnetworks.getSubnetwork],
  ['GET', `${R}/subnetworks`, 'subnetworks.list', subnetworks.listSubnetworks],
  ['GET', `${P}/aggregated/subnetworks`, 'subnetworks.aggregatedList', subnetworks.aggregatedListSubnetworks],
  ['DELETE', `${R}/subnetworks/:subnetwork`, 'subnetworks.delete', subnetworks.deleteSubnetwork],
  ['POST', `${R}/vpnGateways`, 'vpnGateways.insert', gateways.insertVpnGateway],
  ['GET', `${R}/vpnGateways/:vpnGateway`, 'vpnGateways.get', gateways.getVpnGateway],
  ['GET', `${R}/vpnGateways`, 'vpnGateways.list', gateways.listVpnGateways],
  ['GET', `${P}/aggregated/vpnGateways`, 'vpnGateways.aggregatedList', gateways.aggregatedListVpnGateways],
  ['DELETE', `${R}/vpnGateways/:vpnGateway`, 'vpnGateways.delete', gateways.deleteVpnGateway],
  ['POST', `${P}/global/externalVpnGateways`, 'externalVpnGateways.insert', gateways.insertExternalVpnGateway],
  ['GET', `${P}/global/externalVpnGateways/:externalVpnGateway`, 'externalVpnGateways.get', gateways.getExternalVpnGateway],
  ['GET', `${P}/global/externalVpnGateways`, 'externalVpnGateways.list', gateways.listExternalVpnGateways],
  ['DELETE', `${P}/global/externalVpnGateways/:externalVpnGateway`, 'externalVpnGateways.delete', gateways.deleteExternalVpnGateway],
  ['POST', `${R}/vpnTunnels`, 'vpnTunnels.insert', tunnels.insertVpnTunnel],
  ['GET', `${R}/vpnTunnels/:vpnTunnel`, 'vpnTunnels.get', tunnels.getVpnTunnel],
  ['GET', `${R}/vpnTunnels`, 'vpnTunnels.list', tunnels.listVpnTunnels],
  ['GET', `${P}/aggregated/vpnTunnels`, 'vpnTunnels.aggregatedList', tunnels.aggregatedListVpnTunnels],
  ['DELETE', `${R}/vpnTunnels/:vpnTunnel`, 'vpnTunnels.delete', tunnels.deleteVpnTunnel],
  ['POST', `${R}/routers`, 'routers.insert', routers.insertRouter],
  ['GET', `${R}/routers/:router`, 'routers.get', routers.getRouter],
  ['GET', `${R}/routers`, 'routers.list', routers.listRouters],
  ['GET', `${P}/aggregated/routers`, 'routers.aggregatedList', routers.aggregatedListRouters],
  ['PATCH', `${R}/routers/:router`, 'routers.patch', routers.patchRouter],
  ['PUT', `${R}/routers/:router`, 'routers.update', routers.updateRouter],
  ['DELETE', `${R}/routers/:router`, 'routers.delete', routers.deleteRouter],
  ['POST', `${P}/global/routes`, 'routes.insert', routes.insertRoute],
  ['GET', `${P}/global/routes/:route`, 'routes.get', routes.getRoute],
  ['GET', `${P}/global/routes`, 'routes.list', routes.listRoutes],
  ['DELETE', `${P}/global/routes/:route`, 'routes.delete', routes.deleteRoute],
  ['GET', `${R}/operations/:operation`, 'regionOperations.get', operations.getOperation],
  ['GET', `${R}/operations`, 'regionOperations.list', operations.listOperations],
  ['POST', `${R}/operations/:operation/wait`, 'regionOperations.wait', operations.waitOperation],
  ['DELETE', `${R}/operations/:operation`, 'regionOperations.delete', operations.deleteOperation],
];
