/**
 * `CrossCloudNetwork` drives the GCE network companion (on the Compute Engine emulator, through
 * the real client library) as either side of a VPN: against a memory provider standing in for
 * AWS (tunnel outside IPs per connection: GCE goes second and learns them) and for Azure
 * (gateway IPs on both sides: GCE goes first), with BGP over both tunnels and routes to the far
 * side as custom learned ranges. Every teardown leaves nothing in the emulator but the two
 * networks the test made itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrossCloudNetwork, createMemorySecretVault } from '../../../src/network/index.js';
import type { NetworkProviderV1 } from '../../../src/provider/network-provider-v1.js';
import type { ProviderV1 } from '../../../src/provider/provider-v1.js';
import type { VpnConnection } from '../../../src/provider/network-types.js';
import { createMemoryProvider } from '../../../src/providers/memory/index.js';
import { startEmulatedGcp, type EmulatedGcp } from './emulated-gcp.js';

let env: EmulatedGcp;
beforeAll(async () => {
  env = await startEmulatedGcp();
});
afterAll(() => env?.close());

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Sets up a VPN between `other` and the GCE provider (GCE as side `gcpSide`), checks it, tears it down. */
async function roundTrip(other: ProviderV1, gcpSide: 'a' | 'b', third: number): Promise<{ gcpConnection: VpnConnection; otherConnection: VpnConnection }> {
  const gcp = env.gcp;
  const gcpNet = await gcp.networking.createNetwork({ name: `xc-gcp-${third}`, cidrs: [`10.${third}.0.0/16`] });
  const otherNet = await other.networking!.createNetwork({ name: `xc-other-${third}`, cidrs: [`10.${third + 1}.0.0/16`] });
  const vault = createMemorySecretVault();
  const network = new CrossCloudNetwork({ vault, timeouts: { runBudgetMs: 30_000, pollMs: 20 }, providers: [gcp, other] });
  const gcpEnd = { provider: gcp, networkId: gcpNet.id };
  const otherEnd = { provider: other, networkId: otherNet.id };
  const [a, b] = gcpSide === 'a' ? [gcpEnd, otherEnd] : [otherEnd, gcpEnd];
  const result = await network.establishConnectivity(a, b);
  expect(result).toMatchObject({ mode: 'vpn', status: 'connected' });
  const [gcpConnection] = await all(gcp.networking.list('vpn-connection'));
  const [otherConnection] = await all((other.networking as NetworkProviderV1).list('vpn-connection'));
  expect(gcpConnection).toMatchObject({ state: 'available', routing: 'bgp' });
  const routes = await all(gcp.networking.list('route', { networkId: gcpNet.id }));
  expect(routes.filter((r) => r.target.type === 'vpn-gateway').map((r) => [r.destination, r.state])).toEqual([[`10.${third + 1}.0.0/16`, 'available']]);

  const down = await network.teardown(result.operationId);
  expect(down.status).toBe('torn-down');
  await gcp.networking.delete({ type: 'network', id: gcpNet.id });
  await other.networking!.delete({ type: 'network', id: otherNet.id });
  for (let i = 0; i < 200 && env.emu.networks.counts().networks > 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(env.emu.networks.counts()).toEqual({ networks: 0, subnetworks: 0, vpnGateways: 0, externalVpnGateways: 0, vpnTunnels: 0, routers: 0, routes: 0 });
  return { gcpConnection: gcpConnection!, otherConnection: otherConnection! };
}

describe('a VPN set up by CrossCloudNetwork with the GCE companion', () => {
  it('as side b of an AWS-like cloud: GCE goes second, its tunnels go to the AWS tunnels’ outside IPs, BGP sessions mirror', async () => {
    const aws = createMemoryProvider({ name: 'aws-like', kind: 'aws', network: { account: '111111111111', gatewayDelayMs: 30, connectionDelayMs: 10 } });
    const { gcpConnection, otherConnection } = await roundTrip(aws, 'b', 120);
    expect(gcpConnection.tunnels.map((t) => t.peerIp).sort()).toEqual(otherConnection.tunnels.map((t) => t.outsideIp!).sort());
    for (const [i, t] of gcpConnection.tunnels.entries()) {
      const far = otherConnection.tunnels[i]!;
      expect(t.insideCidr).toBe(far.insideCidr);
      expect(t.bgp).toMatchObject({ localIp: far.bgp?.peerIp, peerIp: far.bgp?.localIp, localAsn: far.bgp?.peerAsn, peerAsn: far.bgp?.localAsn });
    }
  }, 120_000);

  it('as side a of an Azure-like cloud: GCE goes first with its two gateway IPs', async () => {
    const azure = createMemoryProvider({ name: 'azure-like', kind: 'azure', network: { gatewayDelayMs: 30, connectionDelayMs: 10 } });
    const { gcpConnection, otherConnection } = await roundTrip(azure, 'a', 130);
    expect(new Set(gcpConnection.tunnels.map((t) => t.outsideIp)).size).toBe(2);
    expect(otherConnection.tunnels.map((t) => t.peerIp)).toEqual(gcpConnection.tunnels.map((t) => t.outsideIp));
    expect(gcpConnection.tunnels.every((t) => t.bgp?.peerAsn === 65515)).toBe(true);
  }, 120_000);
});
