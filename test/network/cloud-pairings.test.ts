/**
 * Issue 19's proof: `CrossCloudNetwork` joins two real adapters by a managed VPN, each over its
 * own emulator through the real SDK clients, for every pair of AWS, Azure and GCP. Each setup is
 * started by one `CrossCloudNetwork` whose run budget ends at the first wait (so it returns
 * `provisioning`) and finished by a second one over the same store, as a replica taking over
 * after a crash would; then both sides are read back through their companions: gateways, peer
 * gateways aimed at the other side's public IPs, tunnels whose inside /30s and BGP sessions
 * mirror across the pair, routes to the other side's ranges, and exactly one of each resource
 * (the second replica created nothing twice). The pre-shared keys appear nowhere but in the
 * vault and the emulators' own stored connections (returned objects, store rows, emulator
 * request logs and the adapters' diagnostics events hold references only). The teardown leaves
 * both emulators as they were before the test and the vault empty.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrossCloudNetwork, createMemorySecretVault, type ConnectivityResult } from '../../src/network/index.js';
import { networkOf, type NetworkProviderV1 } from '../../src/provider/network-provider-v1.js';
import type { NetworkResourceType, VpnConnection, VpnGateway } from '../../src/provider/network-types.js';
import { createMemoryStore } from '../../src/state/memory-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { collect } from '../helpers.js';
import { startSite, type CloudSite } from './cloud-sites.js';

const AZURE_REQUEST_CHANNEL = 'novacron:azure:request';
const TIMEOUT = 240_000;

const events: unknown[] = [];
const onEvent = (message: unknown): void => void events.push(message);
beforeAll(() => subscribe(AZURE_REQUEST_CHANNEL, onEvent));
afterAll(() => void unsubscribe(AZURE_REQUEST_CHANNEL, onEvent));

/** Resumes a setup (or teardown) until it is done, pausing between runs while the emulators' clocks move on. */
async function settle(first: ConnectivityResult, next: (id: string) => Promise<ConnectivityResult>): Promise<ConnectivityResult> {
  let result = first;
  for (let i = 0; i < 2_000 && result.status === 'provisioning'; i++) {
    await new Promise((r) => setTimeout(r, 25));
    result = await next(result.operationId);
  }
  return result;
}

/** The side's addresses a peer aims its tunnels at: the gateway's, or (AWS) the connection's tunnel outside IPs. */
function publicIpsOf(net: NetworkProviderV1, gateway: VpnGateway, connection: VpnConnection): string[] {
  return net.capabilities.gatewayIpsFrom === 'connection' ? connection.tunnels.map((t) => t.outsideIp!) : [...gateway.publicIps];
}

async function storeRows(store: StateStore): Promise<string> {
  return JSON.stringify(await collect(store.list('')));
}

const PAIRS = [
  ['aws', 'azure'],
  ['aws', 'gcp'],
  ['azure', 'gcp'],
] as const;

describe.each(PAIRS)('a VPN between %s and %s, both real adapters over their emulators', (kindA, kindB) => {
  let siteA: CloudSite;
  let siteB: CloudSite;
  beforeAll(async () => {
    [siteA, siteB] = await Promise.all([startSite(kindA, `${kindA}-site`), startSite(kindB, `${kindB}-site`)]);
  }, TIMEOUT);
  afterAll(async () => {
    await Promise.all([siteA?.close(), siteB?.close()]);
  });

  it(
    'connects across a takeover by a second orchestrator, mirrors tunnels and routes on both sides, keeps the keys in the vault, and tears down to nothing',
    async () => {
      const netA = networkOf(siteA.provider)!;
      const netB = networkOf(siteB.provider)!;
      const before = { a: await siteA.snapshot(), b: await siteB.snapshot() };
      const networkA = await netA.createNetwork({ name: `pair-${kindA}`, cidrs: [siteA.cidr] });
      const networkB = await netB.createNetwork({ name: `pair-${kindB}`, cidrs: [siteB.cidr] });
      const ends = [
        { provider: siteA.provider, networkId: networkA.id },
        { provider: siteB.provider, networkId: networkB.id },
      ] as const;
      const vault = createMemorySecretVault();
      const store = createMemoryStore();
      const providers = [siteA.provider, siteB.provider];
      const returned: unknown[] = [];
      events.length = 0;

      // The first replica's budget ends at the first wait; a second one over the same store finishes.
      const first = new CrossCloudNetwork({ vault, store, providers, timeouts: { runBudgetMs: 1, pollMs: 20, callMs: 60_000 } });
      const started = await first.establishConnectivity(...ends, { mode: 'vpn' });
      returned.push(started);
      expect(started).toMatchObject({ mode: 'vpn', status: 'provisioning' });
      const second = new CrossCloudNetwork({ vault, store, providers, timeouts: { runBudgetMs: 2_000, pollMs: 20, callMs: 60_000 } });
      const up = await settle(started, async (id) => {
        const r = await second.resume(id);
        returned.push(r);
        return r;
      });
      expect(up).toMatchObject({ mode: 'vpn', status: 'connected' });

      // Exactly one of each resource per side: nothing was created twice by the takeover.
      for (const [site, net, remote] of [
        [siteA, netA, networkB],
        [siteB, netB, networkA],
      ] as const) {
        const mine = up.resources.filter((r) => r.provider === site.provider.name);
        expect(mine.map((r) => r.type).sort()).toEqual(['peer-gateway', ...remote.cidrs.map(() => 'route' as const), 'vpn-connection', 'vpn-gateway'].sort());
        for (const type of ['vpn-gateway', 'peer-gateway', 'vpn-connection'] as const) {
          const listed = await collect(net.list(type));
          returned.push(listed);
          expect(listed.filter((x) => x.state !== 'deleting')).toHaveLength(1);
        }
      }

      // Read both sides back through their companions.
      const read = async (net: NetworkProviderV1, provider: string) => {
        const idOf = (type: NetworkResourceType) => up.resources.find((r) => r.provider === provider && r.type === type)!.id;
        const gateway = await net.get({ type: 'vpn-gateway', id: idOf('vpn-gateway') });
        const peer = await net.get({ type: 'peer-gateway', id: idOf('peer-gateway') });
        const connection = await net.get({ type: 'vpn-connection', id: idOf('vpn-connection') });
        returned.push(gateway, peer, connection);
        return { gateway, peer, connection };
      };
      const a = await read(netA, siteA.provider.name);
      const b = await read(netB, siteB.provider.name);
      const ipsA = publicIpsOf(netA, a.gateway, a.connection);
      const ipsB = publicIpsOf(netB, b.gateway, b.connection);
      for (const [mine, theirIps, theirs] of [
        [a, ipsB, b],
        [b, ipsA, a],
      ] as const) {
        expect(mine.gateway.state).toBe('available');
        expect(mine.connection).toMatchObject({ state: 'available', routing: 'bgp', vpnGatewayId: mine.gateway.id, peerGatewayId: mine.peer.id });
        expect(mine.peer.ips.length).toBeGreaterThan(0);
        for (const ip of mine.peer.ips) expect(theirIps).toContain(ip);
        expect(mine.peer.asn).toBe(theirs.gateway.asn);
        for (const t of mine.connection.tunnels) expect(theirIps).toContain(t.peerIp);
      }
      // Each tunnel has its twin on the other side: the same inside /30, the BGP session mirrored.
      const paired = b.connection.tunnels.filter((t) => a.connection.tunnels.some((u) => u.insideCidr === t.insideCidr));
      expect(paired.length).toBe(Math.min(a.connection.tunnels.length, b.connection.tunnels.length));
      expect(paired.length).toBeGreaterThan(0);
      for (const t of paired) {
        const twin = a.connection.tunnels.find((u) => u.insideCidr === t.insideCidr)!;
        expect(t.insideCidr).toMatch(/^169\.254\.21\.\d+\/30$/);
        expect(t.bgp).toMatchObject({ localIp: twin.bgp?.peerIp, peerIp: twin.bgp?.localIp, localAsn: twin.bgp?.peerAsn, peerAsn: twin.bgp?.localAsn });
        expect(t.bgp?.localAsn).toBe(b.gateway.asn);
        expect(twin.bgp?.localAsn).toBe(a.gateway.asn);
        expect(t.peerIp).toBe(twin.outsideIp);
        expect(twin.peerIp).toBe(t.outsideIp);
        expect(t.preSharedKey).toEqual(twin.preSharedKey);
      }
      expect(a.gateway.asn).not.toBe(b.gateway.asn);

      // Routes to the other side's ranges, through the VPN gateway.
      for (const [net, own, remote, gateway] of [
        [netA, networkA, networkB, a.gateway],
        [netB, networkB, networkA, b.gateway],
      ] as const) {
        const routes = await collect(net.list('route', { networkId: own.id }));
        returned.push(routes);
        const viaVpn = routes.filter((r) => r.target.type === 'vpn-gateway');
        expect(viaVpn.map((r) => [r.destination, r.target.id]).sort()).toEqual(remote.cidrs.map((c) => [c, gateway.id]).sort());
      }

      // The keys: in the vault only, referenced everywhere else.
      const secrets = vault.secretValues();
      expect(secrets).toHaveLength(paired.length);
      for (const t of a.connection.tunnels) expect(vault.names()).toContain(t.preSharedKey.secret);
      // The searched logs are not empty: the check below can find what it looks for.
      expect((siteA.requestLog() as unknown[]).length).toBeGreaterThan(0);
      expect((siteB.requestLog() as unknown[]).length).toBeGreaterThan(0);
      if (kindA === 'azure' || kindB === 'azure') expect(events.length).toBeGreaterThan(0);
      const leakable = [JSON.stringify(returned), await storeRows(store), JSON.stringify(events), JSON.stringify(siteA.requestLog()), JSON.stringify(siteB.requestLog())];
      for (const secret of secrets) for (const text of leakable) expect(text).not.toContain(secret);

      // Teardown: everything the setup made is gone from both clouds, and the keys from the vault.
      const down = await settle(await second.teardown(up.operationId), (id) => second.teardown(id));
      expect(down.status).toBe('torn-down');
      expect(vault.names()).toEqual([]);
      for (const [site, net] of [
        [siteA, netA],
        [siteB, netB],
      ] as const) {
        for (const r of up.resources.filter((x) => x.provider === site.provider.name && x.type !== 'route')) {
          const listed = await collect(net.list(r.type));
          expect(listed.filter((x) => x.id === r.id && x.state !== 'deleting')).toEqual([]);
        }
      }
      for (const secret of secrets) expect(await storeRows(store)).not.toContain(secret);
      await netA.delete({ type: 'network', id: networkA.id });
      await netB.delete({ type: 'network', id: networkB.id });
      for (const [site, was] of [
        [siteA, before.a],
        [siteB, before.b],
      ] as const) {
        let now = await site.snapshot();
        for (let i = 0; i < 400 && JSON.stringify(now) !== JSON.stringify(was); i++) {
          await new Promise((r) => setTimeout(r, 25));
          now = await site.snapshot();
        }
        expect(now).toEqual(was);
      }
    },
    TIMEOUT,
  );
});
