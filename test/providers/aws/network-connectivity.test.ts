/**
 * The orchestrator (`CrossCloudNetwork`, on `connectivity-run.ts`) driving the AWS companion
 * through the real SDK against the EC2 emulator: a VPN with an Azure-like memory provider with
 * AWS as side a and as side b (AWS always goes first: its tunnel IPs come with the connection),
 * and a cross-region peering between two AWS providers; each set up to `connected` across
 * resumed runs, then torn down until the emulator's network is as it was.
 */
import { DescribeVpnConnectionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrossCloudNetwork, createMemorySecretVault, type ConnectivityEndpoint, type ConnectivityResult } from '../../../src/network/index.js';
import type { ProviderV1 } from '../../../src/provider/provider-v1.js';
import { createAwsProvider, type AwsProvider } from '../../../src/providers/aws/index.js';
import { createMemoryProvider } from '../../../src/providers/memory/index.js';
import { createMemoryStore } from '../../../src/state/memory-store.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/ec2/index.js';
import { networkSnapshot, type NetworkSnapshot } from './network-snapshot.js';

let now = Date.parse('2026-12-01T00:00:00Z');
const clock = (): number => now;
let emu: Ec2Emulator;
let east: EC2Client;
let west: EC2Client;
let before: { east: NetworkSnapshot; west: NetworkSnapshot };

beforeAll(async () => {
  emu = await startEc2Emulator({ clock });
  east = new EC2Client({ region: 'us-east-1', endpoint: emu.endpoint, credentials: emu.providerOptions.credentials, maxAttempts: 1 });
  west = new EC2Client({ region: 'us-west-2', endpoint: emu.endpoint, credentials: emu.providerOptions.credentials, maxAttempts: 1 });
  before = { east: await networkSnapshot(east), west: await networkSnapshot(west) };
});
afterAll(async () => {
  east.destroy();
  west.destroy();
  await emu.close();
});

/** Runs a setup (or teardown) to its end, moving the shared clock on between resumed runs. */
async function settle(first: () => Promise<ConnectivityResult>, next: (id: string) => Promise<ConnectivityResult>): Promise<ConnectivityResult> {
  let result = await first();
  for (let i = 0; i < 100 && result.status === 'provisioning'; i++) {
    now += 5 * 60_000;
    result = await next(result.operationId);
  }
  return result;
}

function orchestrator(providers: ProviderV1[]) {
  const vault = createMemorySecretVault();
  const network = new CrossCloudNetwork({ vault, store: createMemoryStore(), clock, timeouts: { runBudgetMs: 50, pollMs: 5 }, providers });
  return { vault, network };
}

async function expectEmulatorAsBefore(): Promise<void> {
  expect(await networkSnapshot(east, { live: true })).toEqual(before.east);
  expect(await networkSnapshot(west, { live: true })).toEqual(before.west);
}

describe('CrossCloudNetwork over the AWS companion', () => {
  for (const awsSide of ['a', 'b'] as const) {
    it(`joins an AWS VPC and an Azure-like VNet by VPN with AWS as side ${awsSide}, and tears it all down`, async () => {
      const aws: AwsProvider = createAwsProvider({ ...emu.providerOptions, name: `aws-${awsSide}` });
      const azure = createMemoryProvider({ name: `azure-${awsSide}`, kind: 'azure', clock, network: { gatewayDelayMs: 40 * 60_000 } });
      const vpc = await aws.networking.createNetwork({ name: `vpc-side-${awsSide}`, cidrs: ['10.81.0.0/24'] });
      const vnet = await azure.networking!.createNetwork({ name: `vnet-side-${awsSide}`, cidrs: ['10.82.0.0/16'] });
      const awsEnd: ConnectivityEndpoint = { provider: aws, networkId: vpc.id };
      const azureEnd: ConnectivityEndpoint = { provider: azure, networkId: vnet.id };
      const [a, b] = awsSide === 'a' ? [awsEnd, azureEnd] : [azureEnd, awsEnd];
      const { vault, network } = orchestrator([aws, azure]);
      expect(network.chooseMode(a, b).mode).toBe('vpn');

      const up = await settle(
        () => network.establishConnectivity(a, b),
        (id) => network.resume(id),
      );
      expect(up).toMatchObject({ mode: 'vpn', status: 'connected' });
      const mine = up.resources.filter((r) => r.provider === aws.name).map((r) => r.type).sort();
      expect(mine).toEqual(['peer-gateway', 'route', 'vpn-connection', 'vpn-gateway']);
      const connection = up.resources.find((r) => r.provider === aws.name && r.type === 'vpn-connection')!;
      const view = await aws.networking.get({ type: 'vpn-connection', id: connection.id });
      expect(view).toMatchObject({ state: 'available', routing: 'bgp' });
      expect(view.tunnels).toHaveLength(2);
      // The Azure side's peer gateway holds the two outside IPs AWS assigned to the tunnels.
      const azurePeer = up.resources.find((r) => r.provider === azure.name && r.type === 'peer-gateway')!;
      expect([...(await azure.networking!.get({ type: 'peer-gateway', id: azurePeer.id })).ips].sort()).toEqual(view.tunnels.map((t) => t.outsideIp).sort());
      // The keys EC2 holds are the vault's; the companion's view names them only.
      const described = (await east.send(new DescribeVpnConnectionsCommand({ VpnConnectionIds: [connection.id] }))).VpnConnections![0]!;
      expect(described.Options?.TunnelOptions?.map((t) => t.PreSharedKey).sort()).toEqual(vault.secretValues().sort());
      for (const value of vault.secretValues()) expect(JSON.stringify(view)).not.toContain(value);

      const down = await settle(
        () => network.teardown(up.operationId),
        (id) => network.teardown(id),
      );
      expect(down.status).toBe('torn-down');
      expect(vault.names()).toEqual([]);
      await aws.networking.delete({ type: 'network', id: vpc.id });
      await expectEmulatorAsBefore();
    });
  }

  it('peers two AWS VPCs across regions, routing through the peering on both sides, and tears it down', async () => {
    const a = createAwsProvider({ ...emu.providerOptions, name: 'aws-peer-east', region: 'us-east-1' });
    const b = createAwsProvider({ ...emu.providerOptions, name: 'aws-peer-west', region: 'us-west-2' });
    const vpcA = await a.networking.createNetwork({ name: 'vpc-peer-east', cidrs: ['10.83.0.0/24'] });
    const vpcB = await b.networking.createNetwork({ name: 'vpc-peer-west', cidrs: ['10.84.0.0/24'] });
    const { network } = orchestrator([a, b]);
    const ends = [{ provider: a, networkId: vpcA.id }, { provider: b, networkId: vpcB.id }] as const;
    expect(network.chooseMode(...ends).mode).toBe('peering');
    const up = await settle(
      () => network.establishConnectivity(...ends),
      (id) => network.resume(id),
    );
    expect(up).toMatchObject({ mode: 'peering', status: 'connected' });
    const peering = up.resources.find((r) => r.type === 'peering')!;
    expect(await a.networking.get({ type: 'peering', id: peering.id })).toMatchObject({ state: 'available', role: 'requester', peerRegion: 'us-west-2' });
    expect(await b.networking.get({ type: 'peering', id: peering.id })).toMatchObject({ state: 'available', role: 'accepter', peerRegion: 'us-east-1' });
    const routes = up.resources.filter((r) => r.type === 'route');
    expect(routes.map((r) => r.provider).sort()).toEqual(['aws-peer-east', 'aws-peer-west']);
    const down = await settle(
      () => network.teardown(up.operationId),
      (id) => network.teardown(id),
    );
    expect(down.status).toBe('torn-down');
    await a.networking.delete({ type: 'network', id: vpcA.id });
    await b.networking.delete({ type: 'network', id: vpcB.id });
    await expectEmulatorAsBefore();
  });
});
