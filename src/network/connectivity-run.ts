/**
 * One connectivity setup (or teardown) as a durable operation (kind `connectNetworks`), on the
 * same core as VM creates. Every cloud call that creates something is a step written `started`
 * with the idempotency token it sends, then settled with `{ provider, type, id }`; a step left
 * unsettled by a crash is resolved through `findByIdempotencyKey` before anything else, so a
 * resumed run finds the same resources and creates none twice. Waits are steps too: their
 * deadline is written when the wait starts, and a run whose wait budget ends returns
 * `provisioning` with the operation left open for a later run.
 *
 * Pre-shared keys are generated here (node:crypto), written to the vault, and recorded by
 * reference only; the teardown deletes every recorded resource, last created first, then the keys.
 */
import { createHash, randomBytes } from 'node:crypto';
import { addressAt, parseCidr } from '../provider/cidr.js';
import { provesNothingCreated } from '../federation/operations/call-outcome.js';
import { withDeadline } from '../federation/operations/deadline.js';
import type { DurableOperation } from '../federation/operations/durable-operation.js';
import { isUnsettled, type StepRecord } from '../federation/operations/operation-record.js';
import { ConflictError, InvalidSpecError, UnsupportedError } from '../provider/errors.js';
import type { NetworkProviderV1 } from '../provider/network-provider-v1.js';
import type { Network, NetworkResource, NetworkResourceRef, NetworkResourceType, SecretRef, VpnConnection, VpnGateway } from '../provider/network-types.js';
import type { JsonValue } from '../state/state-store.js';
import { planAddresses } from './address-plan.js';
import { waitForNetworkResource } from './network-waiter.js';
import type { SecretVault } from './secret-vault.js';

/** Deadlines and budgets of a setup. */
export interface ConnectivityTimeouts {
  /** Longest single cloud call, in ms (default 60,000). */
  readonly callMs?: number | undefined;
  /** Longest wait for a VPN gateway to be provisioned, from the start of the wait (default 60 minutes: Azure takes 30–45). */
  readonly gatewayReadyMs?: number | undefined;
  /** Longest wait for a connection or peering to be available (default 15 minutes). */
  readonly connectionReadyMs?: number | undefined;
  /** Longest wait of one run before it returns `provisioning` (default 10 minutes). */
  readonly runBudgetMs?: number | undefined;
  /** Interval between polls, in ms (default 5,000). */
  readonly pollMs?: number | undefined;
}

/** A resource a setup created, as recorded. */
export interface RecordedResource {
  /** The step that created it. */
  readonly step: string;
  /** Provider name. */
  readonly provider: string;
  /** Kind of resource. */
  readonly type: NetworkResourceType;
  /** The cloud's id. */
  readonly id: string;
}

/** One side of a setup: a provider's network companion and one of its networks. */
export interface ConnectivitySide {
  /** `a` or `b`, as named in steps. */
  readonly label: 'a' | 'b';
  /** The provider's network companion. */
  readonly net: NetworkProviderV1;
  /** The network's id. */
  readonly networkId: string;
}

/** What a run needs besides its operation. */
export interface ConnectivityRunContext {
  /** Where pre-shared keys go. */
  readonly vault: SecretVault;
  /** Clock of recorded deadlines, in epoch ms. */
  readonly now: () => number;
  /** Deadlines and budgets. */
  readonly timeouts: ConnectivityTimeouts;
  /** Range the tunnels' inside /30s come from (default `169.254.21.0/24`, inside Azure's APIPA range). */
  readonly insideCidrPool?: string | undefined;
  /** Network companions by provider name (the teardown looks them up). */
  readonly networks: ReadonlyMap<string, NetworkProviderV1>;
  /** Cancels the run. */
  readonly signal?: AbortSignal | undefined;
}

/** A resource a setup is waiting for, with the deadline recorded when the wait began. */
export interface PendingWait extends RecordedResource {
  /** When the wait fails (ISO 8601). */
  readonly deadlineAt: string;
}

/** How a run ended. */
export type RunOutcome = { readonly status: 'done'; readonly result: JsonValue } | { readonly status: 'provisioning'; readonly waitingFor: PendingWait };

/** Thrown inside a run to stop it while a wait is pending. */
class Pending {
  constructor(readonly waitingFor: PendingWait) {}
}

/** Tunnels per connection when both sides allow two (AWS always makes two). */
const TUNNELS = 2;
/** Pre-shared keys: AWS's alphabet (the strictest), 32 characters, not starting with 0. */
const PSK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';

/** A new pre-shared key every cloud accepts: 32 characters of [A-Za-z0-9._], the first a letter. */
export function generatePresharedKey(): string {
  const bytes = randomBytes(64);
  let out = '';
  for (const byte of bytes) {
    // 256 is a multiple of 64: the modulo keeps every character equally likely.
    const c = PSK_ALPHABET[byte % PSK_ALPHABET.length]!;
    if (out.length === 0 && !/[A-Za-z]/.test(c)) continue;
    out += c;
    if (out.length === 32) break;
  }
  return out.length === 32 ? out : generatePresharedKey();
}

/** The steps, their records and the cloud calls of one run. */
export class ConnectivityRun {
  private readonly short: string;

  constructor(
    private readonly op: DurableOperation,
    private readonly ctx: ConnectivityRunContext,
  ) {
    this.short = createHash('sha256').update(op.id).digest('hex').slice(0, 8);
  }

  /** Every resource the record says was created, in creation order. */
  static resourcesOf(steps: readonly StepRecord[]): RecordedResource[] {
    return steps
      .filter((s) => s.status === 'succeeded' && isResourceOutput(s.output))
      .map((s) => ({ step: s.name, ...(s.output as { provider: string; type: NetworkResourceType; id: string }) }))
      .filter((r, i, all) => all.findIndex((o) => o.provider === r.provider && o.id === r.id) === i);
  }

  /** Sets up a site-to-site VPN between two networks of different clouds. */
  async vpn(a: ConnectivitySide, b: ConnectivitySide): Promise<RunOutcome> {
    return this.guard(async () => {
      for (const side of [a, b]) {
        if (!side.net.capabilities.vpn) throw new UnsupportedError({ provider: side.net.provider, message: 'site-to-site VPN is not supported', capability: 'vpn' });
      }
      if (a.net.capabilities.gatewayIpsFrom === 'connection' && b.net.capabilities.gatewayIpsFrom === 'connection') {
        throw new UnsupportedError({ provider: b.net.provider, message: 'neither side has gateway IPs before a connection exists (two AWS-style gateways); peer the networks instead', capability: 'vpn' });
      }
      const netA = await this.call(a, 'get', (signal) => a.net.get({ type: 'network', id: a.networkId }, { signal }));
      const netB = await this.call(b, 'get', (signal) => b.net.get({ type: 'network', id: b.networkId }, { signal }));
      const asnA = a.net.kind === 'azure' ? 65515 : 64512;
      const asnB = b.net.kind === 'azure' && asnA !== 65515 ? 65515 : 64513;
      await this.create(a, 'gateway:a', 'vpn-gateway', (key, signal) => a.net.createVpnGateway({ name: this.name('gw-a'), networkId: a.networkId, asn: asnA }, { idempotencyKey: key, signal }));
      await this.create(b, 'gateway:b', 'vpn-gateway', (key, signal) => b.net.createVpnGateway({ name: this.name('gw-b'), networkId: b.networkId, asn: asnB }, { idempotencyKey: key, signal }));
      const gwA = (await this.waitReady(a, 'gateway-ready:a', 'gateway:a', this.ctx.timeouts.gatewayReadyMs ?? 3_600_000)) as VpnGateway;
      const gwB = (await this.waitReady(b, 'gateway-ready:b', 'gateway:b', this.ctx.timeouts.gatewayReadyMs ?? 3_600_000)) as VpnGateway;
      const tunnels = Math.min(TUNNELS, a.net.capabilities.maxTunnels, b.net.capabilities.maxTunnels);
      const psks: SecretRef[] = [];
      for (let i = 0; i < tunnels; i++) psks.push(await this.presharedKey(i));
      const inside = planAddresses({ pools: [{ cidr: this.ctx.insideCidrPool ?? '169.254.21.0/24' }], reserved: [], networks: Array.from({ length: tunnels }, (_, i) => ({ key: `tunnel-${i}`, prefix: 30 })) }).allocations.map((x) => x.cidr);
      const bgp = a.net.capabilities.bgp && b.net.capabilities.bgp;
      // The side whose IPs come with its connection goes first; the other learns them from it.
      const [first, second, gwFirst, gwSecond, netFirst, netSecond] = b.net.capabilities.gatewayIpsFrom === 'connection' ? [b, a, gwB, gwA, netB, netA] : [a, b, gwA, gwB, netA, netB];
      if (gwSecond.publicIps.length === 0) throw new ConflictError({ provider: second.net.provider, message: `VPN gateway ${gwSecond.id} has no public IP although it is available` });
      const secondIps = Array.from({ length: tunnels }, (_, i) => (first.net.capabilities.gatewayIpsFrom === 'connection' ? gwSecond.publicIps[0]! : gwSecond.publicIps[i % gwSecond.publicIps.length]!));
      const pgFirst = await this.create(first, `peer-gateway:${first.label}`, 'peer-gateway', (key, signal) =>
        first.net.createPeerGateway({ name: this.name(`pg-${first.label}`), region: gwFirst.region, ips: [...new Set(secondIps)], asn: gwSecond.asn, cidrs: netSecond.cidrs }, { idempotencyKey: key, signal }),
      );
      const connFirst = (await this.create(first, `connection:${first.label}`, 'vpn-connection', (key, signal) =>
        first.net.createVpnConnection(
          {
            name: this.name(`vpn-${first.label}`),
            vpnGatewayId: gwFirst.id,
            peerGatewayId: pgFirst.id,
            routing: bgp ? 'bgp' : 'static',
            staticRoutes: bgp ? undefined : netSecond.cidrs,
            tunnels: secondIps.map((peerIp, i) => ({ peerIp, outsideIp: gwFirst.publicIps.length > 0 ? gwFirst.publicIps[i % gwFirst.publicIps.length] : undefined, preSharedKey: psks[i]!, insideCidr: bgp ? inside[i] : undefined, peerAsn: gwSecond.asn, localInsideIp: bgp ? hostOf(inside[i]!, 1) : undefined })),
          },
          { idempotencyKey: key, signal, secrets: this.ctx.vault },
        ),
      )) as VpnConnection;
      const firstIps = connFirst.tunnels.map((t) => t.outsideIp);
      if (firstIps.some((ip) => ip === undefined)) throw new ConflictError({ provider: first.net.provider, message: `VPN connection ${connFirst.id} has tunnels without outside IPs` });
      const pgSecond = await this.create(second, `peer-gateway:${second.label}`, 'peer-gateway', (key, signal) =>
        second.net.createPeerGateway({ name: this.name(`pg-${second.label}`), region: gwSecond.region, ips: [...new Set(firstIps as string[])], asn: gwFirst.asn, cidrs: netFirst.cidrs }, { idempotencyKey: key, signal }),
      );
      await this.create(second, `connection:${second.label}`, 'vpn-connection', (key, signal) =>
        second.net.createVpnConnection(
          {
            name: this.name(`vpn-${second.label}`),
            vpnGatewayId: gwSecond.id,
            peerGatewayId: pgSecond.id,
            routing: bgp ? 'bgp' : 'static',
            staticRoutes: bgp ? undefined : netFirst.cidrs,
            tunnels: (firstIps as string[]).map((peerIp, i) => ({ peerIp, outsideIp: secondIps[i], preSharedKey: psks[i]!, insideCidr: bgp ? inside[i] : undefined, peerAsn: gwFirst.asn, localInsideIp: bgp ? hostOf(inside[i]!, 2) : undefined })),
          },
          { idempotencyKey: key, signal, secrets: this.ctx.vault },
        ),
      );
      const ready = this.ctx.timeouts.connectionReadyMs ?? 900_000;
      await this.waitReady(first, `connection-ready:${first.label}`, `connection:${first.label}`, ready);
      await this.waitReady(second, `connection-ready:${second.label}`, `connection:${second.label}`, ready);
      await this.routes(a, netB, { type: 'vpn-gateway', id: gwA.id });
      await this.routes(b, netA, { type: 'vpn-gateway', id: gwB.id });
      return { mode: 'vpn', routing: bgp ? 'bgp' : 'static', tunnels };
    });
  }

  /** Peers two networks of one cloud (requested on `a`, accepted on `b`). */
  async peering(a: ConnectivitySide, b: ConnectivitySide): Promise<RunOutcome> {
    return this.guard(async () => {
      for (const side of [a, b]) {
        if (!side.net.capabilities.peering) throw new UnsupportedError({ provider: side.net.provider, message: 'network peering is not supported', capability: 'peering' });
      }
      if (a.net.kind !== b.net.kind) throw new UnsupportedError({ provider: b.net.provider, message: `peering joins networks of one cloud; ${a.net.kind} and ${b.net.kind} need a VPN or the overlay`, capability: 'peering' });
      const netA = (await this.call(a, 'get', (signal) => a.net.get({ type: 'network', id: a.networkId }, { signal }))) as Network;
      const netB = (await this.call(b, 'get', (signal) => b.net.get({ type: 'network', id: b.networkId }, { signal }))) as Network;
      const crossAccount = a.net.account !== b.net.account ? b.net.account : undefined;
      const crossRegion = netA.region !== netB.region ? netB.region : undefined;
      const request = await this.create(a, 'peering-request:a', 'peering', (key, signal) =>
        a.net.requestPeering({ name: this.name('peer-a'), networkId: a.networkId, peerNetworkId: b.networkId, peerRegion: crossRegion, peerAccount: crossAccount }, { idempotencyKey: key, signal }),
      );
      if (request.state === 'failed') throw new ConflictError({ provider: a.net.provider, message: `peering ${request.id} was refused: ${request.stateReason ?? 'no reason given'}` });
      await this.create(b, 'peering-accept:b', 'peering', (key, signal) =>
        b.net.acceptPeering(
          { name: this.name('peer-b'), requestId: request.id, networkId: b.networkId, peerNetworkId: a.networkId, peerRegion: crossRegion === undefined ? undefined : netA.region, peerAccount: crossAccount === undefined ? undefined : a.net.account },
          { idempotencyKey: key, signal },
        ),
      );
      const ready = this.ctx.timeouts.connectionReadyMs ?? 900_000;
      const pa = await this.waitReady(a, 'peering-ready:a', 'peering-request:a', ready);
      const pb = await this.waitReady(b, 'peering-ready:b', 'peering-accept:b', ready);
      await this.routes(a, netB, { type: 'peering', id: pa.id });
      await this.routes(b, netA, { type: 'peering', id: pb.id });
      return { mode: 'peering', crossRegion: crossRegion !== undefined, crossAccount: crossAccount !== undefined };
    });
  }

  /**
   * Deletes every resource the record names, last created first, waiting for each to be gone
   * (a gateway's deletion takes minutes), then the pre-shared keys.
   */
  async teardown(): Promise<RunOutcome> {
    return this.guard(async () => {
      // A create left unsettled may have made something: ask by its token before listing what to delete.
      for (const [index, s] of this.op.record.steps.entries()) {
        const input = s.input as { provider?: string; type?: NetworkResourceType } | undefined;
        if (!isUnsettled(s) || s.token === undefined || input?.provider === undefined || input.type === undefined) continue;
        const net = this.ctx.networks.get(input.provider);
        if (net === undefined) continue;
        const type = input.type;
        const found = await this.callOn(net, 'findByIdempotencyKey', (signal) => net.findByIdempotencyKey(type, s.token!, { signal }));
        await this.op.settleStep(index, found === undefined ? 'failed' : 'succeeded', found === undefined ? { error: { code: 'NOT_CREATED', message: 'the provider has no resource for this token' } } : { output: { provider: input.provider, type, id: found.id } });
      }
      const resources = ConnectivityRun.resourcesOf(this.op.record.steps).reverse();
      for (const r of resources) {
        const net = this.ctx.networks.get(r.provider);
        if (net === undefined) throw new InvalidSpecError({ issues: [{ field: 'providers', message: `provider "${r.provider}" of recorded ${r.type} ${r.id} is not registered; pass it to CrossCloudNetwork` }] });
        const stepName = `delete:${r.step}`;
        if (this.settled(stepName)) continue;
        const index = await this.op.startStep({ name: stepName, input: { provider: r.provider, type: r.type, id: r.id } });
        await this.callOn(net, 'delete', (signal) => net.delete({ type: r.type, id: r.id }, { signal }));
        const waited = await this.waitStep(net, `gone:${r.step}`, { type: r.type, id: r.id }, this.ctx.timeouts.connectionReadyMs ?? 900_000, true);
        if (waited === 'pending') throw new Pending({ ...r, deadlineAt: this.deadlineOf(`gone:${r.step}`) });
        await this.op.settleStep(index, 'succeeded');
      }
      for (const s of this.op.record.steps) {
        if (!s.name.startsWith('psk:') || s.status !== 'succeeded') continue;
        await this.ctx.vault.remove(s.output as unknown as SecretRef, { signal: this.ctx.signal });
      }
      return { mode: 'teardown', deleted: resources.length };
    });
  }

  private async guard(body: () => Promise<JsonValue>): Promise<RunOutcome> {
    try {
      return { status: 'done', result: await body() };
    } catch (error) {
      if (error instanceof Pending) return { status: 'provisioning', waitingFor: error.waitingFor };
      throw error;
    }
  }

  private name(suffix: string): string {
    return `nc-${this.short}-${suffix}`;
  }

  private step(name: string): { index: number; step: StepRecord } | undefined {
    const steps = this.op.record.steps;
    for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.name === name) return { index: i, step: steps[i]! };
    return undefined;
  }

  private settled(name: string): boolean {
    return this.step(name)?.step.status === 'succeeded';
  }

  private call<T>(side: ConnectivitySide, operation: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.callOn(side.net, operation, fn);
  }

  private callOn<T>(net: NetworkProviderV1, operation: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return withDeadline({ operation, provider: net.provider, operationId: this.op.id }, this.ctx.timeouts.callMs ?? 60_000, this.ctx.signal, fn);
  }

  /**
   * A create as a step: done once (its token makes a repeat create nothing), resolved through
   * `findByIdempotencyKey` when an earlier run left it unsettled, recorded before and after.
   */
  private async create<R extends NetworkResource>(side: ConnectivitySide, name: string, type: R['type'], fn: (key: string, signal: AbortSignal) => Promise<R>): Promise<R> {
    const found = this.step(name);
    const token = `${this.op.id}:${name}`;
    if (found?.step.status === 'succeeded') {
      const out = found.step.output as { id: string };
      return (await this.call(side, 'get', (signal) => side.net.get({ type, id: out.id }, { signal }))) as unknown as R;
    }
    if (found && isUnsettled(found.step)) {
      const existing = await this.call(side, 'findByIdempotencyKey', (signal) => side.net.findByIdempotencyKey(type, token, { signal }));
      if (existing !== undefined) {
        await this.op.settleStep(found.index, 'succeeded', { output: { provider: side.net.provider, type, id: existing.id } });
        return existing as unknown as R;
      }
    }
    const index = found && isUnsettled(found.step) ? found.index : await this.op.startStep({ name, token, input: { provider: side.net.provider, type } });
    let created: R;
    try {
      created = await this.call(side, name, (signal) => fn(token, signal));
    } catch (error) {
      await this.op.settleStep(index, provesNothingCreated(error) ? 'failed' : 'uncertain', { error });
      throw error;
    }
    await this.op.settleStep(index, 'succeeded', { output: { provider: side.net.provider, type, id: created.id } });
    return created;
  }

  /** A pre-shared key in the vault, made once per tunnel and recorded by reference. */
  private async presharedKey(i: number): Promise<SecretRef> {
    const name = `psk:${i}`;
    const found = this.step(name);
    if (found?.step.status === 'succeeded') return found.step.output as unknown as SecretRef;
    const index = found ? found.index : await this.op.startStep({ name });
    // Written before it is recorded: a crash in between leaves a key that a rerun overwrites.
    const ref = await this.ctx.vault.write(`novacron/network/${this.op.id}/psk-${i}`, generatePresharedKey(), { signal: this.ctx.signal });
    await this.op.settleStep(index, 'succeeded', { output: { secret: ref.secret } });
    return ref;
  }

  private deadlineOf(name: string): string {
    const input = this.step(name)?.step.input as { deadlineAt?: string } | undefined;
    return input?.deadlineAt ?? new Date(this.ctx.now()).toISOString();
  }

  /** Waits (as a step with a recorded deadline) for the resource created by step `created`. */
  private async waitReady(side: ConnectivitySide, name: string, created: string, timeoutMs: number): Promise<NetworkResource> {
    const out = this.step(created)!.step.output as unknown as RecordedResource;
    const ref = { type: out.type, id: out.id };
    const result = await this.waitStep(side.net, name, ref, timeoutMs, false);
    if (result === 'pending') throw new Pending({ step: created, provider: side.net.provider, type: out.type, id: out.id, deadlineAt: this.deadlineOf(name) });
    return this.call(side, 'get', (signal) => side.net.get(ref, { signal }));
  }

  private async waitStep(net: NetworkProviderV1, name: string, ref: NetworkResourceRef, timeoutMs: number, gone: boolean): Promise<'reached' | 'pending'> {
    let found = this.step(name);
    if (found?.step.status === 'succeeded') return 'reached';
    if (found === undefined) {
      await this.op.startStep({ name, input: { deadlineAt: new Date(this.ctx.now() + timeoutMs).toISOString() } });
      found = this.step(name)!;
    }
    const deadlineAt = Date.parse((found.step.input as { deadlineAt: string }).deadlineAt);
    const t = this.ctx.timeouts;
    let result;
    try {
      result = await waitForNetworkResource(net, ref, { deadlineAt, now: this.ctx.now, gone, budgetMs: t.runBudgetMs ?? 600_000, pollMs: t.pollMs ?? 5_000, signal: this.ctx.signal });
    } catch (error) {
      await this.op.settleStep(found.index, 'failed', { error });
      throw error;
    }
    if (result.status === 'pending') return 'pending';
    await this.op.settleStep(found.index, 'succeeded');
    return 'reached';
  }

  /** Routes in `side`'s network to every range of `remote`, through `target`. */
  private async routes(side: ConnectivitySide, remote: Network, target: { type: 'vpn-gateway' | 'peering'; id: string }): Promise<void> {
    for (const [i, destination] of remote.cidrs.entries()) {
      try {
        await this.create(side, `route:${side.label}:${i}`, 'route', (key, signal) =>
          side.net.createRoute({ name: this.name(`rt-${side.label}-${i}`), networkId: side.networkId, destination, target }, { idempotencyKey: key, signal }),
        );
      } catch (error) {
        // A cloud that exchanges peered networks' routes itself (GCP) has no route to a peering: nothing to add.
        if (target.type === 'peering' && UnsupportedError.isInstance(error) && error.capability === 'peering-routes') return;
        throw error;
      }
    }
  }
}

function isResourceOutput(output: unknown): boolean {
  const o = output as { provider?: unknown; type?: unknown; id?: unknown } | undefined;
  return typeof o?.provider === 'string' && typeof o.type === 'string' && typeof o.id === 'string';
}

/** The `n`-th host of a /30 (1 or 2), as text. */
function hostOf(cidr: string, n: 1 | 2): string {
  return addressAt(parseCidr(cidr), BigInt(n));
}
