/**
 * Every ARM operation the emulator answers: method, path (ARM paths are case-insensitive),
 * operation name (the SDK method it serves, `virtualMachines.createOrUpdate`, for faults and
 * stats), and the resource type whose api-versions it accepts. Paths follow the SDKs' URL
 * templates (`@azure/arm-compute` 25, `@azure/arm-network` 39, read 2026-12).
 */
import type { ArmHandler } from './arm-call.js';
import type { ApiVersionScope } from './api-versions.js';
import { deleteDisk, deleteSnapshot, getDisk, getSnapshot, listAllDisks, listAllSnapshots, listDisks, listSnapshots, putDisk, putSnapshot } from './disk-handlers.js';
import { grantDiskAccess, grantSnapshotAccess, revokeDiskAccess, revokeSnapshotAccess } from './disk-access-handlers.js';
import { deleteNetworkInterface, getNetworkInterface, listAllNetworkInterfaces, listNetworkInterfaces, putNetworkInterface } from './network-interface-handlers.js';
import { deleteNetworkSecurityGroup, getNetworkSecurityGroup, listNetworkSecurityGroups, putNetworkSecurityGroup } from './network-security-group-handlers.js';
import { operationResult, operationStatus } from './operation-status-handlers.js';
import { deletePublicIPAddress, getPublicIPAddress, listAllPublicIPAddresses, listPublicIPAddresses, putPublicIPAddress } from './public-ip-handlers.js';
import { getResourceGroup, listResourceGroups, putResourceGroup } from './resource-group-handlers.js';
import { listResourceSkus } from './resource-sku-handlers.js';
import { deallocateVirtualMachine, deleteVirtualMachine, powerOffVirtualMachine, restartVirtualMachine, startVirtualMachine } from './virtual-machine-actions.js';
import { putVirtualMachine } from './virtual-machine-put.js';
import { getInstanceView, getVirtualMachine, listAllVirtualMachines, listVirtualMachines, listVirtualMachinesByLocation } from './virtual-machine-reads.js';
import { deleteSubnet, deleteVirtualNetwork, getSubnet, getVirtualNetwork, listAllVirtualNetworks, listSubnets, listVirtualNetworks, putSubnet, putVirtualNetwork } from './virtual-network-handlers.js';
import { deleteConnection, getConnection, getConnectionSharedKey, listConnections, putConnection, putConnectionSharedKey } from './connection-handlers.js';
import { deleteLocalNetworkGateway, getLocalNetworkGateway, listLocalNetworkGateways, putLocalNetworkGateway } from './local-network-gateway-handlers.js';
import { deleteRoute, deleteRouteTable, getRoute, getRouteTable, listRoutes, listRouteTables, putRoute, putRouteTable } from './route-table-handlers.js';
import { deleteVirtualNetworkGateway, getVirtualNetworkGateway, listVirtualNetworkGateways, putVirtualNetworkGateway } from './virtual-network-gateway-handlers.js';
import { deleteVirtualNetworkPeering, getVirtualNetworkPeering, listVirtualNetworkPeerings, putVirtualNetworkPeering } from './vnet-peering-handlers.js';

/** One ARM route. */
export interface ArmRouteDefinition {
  /** HTTP method. */
  readonly method: string;
  /** Path pattern; `:name` segments are parameters. */
  readonly path: string;
  /** Operation name, or one per request (status vs. result of an operation URL). */
  readonly operation: string | ((query: URLSearchParams) => string);
  /** The type whose api-versions the route accepts. */
  readonly scope: ApiVersionScope;
  /** The handler. */
  readonly handle: ArmHandler;
}

const SUB = '/subscriptions/:subscriptionId';
const RG = `${SUB}/resourceGroups/:resourceGroup`;
const COMPUTE = `${RG}/providers/Microsoft.Compute`;
const NETWORK = `${RG}/providers/Microsoft.Network`;
const VM = `${COMPUTE}/virtualMachines/:vmName`;

const compute = (type: string): ApiVersionScope => ({ namespace: 'Microsoft.Compute', type });
const network = (type: string): ApiVersionScope => ({ namespace: 'Microsoft.Network', type });
const GROUPS: ApiVersionScope = { namespace: 'Microsoft.Resources', type: 'resourceGroups' };

function route(method: string, path: string, operation: ArmRouteDefinition['operation'], scope: ApiVersionScope, handle: ArmHandler): ArmRouteDefinition {
  return { method, path, operation, scope, handle };
}

const byMonitor = (status: string, result: string) => (query: URLSearchParams) => (query.get('monitor') === 'true' ? result : status);

/** The routes, tried in order. */
export const ARM_ROUTES: readonly ArmRouteDefinition[] = [
  route('GET', `${SUB}/resourcegroups`, 'resourceGroups.list', GROUPS, listResourceGroups),
  route('GET', RG, 'resourceGroups.get', GROUPS, getResourceGroup),
  route('PUT', RG, 'resourceGroups.createOrUpdate', GROUPS, putResourceGroup),

  route('GET', `${SUB}/providers/Microsoft.Compute/skus`, 'resourceSkus.list', compute('skus'), listResourceSkus),
  route('GET', `${SUB}/providers/Microsoft.Compute/virtualMachines`, 'virtualMachines.listAll', compute('virtualMachines'), listAllVirtualMachines),
  route('GET', `${SUB}/providers/Microsoft.Compute/locations/:location/virtualMachines`, 'virtualMachines.listByLocation', compute('virtualMachines'), listVirtualMachinesByLocation),
  route('GET', `${SUB}/providers/Microsoft.Compute/locations/:location/operations/:operationId`, byMonitor('computeOperations.get', 'computeOperations.result'), compute('locations/operations'), (c) =>
    c.request.query.get('monitor') === 'true' ? operationResult('compute')(c) : operationStatus('compute')(c),
  ),
  route('GET', `${SUB}/providers/Microsoft.Compute/locations/:location/DiskOperations/:operationId`, byMonitor('diskOperations.get', 'diskOperations.result'), compute('locations/diskOperations'), (c) =>
    c.request.query.get('monitor') === 'true' ? operationResult('disk')(c) : operationStatus('disk')(c),
  ),
  route('GET', `${COMPUTE}/virtualMachines`, 'virtualMachines.list', compute('virtualMachines'), listVirtualMachines),
  route('PUT', VM, 'virtualMachines.createOrUpdate', compute('virtualMachines'), putVirtualMachine),
  route('GET', VM, 'virtualMachines.get', compute('virtualMachines'), getVirtualMachine),
  route('DELETE', VM, 'virtualMachines.delete', compute('virtualMachines'), deleteVirtualMachine),
  route('GET', `${VM}/instanceView`, 'virtualMachines.instanceView', compute('virtualMachines'), getInstanceView),
  route('POST', `${VM}/start`, 'virtualMachines.start', compute('virtualMachines'), startVirtualMachine),
  route('POST', `${VM}/powerOff`, 'virtualMachines.powerOff', compute('virtualMachines'), powerOffVirtualMachine),
  route('POST', `${VM}/deallocate`, 'virtualMachines.deallocate', compute('virtualMachines'), deallocateVirtualMachine),
  route('POST', `${VM}/restart`, 'virtualMachines.restart', compute('virtualMachines'), restartVirtualMachine),

  route('GET', `${SUB}/providers/Microsoft.Compute/disks`, 'disks.list', compute('disks'), listAllDisks),
  route('GET', `${COMPUTE}/disks`, 'disks.listByResourceGroup', compute('disks'), listDisks),
  route('PUT', `${COMPUTE}/disks/:diskName`, 'disks.createOrUpdate', compute('disks'), putDisk),
  route('GET', `${COMPUTE}/disks/:diskName`, 'disks.get', compute('disks'), getDisk),
  route('DELETE', `${COMPUTE}/disks/:diskName`, 'disks.delete', compute('disks'), deleteDisk),
  route('POST', `${COMPUTE}/disks/:diskName/beginGetAccess`, 'disks.grantAccess', compute('disks'), grantDiskAccess),
  route('POST', `${COMPUTE}/disks/:diskName/endGetAccess`, 'disks.revokeAccess', compute('disks'), revokeDiskAccess),
  route('GET', `${SUB}/providers/Microsoft.Compute/snapshots`, 'snapshots.list', compute('snapshots'), listAllSnapshots),
  route('GET', `${COMPUTE}/snapshots`, 'snapshots.listByResourceGroup', compute('snapshots'), listSnapshots),
  route('PUT', `${COMPUTE}/snapshots/:snapshotName`, 'snapshots.createOrUpdate', compute('snapshots'), putSnapshot),
  route('GET', `${COMPUTE}/snapshots/:snapshotName`, 'snapshots.get', compute('snapshots'), getSnapshot),
  route('DELETE', `${COMPUTE}/snapshots/:snapshotName`, 'snapshots.delete', compute('snapshots'), deleteSnapshot),
  route('POST', `${COMPUTE}/snapshots/:snapshotName/beginGetAccess`, 'snapshots.grantAccess', compute('snapshots'), grantSnapshotAccess),
  route('POST', `${COMPUTE}/snapshots/:snapshotName/endGetAccess`, 'snapshots.revokeAccess', compute('snapshots'), revokeSnapshotAccess),

  route('GET', `${SUB}/providers/Microsoft.Network/locations/:location/operations/:operationId`, 'networkOperations.get', network('locations/operations'), operationStatus('network')),
  route('GET', `${SUB}/providers/Microsoft.Network/locations/:location/operationResults/:operationId`, 'networkOperations.result', network('locations/operationResults'), operationResult('network')),
  route('GET', `${NETWORK}/virtualNetworks`, 'virtualNetworks.list', network('virtualNetworks'), listVirtualNetworks),
  route('PUT', `${NETWORK}/virtualNetworks/:vnetName`, 'virtualNetworks.createOrUpdate', network('virtualNetworks'), putVirtualNetwork),
  route('GET', `${NETWORK}/virtualNetworks/:vnetName`, 'virtualNetworks.get', network('virtualNetworks'), getVirtualNetwork),
  route('DELETE', `${NETWORK}/virtualNetworks/:vnetName`, 'virtualNetworks.delete', network('virtualNetworks'), deleteVirtualNetwork),
  route('GET', `${NETWORK}/virtualNetworks/:vnetName/subnets`, 'subnets.list', network('virtualNetworks/subnets'), listSubnets),
  route('PUT', `${NETWORK}/virtualNetworks/:vnetName/subnets/:subnetName`, 'subnets.createOrUpdate', network('virtualNetworks/subnets'), putSubnet),
  route('GET', `${NETWORK}/virtualNetworks/:vnetName/subnets/:subnetName`, 'subnets.get', network('virtualNetworks/subnets'), getSubnet),
  route('DELETE', `${NETWORK}/virtualNetworks/:vnetName/subnets/:subnetName`, 'subnets.delete', network('virtualNetworks/subnets'), deleteSubnet),
  route('GET', `${NETWORK}/networkSecurityGroups`, 'networkSecurityGroups.list', network('networkSecurityGroups'), listNetworkSecurityGroups),
  route('PUT', `${NETWORK}/networkSecurityGroups/:nsgName`, 'networkSecurityGroups.createOrUpdate', network('networkSecurityGroups'), putNetworkSecurityGroup),
  route('GET', `${NETWORK}/networkSecurityGroups/:nsgName`, 'networkSecurityGroups.get', network('networkSecurityGroups'), getNetworkSecurityGroup),
  route('DELETE', `${NETWORK}/networkSecurityGroups/:nsgName`, 'networkSecurityGroups.delete', network('networkSecurityGroups'), deleteNetworkSecurityGroup),
  route('GET', `${SUB}/providers/Microsoft.Network/networkInterfaces`, 'networkInterfaces.listAll', network('networkInterfaces'), listAllNetworkInterfaces),
  route('GET', `${NETWORK}/networkInterfaces`, 'networkInterfaces.list', network('networkInterfaces'), listNetworkInterfaces),
  route('PUT', `${NETWORK}/networkInterfaces/:nicName`, 'networkInterfaces.createOrUpdate', network('networkInterfaces'), putNetworkInterface),
  route('GET', `${NETWORK}/networkInterfaces/:nicName`, 'networkInterfaces.get', network('networkInterfaces'), getNetworkInterface),
  route('DELETE', `${NETWORK}/networkInterfaces/:nicName`, 'networkInterfaces.delete', network('networkInterfaces'), deleteNetworkInterface),
  route('GET', `${SUB}/providers/Microsoft.Network/publicIPAddresses`, 'publicIPAddresses.listAll', network('publicIPAddresses'), listAllPublicIPAddresses),
  route('GET', `${NETWORK}/publicIPAddresses`, 'publicIPAddresses.list', network('publicIPAddresses'), listPublicIPAddresses),
  route('PUT', `${NETWORK}/publicIPAddresses/:ipName`, 'publicIPAddresses.createOrUpdate', network('publicIPAddresses'), putPublicIPAddress),
  route('GET', `${NETWORK}/publicIPAddresses/:ipName`, 'publicIPAddresses.get', network('publicIPAddresses'), getPublicIPAddress),
  route('DELETE', `${NETWORK}/publicIPAddresses/:ipName`, 'publicIPAddresses.delete', network('publicIPAddresses'), deletePublicIPAddress),

  ...vpnAndRoutingRoutes(),
];

/** VPN gateways, local network gateways, connections, VNet peerings and route tables. */
function vpnAndRoutingRoutes(): ArmRouteDefinition[] {
  const peering = `${NETWORK}/virtualNetworks/:vnetName/virtualNetworkPeerings`;
  const table = `${NETWORK}/routeTables/:routeTableName`;
  return [
    route('GET', `${SUB}/providers/Microsoft.Network/virtualNetworks`, 'virtualNetworks.listAll', network('virtualNetworks'), listAllVirtualNetworks),
    route('GET', peering, 'virtualNetworkPeerings.list', network('virtualNetworks/virtualNetworkPeerings'), listVirtualNetworkPeerings),
    route('PUT', `${peering}/:peeringName`, 'virtualNetworkPeerings.createOrUpdate', network('virtualNetworks/virtualNetworkPeerings'), putVirtualNetworkPeering),
    route('GET', `${peering}/:peeringName`, 'virtualNetworkPeerings.get', network('virtualNetworks/virtualNetworkPeerings'), getVirtualNetworkPeering),
    route('DELETE', `${peering}/:peeringName`, 'virtualNetworkPeerings.delete', network('virtualNetworks/virtualNetworkPeerings'), deleteVirtualNetworkPeering),
    route('GET', `${NETWORK}/virtualNetworkGateways`, 'virtualNetworkGateways.list', network('virtualNetworkGateways'), listVirtualNetworkGateways),
    route('PUT', `${NETWORK}/virtualNetworkGateways/:gatewayName`, 'virtualNetworkGateways.createOrUpdate', network('virtualNetworkGateways'), putVirtualNetworkGateway),
    route('GET', `${NETWORK}/virtualNetworkGateways/:gatewayName`, 'virtualNetworkGateways.get', network('virtualNetworkGateways'), getVirtualNetworkGateway),
    route('DELETE', `${NETWORK}/virtualNetworkGateways/:gatewayName`, 'virtualNetworkGateways.delete', network('virtualNetworkGateways'), deleteVirtualNetworkGateway),
    route('GET', `${NETWORK}/localNetworkGateways`, 'localNetworkGateways.list', network('localNetworkGateways'), listLocalNetworkGateways),
    route('PUT', `${NETWORK}/localNetworkGateways/:localGatewayName`, 'localNetworkGateways.createOrUpdate', network('localNetworkGateways'), putLocalNetworkGateway),
    route('GET', `${NETWORK}/localNetworkGateways/:localGatewayName`, 'localNetworkGateways.get', network('localNetworkGateways'), getLocalNetworkGateway),
    route('DELETE', `${NETWORK}/localNetworkGateways/:localGatewayName`, 'localNetworkGateways.delete', network('localNetworkGateways'), deleteLocalNetworkGateway),
    route('GET', `${NETWORK}/connections`, 'virtualNetworkGatewayConnections.list', network('connections'), listConnections),
    route('PUT', `${NETWORK}/connections/:connectionName`, 'virtualNetworkGatewayConnections.createOrUpdate', network('connections'), putConnection),
    route('GET', `${NETWORK}/connections/:connectionName`, 'virtualNetworkGatewayConnections.get', network('connections'), getConnection),
    route('DELETE', `${NETWORK}/connections/:connectionName`, 'virtualNetworkGatewayConnections.delete', network('connections'), deleteConnection),
    route('GET', `${NETWORK}/connections/:connectionName/sharedkey`, 'virtualNetworkGatewayConnections.getSharedKey', network('connections/sharedkey'), getConnectionSharedKey),
    route('PUT', `${NETWORK}/connections/:connectionName/sharedkey`, 'virtualNetworkGatewayConnections.setSharedKey', network('connections/sharedkey'), putConnectionSharedKey),
    route('GET', `${NETWORK}/routeTables`, 'routeTables.list', network('routeTables'), listRouteTables),
    route('PUT', table, 'routeTables.createOrUpdate', network('routeTables'), putRouteTable),
    route('GET', table, 'routeTables.get', network('routeTables'), getRouteTable),
    route('DELETE', table, 'routeTables.delete', network('routeTables'), deleteRouteTable),
    route('GET', `${table}/routes`, 'routes.list', network('routeTables/routes'), listRoutes),
    route('PUT', `${table}/routes/:routeName`, 'routes.createOrUpdate', network('routeTables/routes'), putRoute),
    route('GET', `${table}/routes/:routeName`, 'routes.get', network('routeTables/routes'), getRoute),
    route('DELETE', `${table}/routes/:routeName`, 'routes.delete', network('routeTables/routes'), deleteRoute),
  ];
}
