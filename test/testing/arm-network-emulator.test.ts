/**
 * The ARM emulator's VPN gateways, local network gateways, connections, VNet peerings, route
 * tables and subnet range checks against the real `@azure/arm-network` client: the SDK must
 * deserialize every answer and its pollers must finish, and the emulator must refuse what the
 * network RP refuses, with its codes, and never show a connection's shared key outside `sharedkey`.
 */
import { request as httpsRequest } from 'node:https';
import { NetworkManagementClient, type VirtualNetworkGateway } from '@azure/arm-network';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator } from '../../src/testing/emulators/azure/index.js';
import { collect } from '../helpers.js';

let emu: ArmEmulator;
let network: NetworkManagementClient;
let rg: string;
let sub: string;
const poll = { updateIntervalInMs: 10 };
const location = 'westeurope';

beforeAll(async () => {
  emu = await startArmEmulator({ operationMs: 30, gatewayTiming: { provisioningMs: 300, updateMs: 150, deleteMs: 150, connectionMs: 100 } });
  const { credential, subscriptionId, resourceGroup } = emu.providerOptions;
  network = new NetworkManagementClient(credential, subscriptionId, { ...emu.sdkClientOptions });
  rg = resourceGroup;
  sub = subscriptionId;
});
afterAll(async () => emu.close());

async function caught(promise: Promise<unknown>): Promise<{ statusCode: number | undefined; code: string | undefined; message: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; message: string };
    return { statusCode: err.statusCode, code: err.code, message: err.message };
  }
  throw new Error('expected the call to fail');
}

const id = (type: string, name: string): string => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/${type}/${name}`;

async function vnet(name: string, prefix: string, where = location): Promise<string> {
  const made = await network.virtualNetworks.createOrUpdate(rg, name, { location: where, addressSpace: { addressPrefixes: [prefix] } }, poll).pollUntilDone();
  return made.id!;
}

async function publicIp(name: string): Promise<string> {
  return (await network.publicIPAddresses.createOrUpdate(rg, name, { location, sku: { name: 'Standard' }, publicIPAllocationMethod: 'Static' }, poll).pollUntilDone()).id!;
}

function gatewayBody(subnetId: string, ipId: string, extra: Partial<VirtualNetworkGateway> = {}): VirtualNetworkGateway {
  return {
    location,
    ipConfigurations: [{ name: 'default', privateIPAllocationMethod: 'Dynamic', subnet: { id: subnetId }, publicIPAddress: { id: ipId } }],
    gatewayType: 'Vpn',
    vpnType: 'RouteBased',
    sku: { name: 'VpnGw1', tier: 'VpnGw1' },
    enableBgp: true,
    bgpSettings: { asn: 65010 },
    ...extra,
  };
}

describe('subnet ranges', () => {
  it('refuses a subnet outside its VNet, one overlapping another, and a prefix with host bits set, in the network RP’s codes', async () => {
    await vnet('ranges', '10.50.0.0/24');
    const outside = await caught(network.subnets.createOrUpdate(rg, 'ranges', 'out', { addressPrefix: '10.51.0.0/26' }, poll).pollUntilDone());
    expect([outside.statusCode, outside.code]).toEqual([400, 'NetcfgSubnetRangeOutsideVnet']);
    await network.subnets.createOrUpdate(rg, 'ranges', 'a', { addressPrefix: '10.50.0.0/26' }, poll).pollUntilDone();
    const overlap = await caught(network.subnets.createOrUpdate(rg, 'ranges', 'b', { addressPrefix: '10.50.0.32/27' }, poll).pollUntilDone());
    expect([overlap.statusCode, overlap.code]).toEqual([400, 'NetcfgSubnetRangesOverlap']);
    expect(overlap.message).toContain("existing subnet 'a'");
    const bits = await caught(network.subnets.createOrUpdate(rg, 'ranges', 'c', { addressPrefix: '10.50.0.65/26' }, poll).pollUntilDone());
    expect([bits.statusCode, bits.code]).toEqual([400, 'InvalidCIDRNotation']);
    expect(bits.message).toContain('10.50.0.64/26');
    expect((await network.virtualNetworks.get(rg, 'ranges')).subnets?.map((s) => s.name)).toEqual(['a']);
  });
});

describe('VPN gateways, local network gateways and connections', () => {
  let gatewaySubnet: string;
  let ipId: string;

  beforeAll(async () => {
    await vnet('vpn', '10.60.0.0/24');
    gatewaySubnet = (await network.subnets.createOrUpdate(rg, 'vpn', 'GatewaySubnet', { addressPrefix: '10.60.0.224/27' }, poll).pollUntilDone()).id!;
    await network.subnets.createOrUpdate(rg, 'vpn', 'workload', { addressPrefix: '10.60.0.0/26' }, poll).pollUntilDone();
    ipId = await publicIp('vpn-ip');
  });

  it('refuses a gateway outside a GatewaySubnet, with a reserved ASN, or with custom BGP addresses outside APIPA', async () => {
    const notGatewaySubnet = await caught(network.virtualNetworkGateways.createOrUpdate(rg, 'bad-gw', gatewayBody(`${id('virtualNetworks', 'vpn')}/subnets/workload`, ipId), poll).pollUntilDone());
    expect([notGatewaySubnet.statusCode, notGatewaySubnet.code]).toEqual([400, 'InvalidGatewaySubnet']);
    const reserved = await caught(network.virtualNetworkGateways.createOrUpdate(rg, 'bad-gw', gatewayBody(gatewaySubnet, ipId, { bgpSettings: { asn: 65517 } }), poll).pollUntilDone());
    expect([reserved.statusCode, reserved.code]).toEqual([400, 'InvalidAsn']);
    const apipa = await caught(
      network.virtualNetworkGateways
        .createOrUpdate(rg, 'bad-gw', gatewayBody(gatewaySubnet, ipId, { bgpSettings: { asn: 65010, bgpPeeringAddresses: [{ ipconfigurationId: `${id('virtualNetworkGateways', 'bad-gw')}/ipConfigurations/default`, customBgpIpAddresses: ['169.254.30.1'] }] } }), poll)
        .pollUntilDone(),
    );
    expect([apipa.statusCode, apipa.code]).toEqual([400, 'InvalidCustomBgpIpAddress']);
    const twoForOne = await caught(network.virtualNetworkGateways.createOrUpdate(rg, 'bad-gw', gatewayBody(gatewaySubnet, ipId, { active: true }), poll).pollUntilDone());
    expect([twoForOne.statusCode, twoForOne.code]).toEqual([400, 'InvalidGatewayConfiguration']);
    expect(await collect(network.virtualNetworkGateways.list(rg))).toEqual([]);
  });

  it('refuses a GatewaySubnet smaller than /29', async () => {
    await vnet('tiny', '10.61.0.0/28');
    const tinySubnet = (await network.subnets.createOrUpdate(rg, 'tiny', 'GatewaySubnet', { addressPrefix: '10.61.0.0/30' }, poll).pollUntilDone()).id!;
    const ip = await publicIp('tiny-ip');
    const tooSmall = await caught(network.virtualNetworkGateways.createOrUpdate(rg, 'tiny-gw', gatewayBody(tinySubnet, ip), poll).pollUntilDone());
    expect([tooSmall.statusCode, tooSmall.code]).toEqual([400, 'InvalidGatewaySubnet']);
    expect(tooSmall.message).toMatch(/\/29/);
  });

  it('provisions a gateway slowly: Updating at first, writes refused meanwhile, then its BGP address and tunnel IP', async () => {
    const started = network.virtualNetworkGateways.createOrUpdate(rg, 'gw', gatewayBody(gatewaySubnet, ipId), poll);
    await started.submitted();
    const early = await network.virtualNetworkGateways.get(rg, 'gw');
    expect(early.provisioningState).toBe('Updating');
    expect(early.bgpSettings?.bgpPeeringAddresses?.[0]?.tunnelIpAddresses).toEqual([]);
    const busy = await caught(network.virtualNetworkGateways.createOrUpdate(rg, 'gw', gatewayBody(gatewaySubnet, ipId), poll).pollUntilDone());
    expect([busy.statusCode, busy.code]).toEqual([409, 'AnotherOperationInProgress']);
    const ipInUse = await caught(network.publicIPAddresses.delete(rg, 'vpn-ip', poll).pollUntilDone());
    expect(ipInUse.code).toBe('PublicIPAddressCannotBeDeleted');
    const subnetInUse = await caught(network.subnets.delete(rg, 'vpn', 'GatewaySubnet', poll).pollUntilDone());
    expect(subnetInUse.code).toBe('InUseSubnetCannotBeDeleted');
    const lng = await network.localNetworkGateways.createOrUpdate(rg, 'far', { location, gatewayIpAddress: '198.51.100.7', localNetworkAddressSpace: { addressPrefixes: ['192.168.7.0/24'] } }, poll).pollUntilDone();
    const tooEarly = await caught(
      network.virtualNetworkGatewayConnections.createOrUpdate(rg, 'early', { location, virtualNetworkGateway1: { id: early.id! }, localNetworkGateway2: { id: lng.id! }, connectionType: 'IPsec', sharedKey: 'EarlyKey.123' }, poll).pollUntilDone(),
    );
    expect([tooEarly.statusCode, tooEarly.code]).toEqual([400, 'ReferencedResourceNotProvisioned']);
    const done = await started.pollUntilDone();
    expect(done.provisioningState).toBe('Succeeded');
    const ip = await network.publicIPAddresses.get(rg, 'vpn-ip');
    expect(done.bgpSettings).toMatchObject({ asn: 65010, bgpPeeringAddress: '10.60.0.254' });
    expect(done.bgpSettings?.bgpPeeringAddresses?.[0]?.tunnelIpAddresses).toEqual([ip.ipAddress]);
  });

  it('keeps a connection’s shared key out of every connection body and error, and hands it out only from sharedkey', async () => {
    const key = 'Sh4redKey.for_emulator';
    const gw = await network.virtualNetworkGateways.get(rg, 'gw');
    const lng = await network.localNetworkGateways.get(rg, 'far');
    const body = { location, virtualNetworkGateway1: { id: gw.id! }, localNetworkGateway2: { id: lng.id! }, connectionType: 'IPsec' as const, sharedKey: key };
    const created = await network.virtualNetworkGatewayConnections.createOrUpdate(rg, 'conn', body, poll).pollUntilDone();
    expect(created.provisioningState).toBe('Succeeded');
    expect(created.connectionStatus).toBe('Connecting');
    expect(created.sharedKey).toBeUndefined();
    expect((await network.virtualNetworkGatewayConnections.get(rg, 'conn')).sharedKey).toBeUndefined();
    expect((await collect(network.virtualNetworkGatewayConnections.list(rg))).map((c) => c.sharedKey)).toEqual([undefined]);
    expect((await network.virtualNetworkGatewayConnections.getSharedKey(rg, 'conn')).value).toBe(key);
    await network.virtualNetworkGatewayConnections.setSharedKey(rg, 'conn', { value: 'An0ther.Key' }, poll).pollUntilDone();
    expect((await network.virtualNetworkGatewayConnections.getSharedKey(rg, 'conn')).value).toBe('An0ther.Key');
    const badKey = `Bad\u0001${key}`;
    const refused = await caught(network.virtualNetworkGatewayConnections.createOrUpdate(rg, 'conn-bad', { ...body, sharedKey: badKey }, poll).pollUntilDone());
    expect([refused.statusCode, refused.code]).toEqual([400, 'InvalidSharedKey']);
    expect(refused.message).not.toContain(key);
    emu.setConnectionStatus('conn', 'Connected');
    expect((await network.virtualNetworkGatewayConnections.get(rg, 'conn')).connectionStatus).toBe('Connected');
  });

  it('refuses to delete a gateway or a local network gateway that a connection uses, then deletes them slowly in order', async () => {
    const gatewayInUse = await caught(network.virtualNetworkGateways.delete(rg, 'gw', poll).pollUntilDone());
    expect([gatewayInUse.statusCode, gatewayInUse.code]).toEqual([400, 'VirtualNetworkGatewayCannotBeDeleted']);
    const lngInUse = await caught(network.localNetworkGateways.delete(rg, 'far', poll).pollUntilDone());
    expect([lngInUse.statusCode, lngInUse.code]).toEqual([400, 'InUseLocalNetworkGatewayCannotBeDeleted']);
    await network.virtualNetworkGatewayConnections.delete(rg, 'conn', poll).pollUntilDone();
    const deleting = network.virtualNetworkGateways.delete(rg, 'gw', poll);
    await deleting.submitted();
    expect((await network.virtualNetworkGateways.get(rg, 'gw')).provisioningState).toBe('Deleting');
    await deleting.pollUntilDone();
    expect((await caught(network.virtualNetworkGateways.get(rg, 'gw'))).statusCode).toBe(404);
    await network.localNetworkGateways.delete(rg, 'far', poll).pollUntilDone();
    await network.publicIPAddresses.delete(rg, 'vpn-ip', poll).pollUntilDone();
    await network.subnets.delete(rg, 'vpn', 'GatewaySubnet', poll).pollUntilDone();
    expect((await network.virtualNetworks.get(rg, 'vpn')).subnets?.map((s) => s.name)).toEqual(['workload']);
  });
});

describe('VNet peering', () => {
  it('is Initiated on the first side, Connected once the other links back, Disconnected when one side goes; overlaps are refused', async () => {
    const a = await vnet('peer-a', '10.70.0.0/24');
    const b = await vnet('peer-b', '10.71.0.0/24', 'eastus');
    const clash = await vnet('peer-clash', '10.70.0.128/25');
    const overlap = await caught(network.virtualNetworkPeerings.createOrUpdate(rg, 'peer-a', 'a-clash', { remoteVirtualNetwork: { id: clash } }, poll).pollUntilDone());
    expect([overlap.statusCode, overlap.code]).toEqual([400, 'VnetAddressSpacesOverlap']);
    expect(overlap.message).toContain('10.70.0.128/25');
    const first = await network.virtualNetworkPeerings.createOrUpdate(rg, 'peer-a', 'a-b', { remoteVirtualNetwork: { id: b }, allowVirtualNetworkAccess: true }, poll).pollUntilDone();
    expect(first).toMatchObject({ peeringState: 'Initiated', remoteVirtualNetwork: { id: b }, remoteAddressSpace: { addressPrefixes: ['10.71.0.0/24'] } });
    const back = await network.virtualNetworkPeerings.createOrUpdate(rg, 'peer-b', 'b-a', { remoteVirtualNetwork: { id: a } }, poll).pollUntilDone();
    expect(back.peeringState).toBe('Connected');
    expect((await network.virtualNetworkPeerings.get(rg, 'peer-a', 'a-b')).peeringState).toBe('Connected');
    expect((await network.virtualNetworks.get(rg, 'peer-a')).virtualNetworkPeerings?.map((p) => p.name)).toEqual(['a-b']);
    await network.virtualNetworkPeerings.delete(rg, 'peer-a', 'a-b', poll).pollUntilDone();
    expect((await network.virtualNetworkPeerings.get(rg, 'peer-b', 'b-a')).peeringState).toBe('Disconnected');
    const self = await caught(network.virtualNetworkPeerings.createOrUpdate(rg, 'peer-a', 'a-a', { remoteVirtualNetwork: { id: a } }, poll).pollUntilDone());
    expect(self.statusCode).toBe(400);
    const ghost = await caught(network.virtualNetworkPeerings.createOrUpdate(rg, 'peer-a', 'a-ghost', { remoteVirtualNetwork: { id: `${a}-ghost` } }, poll).pollUntilDone());
    expect(ghost.code).toBe('InvalidResourceReference');
  });
});

describe('route tables', () => {
  it('checks next hops, and refuses to delete a table subnets use', async () => {
    await vnet('routed', '10.80.0.0/24');
    await network.subnets.createOrUpdate(rg, 'routed', 'app', { addressPrefix: '10.80.0.0/26' }, poll).pollUntilDone();
    for (const route of [
      { name: 'r', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance' },
      { name: 'r', addressPrefix: '0.0.0.0/0', nextHopType: 'Internet', nextHopIpAddress: '10.80.0.4' },
      { name: 'r', addressPrefix: '10.81.0.0/16', nextHopType: 'VNetPeering' },
    ]) {
      const refused = await caught(network.routeTables.createOrUpdate(rg, 'rt', { location, routes: [route] }, poll).pollUntilDone());
      expect([refused.statusCode, refused.code]).toEqual([400, 'InvalidRoute']);
    }
    const table = await network.routeTables.createOrUpdate(rg, 'rt', { location, routes: [{ name: 'nva', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.80.0.4' }] }, poll).pollUntilDone();
    await network.routes.createOrUpdate(rg, 'rt', 'gw', { addressPrefix: '192.168.0.0/16', nextHopType: 'VirtualNetworkGateway' }, poll).pollUntilDone();
    expect((await collect(network.routes.list(rg, 'rt'))).map((r) => [r.name, r.nextHopType])).toEqual([
      ['nva', 'VirtualAppliance'],
      ['gw', 'VirtualNetworkGateway'],
    ]);
    await network.subnets.createOrUpdate(rg, 'routed', 'app', { addressPrefix: '10.80.0.0/26', routeTable: { id: table.id! } }, poll).pollUntilDone();
    expect((await network.routeTables.get(rg, 'rt')).subnets?.map((s) => s.id)).toEqual([`${id('virtualNetworks', 'routed')}/subnets/app`]);
    const inUse = await caught(network.routeTables.delete(rg, 'rt', poll).pollUntilDone());
    expect([inUse.statusCode, inUse.code]).toEqual([400, 'InUseRouteTableCannotBeDeleted']);
    await network.subnets.createOrUpdate(rg, 'routed', 'app', { addressPrefix: '10.80.0.0/26' }, poll).pollUntilDone();
    await network.routeTables.delete(rg, 'rt', poll).pollUntilDone();
    expect(await collect(network.routeTables.list(rg))).toEqual([]);
  });
});

describe('api-versions of the new types', () => {
  it('takes the version the SDK sends and refuses others with NoRegisteredProviderFound', async () => {
    const token = (await emu.providerOptions.credential.getToken('https://management.azure.com/.default'))!.token;
    const get = (version: string) =>
      new Promise<{ status: number; body: { error?: { code: string } } }>((resolve, reject) => {
        const req = httpsRequest(`${emu.endpoint}${id('virtualNetworkGateways', '')}?api-version=${version}`.replace('/virtualNetworkGateways/?', '/virtualNetworkGateways?'), { ca: emu.providerOptions.caCertificate, headers: { authorization: `Bearer ${token}` } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: { code: string } } }));
        });
        req.on('error', reject);
        req.end();
      });
    expect((await get('2026-01-01')).status).toBe(200);
    const old = await get('2019-01-01');
    expect([old.status, old.body.error?.code]).toEqual([400, 'NoRegisteredProviderFound']);
  });
});
