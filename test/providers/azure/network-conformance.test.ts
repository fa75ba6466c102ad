/**
 * The network conformance suite against the Azure companion, through the real `@azure/arm-network`
 * client and the ARM emulator: gateways that take 40 minutes of the emulator's clock (moved on by
 * the suite), peering across locations (the peer provider is in eastus), then a check that the
 * suite's teardown left nothing it created in the emulator, read through ARM's list APIs.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeNetworkProviderConformance } from '../../../src/testing/index.js';
import { collect } from '../../helpers.js';
import { startEmulatedNetwork, type EmulatedNetwork } from './network-emulated.js';

const started = startEmulatedNetwork();
let env: EmulatedNetwork;
let seeded: { vnets: string[] };

describeNetworkProviderConformance(
  'Azure through the ARM emulator, gateways taking 40 minutes',
  async () => {
    env = await started;
    seeded = { vnets: (await listVnets(env)).map((v) => v.id!) };
    return env.provider();
  },
  { peer: async () => (await started).provider({ name: 'azure-eastus', location: 'eastus' }), advanceClock: (ms) => env.advance(ms) },
);

describe('after the Azure network conformance suite', () => {
  let client: NetworkManagementClient;
  beforeAll(async () => {
    env = await started;
    client = new NetworkManagementClient(env.emu.providerOptions.credential, env.emu.providerOptions.subscriptionId, { ...env.emu.sdkClientOptions });
  });
  afterAll(() => env.close());

  it('leaves no network, gateway, peer gateway, connection, public IP or route table of the suite in the emulator', async () => {
    const rg = env.emu.providerOptions.resourceGroup;
    expect((await listVnets(env)).map((v) => v.id)).toEqual(seeded.vnets);
    expect(await collect(client.virtualNetworkGateways.list(rg))).toEqual([]);
    expect(await collect(client.localNetworkGateways.list(rg))).toEqual([]);
    expect(await collect(client.virtualNetworkGatewayConnections.list(rg))).toEqual([]);
    expect(await collect(client.publicIPAddresses.list(rg))).toEqual([]);
    expect(await collect(client.routeTables.list(rg))).toEqual([]);
    for (const vnet of await listVnets(env)) expect(vnet.virtualNetworkPeerings ?? []).toEqual([]);
  });
});

async function listVnets(e: EmulatedNetwork) {
  const client = new NetworkManagementClient(e.emu.providerOptions.credential, e.emu.providerOptions.subscriptionId, { ...e.emu.sdkClientOptions });
  return collect(client.virtualNetworks.listAll());
}
