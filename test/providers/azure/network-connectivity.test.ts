/**
 * `CrossCloudNetwork` driving the Azure companion (against the ARM emulator) on either side of a
 * VPN: with an AWS-like memory cloud, whose tunnel IPs come with its connection, Azure goes second
 * (its BGP inside address the second host of the /30); with a GCP-like one, whose gateway IPs are
 * known first, Azure goes first (the first host). Both setups connect, route the other side's
 * ranges through the Azure gateway, and tear down to nothing in the emulator.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrossCloudNetwork, createMemorySecretVault, type ConnectivityResult } from '../../../src/network/index.js';
import type { ProviderV1 } from '../../../src/provider/provider-v1.js';
import type { ProviderKind } from '../../../src/provider/types.js';
import type { AzureProvider } from '../../../src/providers/azure/index.js';
import { createMemoryProvider } from '../../../src/providers/memory/index.js';
import { collect } from '../../helpers.js';
import { startEmulatedNetwork, type EmulatedNetwork } from './network-emulated.js';

let env: EmulatedNetwork;
let azure: AzureProvider;
let client: NetworkManagementClient;
let rg: string;

beforeAll(async () => {
  env = await startEmulatedNetwork({ operationMs: 20, gatewayTiming: { provisioningMs: 300, updateMs: 100, deleteMs: 150, connectionMs: 100 } });
  azure = env.provider();
  client = new NetworkManagementClient(env.emu.providerOptions.credential, env.emu.providerOptions.subscriptionId, { ...env.emu.sdkClientOptions });
  rg = env.emu.providerOptions.resourceGroup;
});
afterAll(() => env.close());

/** Runs a setup (or teardown) on until it is done, resuming while it waits for something. */
async function settle(run: () => Promise<ConnectivityResult>, network: CrossCloudNetwork): Promise<ConnectivityResult> {
  let result = await run();
  const deadline = Date.now() + 30_000;
  while (result.status === 'provisioning') {
    if (Date.now() > deadline) throw new Error(`still waiting for ${JSON.stringify(result.waitingFor)}`);
    await new Promise((r) => setTimeout(r, 20));
    result = await network.resume(result.operationId);
  }
  return result;
}

async function leftovers(): Promise<unknown[]> {
  return [
    ...(await collect(client.virtualNetworkGateways.list(rg))),
    ...(await collect(client.localNetworkGateways.list(rg))),
    ...(await collect(client.virtualNetworkGatewayConnections.list(rg))),
    ...(await collect(client.publicIPAddresses.list(rg))),
    ...(await collect(client.routeTables.list(rg))),
  ];
}

describe.each([
  { other: 'aws' as ProviderKind, azureGoes: 'second', localIp: '169.254.21.2', peerIp: '169.254.21.1' },
  { other: 'gcp' as ProviderKind, azureGoes: 'first', localIp: '169.254.21.1', peerIp: '169.254.21.2' },
])('a VPN between Azure and a $other-like cloud (Azure goes $azureGoes)', ({ other, localIp, peerIp }) => {
  it('connects over BGP through Azure’s APIPA range, routes the other side through the gateway, and tears down to nothing', async () => {
    const far: ProviderV1 = createMemoryProvider({ name: `${other}-far`, kind: other, network: { gatewayDelayMs: 50, connectionDelayMs: 20 } });
    const vnet = await azure.networking.createNetwork({ name: `vnet-${other}`, cidrs: [other === 'aws' ? '10.130.0.0/24' : '10.131.0.0/24'] });
    const remote = await far.networking!.createNetwork({ name: `net-${other}`, cidrs: ['172.20.0.0/16'] });
    const network = new CrossCloudNetwork({ vault: createMemorySecretVault(), providers: [azure, far], timeouts: { pollMs: 20, runBudgetMs: 2_000, callMs: 20_000 } });
    const done = await settle(() => network.establishConnectivity({ provider: azure, networkId: vnet.id }, { provider: far, networkId: remote.id }), network);
    expect(done).toMatchObject({ mode: 'vpn', status: 'connected' });

    const [conn] = await collect(azure.networking.list('vpn-connection'));
    expect(conn).toMatchObject({ state: 'available', routing: 'bgp' });
    expect(conn!.tunnels).toHaveLength(1);
    expect(conn!.tunnels[0]!.bgp).toMatchObject({ localIp, peerIp, localAsn: 65515 });
    const [gw] = await collect(azure.networking.list('vpn-gateway'));
    expect(gw!.publicIps).toContain(conn!.tunnels[0]!.outsideIp);
    const routes = await collect(azure.networking.list('route', { networkId: vnet.id }));
    expect(routes.map((r) => [r.destination, r.target])).toEqual([['172.20.0.0/16', { type: 'vpn-gateway', id: gw!.id }]]);

    const down = await settle(() => network.teardown(done.operationId), network);
    expect(down.status).toBe('torn-down');
    expect(await leftovers()).toEqual([]);
    await azure.networking.delete({ type: 'network', id: vnet.id });
  });
});
