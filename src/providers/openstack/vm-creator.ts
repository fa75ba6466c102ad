/**
 * The create flow of the OpenStack adapter, in the order it runs:
 *
 * 1. plan (flavor, image, disk, zone, network: `launch-plan.ts`) and metadata, before anything
 *    is sent;
 * 2. look for the key's server by its key-derived name (`GET /servers/detail?name=`) with the
 *    key's digest in its metadata: the same spec is adopted (and followed to ACTIVE), another
 *    spec is a `ConflictError`;
 * 3. otherwise the create's own port (looked up by name first), its floating IP when a public
 *    IP is asked for (looked up by port first), then `POST /servers`. An answer that does not
 *    prove the server was refused (a lost answer, a timeout, a 5xx) is resolved by looking for the
 *    server by name again: found, it is adopted; not found, the POST is repeated (Nova writes the
 *    server to its database before it answers 202, so a miss is an absence);
 * 4. the server id goes to the state store before anything waits;
 * 5. wait for ACTIVE. A server that goes to ERROR because "No valid host was found" is not a VM:
 *    the adapter deletes it with its port and floating IP and throws `CapacityError`, so a
 *    federation can fail over with nothing left behind. A refused POST (quota, bad input) also
 *    removes the port and floating IP it had made.
 */
import { PerNameQueue } from '../../provider/keyed-creates.js';
import { sleep, throwIfAborted } from '../../provider/abort.js';
import { AuthError, CapacityError, ConflictError, InvalidSpecError, ProviderUnavailableError, QuotaError, TimeoutError, UnsupportedError, withProviderName } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import { specFingerprint } from '../../provider/offer-selection.js';
import type { CreateVMOptions } from '../../provider/provider-v1.js';
import type { ImageArtifact, VM, VMSpec } from '../../provider/types.js';
import { asCreateRecord, createRecordKey, type CreateRecord, type OpenStackStateStoreLike } from './create-record.js';
import { capacityFault, isNoValidHost, type OpenStackErrorContext } from './error-mapping.js';
import type { LaunchPlan, LaunchPlanner } from './launch-plan.js';
import { NOVACRON_METADATA, vmMetadata } from './metadata.js';
import { keyDigestOf, oneOffKey, portNameFor, serverNameFor } from './naming.js';
import type { NeutronResources } from './neutron-resources.js';
import type { FlavorCatalog } from './offer-catalog.js';
import type { OpenStackApi } from './openstack-api.js';
import { toServerBody } from './server-body.js';
import type { ServerReader } from './server-reader.js';
import type { ServerRemoval } from './server-removal.js';
import type { GlanceImage, NovaServer } from './wire-types.js';

/** What the create flow needs of the provider's options. */
export interface VmCreatorOptions {
  /** Federation id, written as metadata. */
  readonly federationId?: string | undefined;
  /** Where keyed creates are recorded. */
  readonly stateStore?: OpenStackStateStoreLike | undefined;
  /** Key pair name. */
  readonly keyName?: string | undefined;
  /** Longest wait when the caller gives none, ms. */
  readonly waitTimeoutMs: number;
  /** Pause between reads while waiting for ACTIVE, ms. */
  readonly pollIntervalMs: number;
}

/** The provider's parts the create flow works with. */
export interface VmCreatorContext {
  /** Provider name. */
  readonly providerName: string;
  /** The provider's options. */
  readonly options: VmCreatorOptions;
  /** Where `vm.created` goes. */
  readonly events: EventBus;
  /** Calls. */
  readonly api: OpenStackApi;
  /** Reading servers. */
  readonly reader: ServerReader;
  /** Planning. */
  readonly planner: LaunchPlanner;
  /** Ports and floating IPs. */
  readonly neutron: NeutronResources;
  /** Removing servers. */
  readonly removal: ServerRemoval;
  /** A server as a portable VM. */
  readonly toVM: (server: NovaServer, catalog: FlavorCatalog | undefined) => VM;
}

/** The Glance image an import boots from. */
export interface ImportedImage {
  /** The artifact it was made from. */
  readonly artifact: ImageArtifact;
  /** The image. */
  readonly image: GlanceImage;
}

/** Errors that prove a create made nothing. */
export function isDefinitiveRefusal(error: unknown): boolean {
  return CapacityError.isInstance(error) || QuotaError.isInstance(error) || InvalidSpecError.isInstance(error) || AuthError.isInstance(error) || UnsupportedError.isInstance(error);
}

/** How often a POST whose answer was lost is resolved and repeated. */
const CREATE_ATTEMPTS = 3;

/** Creates (and imports) VMs for one provider. */
export class VmCreator {
  /** Creates in progress per server name: the same key in one process waits for the one before. */
  private readonly creating = new PerNameQueue();

  /** Keeps the provider's parts. */
  constructor(private readonly c: VmCreatorContext) {}

  /** Runs `fn` for the key's server name, after any create of the same key in this process. */
  keyed<T>(key: string | undefined, fn: (key: string, name: string) => Promise<T>): Promise<T> {
    const k = key ?? oneOffKey();
    const name = serverNameFor(k);
    return this.creating.run(name, () => fn(k, name));
  }

  /** The key's server, when it exists: named for the key, with the key's digest in its metadata. */
  async findOwn(name: string, key: string, operation: string, signal?: AbortSignal): Promise<NovaServer | undefined> {
    const digest = keyDigestOf(key);
    const servers = await this.c.reader.named(name, operation, signal);
    return servers.find((s) => s.metadata?.[NOVACRON_METADATA.idempotencyKey] === digest && s.status !== 'DELETED' && s.status !== 'SOFT_DELETED');
  }

  /** A create (or an import, booting `imported.image`) under its key's server name. */
  async create(spec: VMSpec, key: string, name: string, options: CreateVMOptions, imported?: ImportedImage): Promise<VM> {
    const { signal } = options;
    const keyed = options.idempotencyKey !== undefined;
    const specHash = specFingerprint(spec);
    const plan = await this.c.planner.plan({ spec, forCreate: true, image: imported?.image, signal });
    const image = imported ? (imported.artifact.baseImage ?? `imported-${imported.artifact.sourceVmId}`) : undefined;
    const metadata = withProviderName(this.c.providerName, () =>
      vmMetadata(spec, { providerName: this.c.providerName, specHash, federationId: this.c.options.federationId, keyDigest: keyDigestOf(key), image }),
    );
    const existing = await this.findOwn(name, key, 'createVM', signal);
    if (existing) return this.adopt(existing, plan, key, specHash, options);
    const ctx = this.ctxOf(imported ? 'importVM' : 'createVM', plan);
    const portPlan = plan.port!;
    const port = await this.c.neutron.ensurePort(name, portPlan, signal);
    const undo = (): Promise<void> => this.c.neutron.removeFor(name, [port]);
    let serverId: string;
    try {
      if (portPlan.floatingNetworkId !== undefined) await this.c.neutron.ensureFloatingIp(port.id, portPlan.floatingNetworkId, signal);
      const body = withProviderName(this.c.providerName, () =>
        toServerBody(spec, {
          name,
          flavorRef: plan.flavor.flavor.id,
          imageId: plan.image!.id,
          bootFromVolume: plan.bootFromVolume,
          diskGiB: plan.diskGiB,
          portId: port.id,
          metadata,
          keyName: this.c.options.keyName,
          availabilityZone: plan.zone,
        }),
      );
      const adopted = await this.post(body, name, key, ctx, signal);
      if (typeof adopted !== 'string') return this.adopt(adopted, plan, key, specHash, options);
      serverId = adopted;
    } catch (error) {
      if (isDefinitiveRefusal(error)) await undo();
      throw error;
    }
    // No VM is ever lost: the server id is recorded before anything waits.
    const record: CreateRecord = { vmId: serverId, serverName: name, specHash, idempotencyKey: key, portId: port.id, startedAt: new Date().toISOString() };
    if (keyed && this.c.options.stateStore) await this.record(record);
    const vm = this.c.toVM({ id: serverId, name, status: 'BUILD', metadata, flavor: { original_name: plan.flavor.flavor.name, vcpus: plan.flavor.flavor.vcpus, ram: plan.flavor.flavor.ram, disk: plan.flavor.flavor.disk }, created: record.startedAt, 'OS-EXT-AZ:availability_zone': plan.zone }, plan.catalog);
    this.c.events.publish('vm.created', { provider: this.c.providerName, vm, reused: false });
    await options.onProvisioned?.(vm);
    throwIfAborted(signal);
    if (options.wait === false) return vm;
    return this.waitActive(serverId, name, plan, options);
  }

  /** `POST /servers`; an answer that proves nothing is resolved by the server's name (see the file comment). */
  private async post(body: Record<string, unknown>, name: string, key: string, ctx: Omit<OpenStackErrorContext, 'provider'>, signal: AbortSignal | undefined): Promise<string | NovaServer> {
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await this.c.api.json<{ server: { id: string } }>({ service: 'compute', method: 'POST', path: '/servers', json: { server: body }, ctx }, signal);
        return answer.server.id;
      } catch (error) {
        if (isDefinitiveRefusal(error) || signal?.aborted) throw error;
        const found = await this.findOwn(name, key, ctx.operation, signal);
        if (found) return found;
        if (attempt >= CREATE_ATTEMPTS || ConflictError.isInstance(error)) throw error;
      }
    }
  }

  /** The key's server exists: the same spec is followed to ACTIVE, another is a conflict. */
  private async adopt(existing: NovaServer, plan: LaunchPlan, key: string, specHash: string, options: CreateVMOptions): Promise<VM> {
    const hash = existing.metadata?.[NOVACRON_METADATA.specHash];
    if (hash !== undefined && hash !== specHash) throw this.conflict(key, existing.id);
    const name = existing.name ?? serverNameFor(key);
    if (existing.status === 'ERROR' && isNoValidHost(existing.fault?.message)) {
      await this.c.removal.remove(existing.id, name, { operation: 'createVM' });
      throw capacityFault({ ...this.ctxOf('createVM', plan), provider: this.c.providerName }, existing.fault?.message ?? '');
    }
    const floating = plan.port?.floatingNetworkId;
    if (floating !== undefined) {
      const port = (await this.c.neutron.portsNamed(portNameFor(name), options.signal))[0];
      if (port) await this.c.neutron.ensureFloatingIp(port.id, floating, options.signal);
    }
    const vm = this.c.toVM(existing, plan.catalog);
    this.c.events.publish('vm.created', { provider: this.c.providerName, vm, reused: true });
    await options.onProvisioned?.(vm);
    throwIfAborted(options.signal);
    if (options.wait === false || vm.state === 'running') return floating !== undefined && vm.state === 'running' ? this.reread(existing.id, plan, vm) : vm;
    return this.waitActive(existing.id, name, plan, options);
  }

  private async reread(id: string, plan: LaunchPlan, fallback: VM): Promise<VM> {
    const server = await this.c.reader.get(id, 'createVM');
    return server ? this.c.toVM(server, plan.catalog) : fallback;
  }

  /** Reads the server until ACTIVE; "No valid host" removes it and is a `CapacityError`; another ERROR, or a server that vanished, an error naming it. */
  private async waitActive(id: string, name: string, plan: LaunchPlan, options: CreateVMOptions): Promise<VM> {
    const limitMs = options.waitTimeoutMs ?? this.c.options.waitTimeoutMs;
    const deadline = Date.now() + limitMs;
    for (let look = 0; ; look++) {
      const server = await this.c.reader.get(id, 'createVM', options.signal);
      if (server) {
        if (server.status === 'ACTIVE') return this.c.toVM(server, plan.catalog);
        if (server.status === 'ERROR') {
          const fault = server.fault?.message ?? '';
          if (isNoValidHost(fault)) {
            await this.c.removal.remove(id, name, { operation: 'createVM' });
            throw capacityFault({ ...this.ctxOf('createVM', plan), provider: this.c.providerName }, fault);
          }
          throw new ProviderUnavailableError({ provider: this.c.providerName, retryable: false, resourceId: id, message: `server ${id} went to ERROR while it was being created${fault ? `: ${fault}` : ''}; it still exists` });
        }
        if (server.status === 'DELETED') throw new ProviderUnavailableError({ provider: this.c.providerName, retryable: false, message: `server ${id} was deleted while it was being created` });
      } else if (look > 2) {
        throw new ProviderUnavailableError({ provider: this.c.providerName, retryable: false, message: `server ${id} disappeared while it was being created` });
      }
      if (Date.now() > deadline) throw new TimeoutError({ provider: this.c.providerName, resourceId: id, message: `server ${id} did not become ACTIVE within ${limitMs} ms; it still exists` });
      await sleep(Math.min(this.c.options.pollIntervalMs, Math.max(0, deadline - Date.now())), options.signal);
    }
  }

  private ctxOf(operation: string, plan: LaunchPlan): Omit<OpenStackErrorContext, 'provider'> {
    return { operation, region: plan.region, zone: plan.zone, instanceType: plan.flavor.flavor.name, resourceType: 'vm', mutating: true };
  }

  private async record(record: CreateRecord): Promise<void> {
    try {
      await this.c.options.stateStore!.put(createRecordKey(this.c.providerName, record.serverName), record);
    } catch (error) {
      throw new ProviderUnavailableError({
        provider: this.c.providerName,
        message: `createVM: server ${record.vmId} was accepted by Nova but could not be recorded in the state store; repeat the create with idempotency key "${record.idempotencyKey}" to adopt it`,
        cause: error,
        resourceId: record.vmId,
      });
    }
  }

  /** The record of a keyed create, when the provider has a state store. */
  async readRecord(name: string): Promise<CreateRecord | undefined> {
    if (!this.c.options.stateStore) return undefined;
    return asCreateRecord((await this.c.options.stateStore.get(createRecordKey(this.c.providerName, name)))?.value);
  }

  private conflict(key: string, vmId: string): ConflictError {
    return new ConflictError({ provider: this.c.providerName, message: `idempotency key "${key}" was already used for a different spec (server ${vmId})` });
  }
}
