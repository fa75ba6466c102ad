/**
 * CrossCloudNetwork driving the OpenStack companion (through the adapter's HTTPS path to the
 * emulator with VPNaaS) as either side of a site-to-site VPN: against a memory provider standing
 * in for AWS (whose tunnel IPs come with its connection, so OpenStack goes second) and for Azure
 * (gateway IPs first, OpenStack first), and between two OpenStack sites, whose mirrored
 * connections the emulator brings up. Each setup is torn down completely.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrossCloudNetwork, createMemorySecretVault, type ConnectivityEndpoint } from '../../../src/network/index.js';
import type { ProviderV1 } from '../../../src/provider/provider-v1.js';
import type { VpnConnection } from '../../../src/provider/network-types.js';
import { createMemoryProvider } from '../../../src/providers/memory/index.js';
import { createMemoryNetworkFabric } from '../../../src/providers/memory/memory-network.js';
import { createOpenStackProvider, type OpenStackProvider } from '../../../src/providers/openstack/index.js';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../../src/testing/emulators/index.js';
import { createMemoryStore } from '../../../src/state/memory-store.js';
import { fastOptions } from './emulated-openstack.js';

let emu: OpenStackEmulator;
beforeAll(async () => {
  emu = await startOpenStackEmulator({ vpnaas: { activationMs: 20 } });
});
afterAll(() => emu?.close());

function openstack(name: string): OpenStackProvider {
  return createOpenStackProvider({ ...emu.providerOptions, ...fastOptions, name });
}

async function openstackSite(provider: OpenStackProvider, name: string, cidr: string): Promise<{ endpoint: ConnectivityEndpoint; cleanup: () => Promise<void> }> {
  const net = provider.networking;
  const network = await net.createNetwork({ name, cidrs: [cidr] });
  const subnet = await net.createSubnet({ name: `${name}-s`, networkId: network.id, cidr });
  return {
    endpoint: { provider, networkId: network.id },
    cleanup: async () => {
      await net.delete({ type: 'subnet', id: subnet.id });
      await net.delete({ type: 'network', id: network.id });
    },
  };
}

async function connectionsOf(provider: ProviderV1): Promise<VpnConnection[]> {
  const out: VpnConnection[] = [];
  for await (const c of provider.networking!.list('vpn-connection')) out.push(c);
  return out;
}

async function run(a: ConnectivityEndpoint, b: ConnectivityEndpoint, providers: ProviderV1[]) {
  const vault = createMemorySecretVault();
  const network = new CrossCloudNetwork({ vault, store: createMemoryStore(), providers, timeouts: { pollMs: 20, runBudgetMs: 30_000, callMs: 10_000 } });
  let result = await network.establishConnectivity(a, b, { mode: 'vpn' });
  for (let i = 0; result.status !== 'connected' && i < 10; i++) result = await network.resume(result.operationId);
  expect(result).toMatchObject({ mode: 'vpn', status: 'connected' });
  return {
    result,
    teardown: async () => {
      let down = await network.teardown(result.operationId);
      for (let i = 0; down.status !== 'torn-down' && i < 10; i++) down = await network.teardown(result.operationId);
      expect(down.status).toBe('torn-down');
    },
  };
}

function nothingLeft(): void {
  const vpn = emu.state.vpn();
  expect(vpn).toEqual({ ikePolicies: [], ipsecPolicies: [], services: [], endpointGroups: [], connections: [] });
  expect(emu.state.networks().map((n) => n.name).sort()).toEqual(['private', 'public']);
  expect(emu.state.routers().map((r) => r.name)).toEqual(['router1']);
  expect(emu.state.ports().map((p) => p.device_id)).toEqual([emu.state.routers()[0]!.id]);
}

describe('a VPN set up by CrossCloudNetwork', () => {
  it('joins an AWS-like site (side a, its tunnel IPs first) and OpenStack (side b), routes both ways, and tears down', async () => {
    const fabric = createMemoryNetworkFabric();
    const aws = createMemoryProvider({ name: 'aws-mem', kind: 'aws', network: { fabric, gatewayDelayMs: 30, connectionDelayMs: 10 } });
    const vpc = await aws.networking!.createNetwork({ name: 'vpc', cidrs: ['10.110.0.0/16'] });
    const os = openstack('os-b');
    const site = await openstackSite(os, 'os-b-net', '10.120.0.0/24');
    const { result, teardown } = await run({ provider: aws, networkId: vpc.id }, site.endpoint, [aws, os]);
    const [osConn] = await connectionsOf(os);
    const [awsConn] = await connectionsOf(aws);
    expect(osConn).toMatchObject({ routing: 'static', staticRoutes: ['10.110.0.0/16'], state: 'available' });
    // OpenStack's tunnel points at the IP AWS gave its tunnel.
    expect(osConn!.tunnels[0]!.peerIp).toBe(awsConn!.tunnels[0]!.outsideIp);
    const routes = result.resources.filter((r) => r.type === 'route' && r.provider === 'os-b');
    expect(routes).toHaveLength(1);
    expect(await os.networking.get({ type: 'route', id: routes[0]!.id })).toMatchObject({ destination: '10.110.0.0/16', target: { type: 'vpn-gateway' } });
    await teardown();
    await site.cleanup();
    nothingLeft();
    expect(fabric.size).toBe(1); // only the VPC the test made
  });

  it('joins OpenStack (side a, gateway IP first) and an Azure-like site (side b), and tears down', async () => {
    const azure = createMemoryProvider({ name: 'azure-mem', kind: 'azure', network: { gatewayDelayMs: 30, connectionDelayMs: 10 } });
    const vnet = await azure.networking!.createNetwork({ name: 'vnet', cidrs: ['10.130.0.0/16'] });
    const os = openstack('os-a');
    const site = await openstackSite(os, 'os-a-net', '10.140.0.0/24');
    const { teardown } = await run(site.endpoint, { provider: azure, networkId: vnet.id }, [azure, os]);
    const [osConn] = await connectionsOf(os);
    const [azConn] = await connectionsOf(azure);
    const osGateway = (await os.networking.get({ type: 'vpn-gateway', id: osConn!.vpnGatewayId })).publicIps[0];
    expect(azConn!.tunnels[0]!.peerIp).toBe(osGateway);
    expect(osConn!.tunnels[0]!.peerIp).toBe(azConn!.tunnels[0]!.outsideIp);
    await teardown();
    await site.cleanup();
    nothingLeft();
  });

  it('joins two OpenStack sites whose mirrored tunnels come up, and tears down', async () => {
    const one = openstack('os-one');
    const two = openstack('os-two');
    const a = await openstackSite(one, 'os-one-net', '10.150.0.0/24');
    const b = await openstackSite(two, 'os-two-net', '10.160.0.0/24');
    const { teardown } = await run(a.endpoint, b.endpoint, [one, two]);
    // Both providers see the same project: two connections, each up.
    for (let i = 0; i < 100; i++) {
      const statuses = (await connectionsOf(one)).map((c) => c.tunnels[0]!.status);
      if (statuses.length === 2 && statuses.every((s) => s === 'up')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await connectionsOf(one)).map((c) => c.tunnels[0]!.status)).toEqual(['up', 'up']);
    await teardown();
    await a.cleanup();
    await b.cleanup();
    nothingLeft();
  });
});
