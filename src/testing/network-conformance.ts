/**
 * The network conformance suite: what a provider's network companion (`NetworkProviderV1`,
 * `provider.networking`) must prove. Run it from a vitest file:
 *
 * ```ts
 * const fabric = createMemoryNetworkFabric();
 * const clock = manualClock();
 * describeNetworkProviderConformance('memory', () => createMemoryProvider({ network: { fabric }, clock: clock.now }), {
 *   peer: () => createMemoryProvider({ name: 'memory-2', network: { fabric }, clock: clock.now }),
 *   advanceClock: (ms) => clock.advance(ms),
 * });
 * ```
 *
 * Every resource the suite creates is labelled with its run and deleted again afterwards.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidSpecError, NotFoundError, UnsupportedError, isAbortError } from '../provider/errors.js';
import { networkOf, type NetworkProviderV1 } from '../provider/network-provider-v1.js';
import type { Network, NetworkResource, NetworkResourceRef, NetworkResourceState, SecretReader, SecretRef, VpnGateway } from '../provider/network-types.js';
import type { ProviderV1 } from '../provider/provider-v1.js';

/** Options of {@link describeNetworkProviderConformance}. */
export interface NetworkConformanceOptions {
  /**
   * A second provider of the same cloud whose networks the first can peer with (another region
   * or account); default: the provider itself (peering two of its own networks).
   */
  peer?: (() => ProviderV1 | Promise<ProviderV1>) | undefined;
  /** Moves the provider's clock on by `ms` (a memory provider with a manual clock); default: real time passes. */
  advanceClock?: ((ms: number) => void | Promise<void>) | undefined;
  /** Longest real wait for a gateway or connection to become available, in ms (default 120,000). */
  readyTimeoutMs?: number | undefined;
  /** The second octet of the 10.x ranges the suite uses (default a random one from 100–249), to keep runs apart. */
  secondOctet?: number | undefined;
  /** Called after the suite. */
  teardown?: ((provider: ProviderV1) => void | Promise<void>) | undefined;
  /** Per-test timeout in ms (default 120,000). */
  timeoutMs?: number | undefined;
}

/** A reader over a fixed set of secrets. */
function secretsOf(values: Record<string, string>): SecretReader {
  return {
    async read(ref: SecretRef) {
      const value = values[ref.secret];
      if (value === undefined) throw new NotFoundError({ message: `no secret ${ref.secret}` });
      return value;
    },
  };
}

/** The rejection of a call that must fail. */
async function rejection(promise: Promise<unknown>, call: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${call} to fail, but it succeeded`);
}

/** Declares the conformance tests of one provider's network companion. */
export function describeNetworkProviderConformance(name: string, factory: () => ProviderV1 | Promise<ProviderV1>, options: NetworkConformanceOptions = {}): void {
  const timeout = options.timeoutMs ?? 120_000;
  const runId = randomBytes(4).toString('hex');
  const octet = options.secondOctet ?? 100 + (randomBytes(1)[0]! % 150);
  const labels = { 'conformance-run': runId };
  const psk = `Conf${runId}Key.${randomBytes(6).toString('hex')}`;
  const secrets = secretsOf({ [`conformance/${runId}/psk`]: psk });

  describe(`NetworkProviderV1 conformance: ${name}`, () => {
    let provider: ProviderV1;
    let net: NetworkProviderV1;
    let peerNet: NetworkProviderV1;
    let seq = 0;
    const created: { net: NetworkProviderV1; ref: NetworkResourceRef }[] = [];
    const nameFor = (kind: string): string => `conf-${runId}-${kind}-${++seq}`;
    const track = <T extends NetworkResource>(on: NetworkProviderV1, resource: T): T => {
      created.push({ net: on, ref: { type: resource.type, id: resource.id } });
      return resource;
    };

    /** Polls until the resource is in one of `states`, moving the clock on when the suite may. */
    const reach = async (on: NetworkProviderV1, ref: NetworkResourceRef, states: readonly NetworkResourceState[]): Promise<NetworkResource> => {
      const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
      for (;;) {
        const resource = await on.get(ref);
        if (states.includes(resource.state)) return resource;
        if (Date.now() > deadline) throw new Error(`${ref.type} ${ref.id} still ${resource.state} after ${options.readyTimeoutMs ?? 120_000} ms`);
        if (options.advanceClock) await options.advanceClock(60_000);
        else await new Promise((r) => setTimeout(r, 200));
      }
    };

    const network = async (on: NetworkProviderV1, third: number): Promise<Network> =>
      track(on, await on.createNetwork({ name: nameFor('net'), cidrs: [`10.${octet}.${third}.0/24`], labels }));

    beforeAll(async () => {
      provider = await factory();
      const found = networkOf(provider);
      if (found === undefined) throw new Error(`${provider.name} has no network companion (provider.networking)`);
      net = found;
      const peer = options.peer ? await options.peer() : provider;
      peerNet = networkOf(peer) ?? net;
    }, timeout);

    afterAll(async () => {
      for (const { net: on, ref } of created.reverse()) {
        await on.delete(ref).catch(() => undefined);
        await reach(on, ref, []).catch(() => undefined);
      }
      if (provider) await options.teardown?.(provider);
    }, timeout * 2);

    it('declares specification v1, its provider and capabilities that agree with the provider’s', () => {
      expect(net.specificationVersion).toBe('v1');
      expect(net.provider).toBe(provider.name);
      expect(net.kind).toBe(provider.kind);
      expect(typeof net.account).toBe('string');
      expect(provider.capabilities.vpn).toBe(net.capabilities.vpn);
      expect(provider.capabilities.peering).toBe(net.capabilities.peering);
      expect(['gateway', 'connection']).toContain(net.capabilities.gatewayIpsFrom);
      expect(net.capabilities.maxTunnels).toBeGreaterThanOrEqual(1);
    });

    it('creates, reads and lists a network; an unknown id is a NotFoundError', async () => {
      const n = await network(net, 1);
      expect(n).toMatchObject({ type: 'network', provider: provider.name, cidrs: [`10.${octet}.1.0/24`], labels });
      expect((await net.get({ type: 'network', id: n.id })).id).toBe(n.id);
      const listed: Network[] = [];
      for await (const x of net.list('network', { labels })) listed.push(x);
      expect(listed.map((x) => x.id)).toContain(n.id);
      const missing = await rejection(net.get({ type: 'network', id: `${n.id}0` }), 'get of an unknown network');
      expect(NotFoundError.isInstance(missing), String(missing)).toBe(true);
    }, timeout);

    it('refuses malformed and non-canonical ranges before creating anything', async () => {
      for (const cidrs of [['10.0.0.0/33'], ['10.1.2.3/16'], ['not-a-range'], []]) {
        const error = await rejection(net.createNetwork({ name: nameFor('bad'), cidrs, labels }), `createNetwork(${JSON.stringify(cidrs)})`);
        expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
      }
      const listed: Network[] = [];
      for await (const x of net.list('network', { labels })) listed.push(x);
      expect(listed.filter((x) => x.name.includes('-bad-'))).toEqual([]);
    }, timeout);

    it('makes a create with the same idempotency key return the same resource, and refuses the key for other input', async () => {
      const key = `conf-${runId}-idem`;
      const input = { name: nameFor('idem'), cidrs: [`10.${octet}.2.0/24`], labels };
      const first = track(net, await net.createNetwork(input, { idempotencyKey: key }));
      const again = await net.createNetwork(input, { idempotencyKey: key });
      expect(again.id).toBe(first.id);
      expect((await net.findByIdempotencyKey('network', key))?.id).toBe(first.id);
      expect(await net.findByIdempotencyKey('network', `${key}-unused`)).toBeUndefined();
      const other = await rejection(net.createNetwork({ ...input, cidrs: [`10.${octet}.3.0/24`] }, { idempotencyKey: key }), 'a reused key');
      expect(ConflictError.isInstance(other), String(other)).toBe(true);
    }, timeout);

    it('places subnets inside their network, refuses overlaps, and refuses to delete a network in use', async () => {
      const n = await network(net, 4);
      const s = track(net, await net.createSubnet({ name: nameFor('sub'), networkId: n.id, cidr: `10.${octet}.4.0/26`, labels }));
      expect(s).toMatchObject({ type: 'subnet', networkId: n.id, cidr: `10.${octet}.4.0/26` });
      const outside = await rejection(net.createSubnet({ name: nameFor('sub'), networkId: n.id, cidr: `10.${octet}.5.0/26` }), 'a subnet outside its network');
      expect(InvalidSpecError.isInstance(outside), String(outside)).toBe(true);
      const overlap = await rejection(net.createSubnet({ name: nameFor('sub'), networkId: n.id, cidr: `10.${octet}.4.32/27` }), 'an overlapping subnet');
      expect(ConflictError.isInstance(overlap), String(overlap)).toBe(true);
      const inUse = await rejection(net.delete({ type: 'network', id: n.id }), 'deleting a network with a subnet');
      expect(ConflictError.isInstance(inUse), String(inUse)).toBe(true);
      await net.delete({ type: 'subnet', id: s.id });
      await net.delete({ type: 'subnet', id: s.id }); // deleting what is gone succeeds
      await reach(net, { type: 'subnet', id: s.id }, []).catch(() => undefined);
      await expect(net.get({ type: 'subnet', id: s.id })).rejects.toSatisfy((e: unknown) => NotFoundError.isInstance(e));
    }, timeout);

    it('refuses a route to a destination already routed or inside the network', async () => {
      const n = await network(net, 6);
      const r = track(net, await net.createRoute({ name: nameFor('rt'), networkId: n.id, destination: '192.168.50.0/24', target: { type: 'internet', id: undefined } }));
      expect(r).toMatchObject({ type: 'route', destination: '192.168.50.0/24' });
      const twice = await rejection(net.createRoute({ name: nameFor('rt'), networkId: n.id, destination: '192.168.50.0/24', target: { type: 'internet', id: undefined } }), 'a second route to one destination');
      expect(ConflictError.isInstance(twice), String(twice)).toBe(true);
      const local = await rejection(net.createRoute({ name: nameFor('rt'), networkId: n.id, destination: `10.${octet}.6.0/25`, target: { type: 'internet', id: undefined } }), 'a route inside the network');
      expect(InvalidSpecError.isInstance(local) || ConflictError.isInstance(local), String(local)).toBe(true);
    }, timeout);

    it('creates a VPN gateway without waiting, then it becomes available; a connection keeps its pre-shared key by reference only', async () => {
      if (!net.capabilities.vpn) {
        const n = await network(net, 7);
        const error = await rejection(net.createVpnGateway({ name: nameFor('gw'), networkId: n.id }), 'createVpnGateway without VPN');
        expect(UnsupportedError.isInstance(error), String(error)).toBe(true);
        return;
      }
      const n = await network(net, 7);
      const started = Date.now();
      const gw = track(net, await net.createVpnGateway({ name: nameFor('gw'), networkId: n.id, asn: 64600, labels }));
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(['provisioning', 'available']).toContain(gw.state);
      const ready = (await reach(net, { type: 'vpn-gateway', id: gw.id }, ['available'])) as VpnGateway;
      if (net.capabilities.gatewayIpsFrom === 'gateway') expect(ready.publicIps.length).toBeGreaterThan(0);
      const pg = track(net, await net.createPeerGateway({ name: nameFor('pg'), ips: ['198.51.100.200'], asn: 64700, cidrs: ['192.168.0.0/24'], labels }));
      const ref = { secret: `conformance/${runId}/psk` };
      const staticInput = { name: nameFor('vpn'), vpnGatewayId: gw.id, peerGatewayId: pg.id, routing: 'static' as const, staticRoutes: ['192.168.0.0/24'], tunnels: [{ peerIp: '198.51.100.200', preSharedKey: ref }], labels };
      // A cloud without static routing on its VPN (GCP's HA VPN) says so, and gets the BGP form.
      const made = await net.createVpnConnection(staticInput, { secrets }).catch((error: unknown) => {
        if (!(UnsupportedError.isInstance(error) && error.capability === 'static-routing')) throw error;
        return net.createVpnConnection(
          { ...staticInput, name: nameFor('vpn'), routing: 'bgp', staticRoutes: undefined, tunnels: [{ peerIp: '198.51.100.200', preSharedKey: ref, insideCidr: '169.254.44.0/30', peerAsn: 64700 }] },
          { secrets },
        );
      });
      const conn = track(net, made);
      expect(conn.tunnels[0]!.preSharedKey).toEqual(ref);
      const read = await reach(net, { type: 'vpn-connection', id: conn.id }, ['available']);
      for (const shown of [conn, read]) expect(JSON.stringify(shown)).not.toContain(psk);
      const inUse = await rejection(net.delete({ type: 'vpn-gateway', id: gw.id }), 'deleting a gateway with a connection');
      expect(ConflictError.isInstance(inUse), String(inUse)).toBe(true);
    }, timeout);

    it('refuses a peering of overlapping ranges, and completes one of disjoint ranges when the other side accepts', async () => {
      if (!net.capabilities.peering) return;
      const a = await network(net, 8);
      const clash = track(peerNet, await peerNet.createNetwork({ name: nameFor('net'), cidrs: [`10.${octet}.8.0/25`], labels }));
      const refused = await net.requestPeering({ name: nameFor('pcx'), networkId: a.id, peerNetworkId: clash.id, peerAccount: peerNet.account === net.account ? undefined : peerNet.account }).then(
        (p) => track(net, p),
        (e: unknown) => e,
      );
      if (isThrown(refused)) expect(ConflictError.isInstance(refused) || InvalidSpecError.isInstance(refused), String(refused)).toBe(true);
      else expect((await reach(net, { type: 'peering', id: (refused as NetworkResource).id }, ['failed'])).stateReason).toMatch(/overlap/i);

      const b = await network(peerNet, 9);
      const request = track(net, await net.requestPeering({ name: nameFor('pcx'), networkId: a.id, peerNetworkId: b.id, peerAccount: peerNet.account === net.account ? undefined : peerNet.account, labels }));
      expect(request).toMatchObject({ type: 'peering', role: 'requester', networkId: a.id, peerNetworkId: b.id });
      expect(['pending-acceptance', 'provisioning']).toContain(request.state);
      const accepted = track(peerNet, await peerNet.acceptPeering({ name: nameFor('pcx'), requestId: request.id, networkId: b.id, peerNetworkId: a.id, peerAccount: peerNet.account === net.account ? undefined : net.account, labels }));
      expect(accepted.role).toBe('accepter');
      await reach(net, { type: 'peering', id: request.id }, ['available']);
      await reach(peerNet, { type: 'peering', id: accepted.id }, ['available']);
    }, timeout);

    it('rejects with an abort error when the signal is aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await rejection(net.createNetwork({ name: nameFor('abort'), cidrs: [`10.${octet}.10.0/24`] }, { signal: controller.signal }), 'an aborted create');
      expect(isAbortError(error), String(error)).toBe(true);
    }, timeout);
  });
}

/** True for a thrown error (rather than a resource). */
function isThrown(value: unknown): value is Error {
  return value instanceof Error || (typeof value === 'object' && value !== null && 'code' in value && 'message' in value && !('type' in value));
}
