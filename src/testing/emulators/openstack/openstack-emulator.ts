/**
 * A local OpenStack for tests, demos and offline work: one https endpoint (its certificate made
 * at start; trust `emu.ca`) that serves Keystone v3, Nova v2.1, Glance v2 and Neutron v2.0 under
 * devstack's path prefixes, stateful, in the shapes of the OpenStack API references and their
 * API samples. Keystone issues expiring tokens (password or application credential, project
 * scoped) with a service catalog of two regions and three interfaces; Nova negotiates
 * microversions and runs servers BUILD → ACTIVE on the emulator clock, with actions, metadata,
 * key pairs, quotas, and availability zones (two by default) whose host pools are their own
 * ("No valid host" when the chosen zone's pool is full); Glance stores image data
 * streamed in and out with its checksums; Neutron keeps networks, ports, floating IPs and
 * security groups, routers with interfaces and extra routes, tags, and — with `vpnaas: true` —
 * the VPNaaS extension, with Nova's real port and floating-IP behaviour on server delete. Faults are
 * the kit's, said in each service's words (`openstack-fault-plan.ts`; operation names in
 * {@link OPENSTACK_OPERATIONS}). It stands on the emulator kit and runs without vitest.
 */
import type { RateCard } from '../../../optimizer/loaders/openstack-rate-card.js';
import { EmulatorBase } from '../kit/emulator-base.js';
import { EmulatorServer } from '../kit/emulator-server.js';
import { emulatorStats, type EmulatorStats } from '../kit/request-log.js';
import { LifecycleClock } from '../kit/lifecycle-clock.js';
import { SERVER_STATUSES, type OpenStackTimings, type ServerStatus } from './compute-state.js';
import { DEFAULT_FLAVORS, flavorRecords, type OpenStackFlavorSeed } from './flavor-catalog.js';
import { KeystoneIdentity, type KeystoneApplicationCredentialSeed, type KeystoneProject, type KeystoneUser, type KeystoneUserSeed } from './keystone-identity.js';
import type { OpenStackWorld } from './openstack-call.js';
import { openStackEndpointOptions, type OpenStackRequestRecord } from './openstack-endpoint.js';
import { OpenStackFaultPlan } from './openstack-fault-plan.js';
import { OpenStackState, type OpenStackQuotas } from './openstack-state.js';
import { OpenStackStateViews } from './openstack-views.js';
import { seedCloud } from './seed-cloud.js';

/** Keystone password authentication, as an OpenStack provider takes it. */
export interface OpenStackEmulatorPasswordAuth {
  /** `password`. */
  readonly type: 'password';
  /** User name. */
  readonly username: string;
  /** Password (generated at start unless given). */
  readonly password: string;
  /** The user's domain name. */
  readonly userDomainName: string;
  /** The project to scope to. */
  readonly projectName: string;
  /** The project's domain name. */
  readonly projectDomainName: string;
}

/** What points an OpenStack provider at the emulator: `createOpenStackProvider({ ...emu.providerOptions })`. */
export interface OpenStackEmulatorProviderOptions {
  /** Keystone v3 URL (`https://127.0.0.1:port/identity/v3`). */
  readonly authUrl: string;
  /** The region to pick endpoints in. */
  readonly region: string;
  /** Password authentication of the default user, scoped to the project. */
  readonly auth: OpenStackEmulatorPasswordAuth;
  /** PEM of the emulator's certificate, the CA a client must trust. */
  readonly ca: string;
  /** The tenant network servers attach to. */
  readonly network: string;
  /** The external network floating IPs come from. */
  readonly floatingNetwork: string;
  /** Prices of the emulated flavors. */
  readonly rateCard: RateCard;
}

/** An application credential the emulator accepts (already scoped to the project). */
export interface OpenStackEmulatorApplicationCredential {
  /** Credential id. */
  readonly id: string;
  /** Its secret. */
  readonly secret: string;
}

/** Options of {@link startOpenStackEmulator}. */
export interface OpenStackEmulatorOptions {
  /** The region served (default `RegionOne`). */
  readonly region?: string | undefined;
  /** A second region listed in the catalog, whose endpoints answer 404 (default `RegionTwo`). */
  readonly otherRegion?: string | undefined;
  /** The project (default `novacron`, in domain `Default`). */
  readonly projectName?: string | undefined;
  /** Users (default one, `demo`, with a generated password); the first is in `providerOptions`. */
  readonly users?: readonly KeystoneUserSeed[] | undefined;
  /** Application credentials (default one for the first user); the first is `applicationCredential`. */
  readonly applicationCredentials?: readonly KeystoneApplicationCredentialSeed[] | undefined;
  /** Flavors (default {@link DEFAULT_FLAVORS}). */
  readonly flavors?: readonly OpenStackFlavorSeed[] | undefined;
  /** Size of each availability zone's compute host pool (default 4096 vCPUs, 16 TiB of RAM). */
  readonly hostPool?:
    | {
        /** vCPUs of all hosts. */
        readonly vcpus?: number | undefined;
        /** RAM of all hosts, MiB. */
        readonly ramMiB?: number | undefined;
      }
    | undefined;
  /** Project quotas (default: unlimited); `emu.faults.quota()` overrides them. */
  readonly quotas?: OpenStackQuotas | undefined;
  /** Lifecycle times, ms (defaults: build 200, stop/start/reboot 100, delete 50, snapshot 200). */
  readonly timings?: Partial<OpenStackTimings> | undefined;
  /** Token lifetime on the emulator clock, ms (default one hour). */
  readonly tokenTtlMs?: number | undefined;
  /** Largest page of any list (default 1000). */
  readonly maxPageSize?: number | undefined;
  /**
   * The availability zones (default `['az-1', 'az-2']`), each with a host pool of its own: a create
   * that names a zone is scheduled there only ("No valid host" when its pool or its
   * `faults.capacity({ zone })` is exhausted); one that names none goes to the first zone with room.
   */
  readonly availabilityZones?: readonly string[] | undefined;
  /** One availability zone only (the same as `availabilityZones: [zone]`). */
  readonly availabilityZone?: string | undefined;
  /** Name of the tenant network (default `private`). */
  readonly network?: string | undefined;
  /** Name of the external network (default `public`). */
  readonly floatingNetwork?: string | undefined;
  /**
   * Loads Neutron's optional `vpnaas` extension (default off, as on many clouds): `/v2.0/vpn/...`
   * then serves IKE and IPsec policies, VPN services, endpoint groups and IPsec site connections,
   * and `GET /v2.0/extensions` lists `vpnaas` and `vpn-endpoint-groups`. `activationMs` (default
   * 100, emulator clock) is how long the VPN agent takes to process a new connection.
   */
  readonly vpnaas?:
    | boolean
    | {
        /** How long the VPN agent takes to process a new connection, ms of the emulator clock (default 100). */
        readonly activationMs?: number | undefined;
      }
    | undefined;
  /** The rate card in `providerOptions` (default {@link DEFAULT_OPENSTACK_RATE_CARD} for the region). */
  readonly rateCard?: RateCard | undefined;
  /** Clock, epoch ms (default `Date.now`). */
  readonly clock?: (() => number) | undefined;
  /** Seed of the throttling PRNG and of MAC addresses. */
  readonly seed?: number | undefined;
  /** Port (default: any free port). */
  readonly port?: number | undefined;
  /** Host to bind (default `127.0.0.1`). */
  readonly host?: string | undefined;
}

/** Calls counted per operation, for N+1 checks and figures. */
export interface OpenStackEmulatorStats extends EmulatorStats {
  /** Tokens Keystone issued since the start (not reset). */
  tokensIssued(): number;
}

/** The default rate card: plausible private-cloud chargeback rates, in USD. */
export const DEFAULT_OPENSTACK_RATE_CARD: RateCard = {
  regions: ['RegionOne'],
  provider: 'openstack',
  perVcpuHour: 0.021,
  perGiBHour: 0.0028,
  perDiskGiBHour: 0.00005,
  gpuPerHour: { a100: 1.1 },
  currency: 'USD',
  source: 'novacron OpenStack emulator default rate card',
  asOf: '2026-12-04',
};

const DEFAULT_TIMINGS: OpenStackTimings = { buildMs: 200, stopMs: 100, startMs: 100, rebootMs: 100, deleteMs: 50, snapshotMs: 200 };

interface OpenStackEmulatorParts {
  readonly world: OpenStackWorld;
  readonly state: OpenStackState;
  readonly faults: OpenStackFaultPlan;
  readonly password: string;
  readonly applicationCredential: OpenStackEmulatorApplicationCredential;
  readonly requests: OpenStackRequestRecord[];
}

/**
 * A running OpenStack emulator. Start one with {@link startOpenStackEmulator}.
 *
 * ```ts
 * const emu = await startOpenStackEmulator({ timings: { buildMs: 50 } });
 * const openstack = createOpenStackProvider({ ...emu.providerOptions });
 * emu.faults.throttle(0.3, { retryAfterMs: 1000 });          // 429 overLimit with Retry-After
 * emu.faults.capacity({ zone: 'az-1', type: 'm1.large' }, 0); // servers asking for az-1 go to ERROR: No valid host
 * emu.faults.quota('cores', 8);                               // 403 Quota exceeded for cores
 * emu.faults.dropResponse('servers.create');                  // created, connection reset
 * emu.revokeTokens();                                         // next calls 401 until re-auth
 * console.log(emu.state.servers(), emu.stats.byOperation());
 * await emu.close();
 * ```
 */
export class OpenStackEmulator extends EmulatorBase {
  /** Spread into `createOpenStackProvider({ ...emu.providerOptions })`. */
  readonly providerOptions: OpenStackEmulatorProviderOptions;
  /** Read-only views of the stored resources. */
  readonly state: OpenStackStateViews;
  /** Calls per operation (a view of the request log). */
  readonly stats: OpenStackEmulatorStats;

  private constructor(
    server: EmulatorServer,
    private readonly parts: OpenStackEmulatorParts,
    rateCard: RateCard,
  ) {
    super(server);
    const { state, world } = parts;
    this.providerOptions = {
      authUrl: `${server.endpoint}/identity/v3`,
      region: world.region,
      auth: { type: 'password', username: state.user.name, password: parts.password, userDomainName: state.user.domain.name, projectName: state.project.name, projectDomainName: state.project.domain.name },
      ca: server.ca!,
      network: [...state.network.networks.values()].find((n) => !n.external)!.name,
      floatingNetwork: [...state.network.networks.values()].find((n) => n.external)!.name,
      rateCard,
    };
    this.state = new OpenStackStateViews(state, world.identity, () => server.endpoint);
    const { log } = server;
    this.stats = {
      ...emulatorStats(log, () => {
        parts.requests.length = 0;
      }),
      tokensIssued: () => world.identity.issuedCount,
    };
  }

  /** Starts an emulator; see {@link startOpenStackEmulator}. */
  static async start(options: OpenStackEmulatorOptions = {}): Promise<OpenStackEmulator> {
    const clock = new LifecycleClock(options.clock ?? Date.now);
    const region = options.region ?? 'RegionOne';
    const identity = new KeystoneIdentity(clock.now, options.tokenTtlMs ?? 3_600_000);
    const project = identity.addProject(options.projectName ?? 'novacron');
    // A project the users have no role on, so scoping to it is refused.
    identity.addProject('admin');
    const seeds = options.users && options.users.length > 0 ? options.users : [{ name: 'demo' }];
    const users = seeds.map((seed) => identity.addUser(seed, project));
    const first = users[0]!;
    const credentials = (options.applicationCredentials && options.applicationCredentials.length > 0 ? options.applicationCredentials : [{}]).map((seed) => identity.addApplicationCredential(seed, first.user, project));
    const faults = new OpenStackFaultPlan(options.seed ?? 1);
    const state = new OpenStackState({
      clock,
      project,
      user: first.user,
      flavors: flavorRecords(options.flavors ?? DEFAULT_FLAVORS),
      timings: { ...DEFAULT_TIMINGS, ...options.timings },
      hostPool: { vcpus: options.hostPool?.vcpus ?? 4096, ramMiB: options.hostPool?.ramMiB ?? 16 * 1024 * 1024 },
      quotas: { ...options.quotas },
      availabilityZones: availabilityZonesOf(options),
      seed: options.seed ?? 1,
      vpnaas: options.vpnaas === undefined || options.vpnaas === false ? undefined : { enabled: true, activationMs: (options.vpnaas === true ? undefined : options.vpnaas.activationMs) ?? 100 },
    });
    seedCloud(state, { network: options.network ?? 'private', floatingNetwork: options.floatingNetwork ?? 'public' });
    const started: { server?: EmulatorServer } = {};
    const world: OpenStackWorld = { state, identity, faults, region, otherRegion: options.otherRegion ?? 'RegionTwo', maxPageSize: options.maxPageSize ?? 1000, origin: () => started.server?.endpoint ?? '' };
    const requests: OpenStackRequestRecord[] = [];
    const server = await EmulatorServer.start({ host: options.host, port: options.port, tls: true, ...openStackEndpointOptions(world, (record) => requests.push(record)) });
    started.server = server;
    const rateCard = options.rateCard ?? { ...DEFAULT_OPENSTACK_RATE_CARD, regions: [region] };
    return new OpenStackEmulator(server, { world, state, faults, password: first.password, applicationCredential: credentials[0]!, requests }, rateCard);
  }

  /** The kit's fault plan, with exact planned answers (`failNext(op, status, body)`). */
  override get faults(): OpenStackFaultPlan {
    return this.parts.faults;
  }

  /** The PEM of the emulator's certificate, the CA a client must trust. */
  override get ca(): string {
    return this.server.ca!;
  }

  /** An application credential of the default user, scoped to the project. */
  get applicationCredential(): OpenStackEmulatorApplicationCredential {
    return this.parts.applicationCredential;
  }

  /** The project everything lives in. */
  get project(): KeystoneProject {
    return this.parts.state.project;
  }

  /** The default user. */
  get user(): KeystoneUser {
    return this.parts.state.user;
  }

  /** Every request, oldest first (of one operation when given), with service, interface and microversion. */
  requests(operation?: string): readonly OpenStackRequestRecord[] {
    return operation === undefined ? [...this.parts.requests] : this.parts.requests.filter((r) => r.operation === operation);
  }

  /** Revokes every token issued so far: calls with them are 401 until the client authenticates again. */
  revokeTokens(): void {
    this.parts.world.identity.revokeAll();
  }

  /**
   * Sets a server's status directly (no API call) for state-mapping tests: its task state and
   * power state follow; ERROR gets `fault` (default code 500, message `Unknown`).
   */
  setServerStatus(id: string, status: ServerStatus, fault?: { readonly code?: number | undefined; readonly message?: string | undefined; readonly details?: string | undefined }): void {
    const { state } = this.parts;
    state.advance();
    const server = state.compute.servers.get(id);
    if (!server) throw new Error(`[novacron] [openstack-emulator] no server ${id}`);
    if (!SERVER_STATUSES.includes(status)) throw new Error(`[novacron] [openstack-emulator] unknown server status ${String(status)}`);
    state.compute.force(server, status, fault && { code: fault.code ?? 500, message: fault.message ?? 'Unknown', details: fault.details ?? '' });
  }
}

/** The zones of the options, checked: at least one, no duplicates, none empty. */
function availabilityZonesOf(options: OpenStackEmulatorOptions): readonly string[] {
  const zones = options.availabilityZones ?? (options.availabilityZone !== undefined ? [options.availabilityZone] : ['az-1', 'az-2']);
  if (zones.length === 0 || zones.some((z) => typeof z !== 'string' || z === '' || z === 'internal') || new Set(zones).size !== zones.length) {
    throw new RangeError(`[novacron] [openstack-emulator] availabilityZones must be distinct non-empty names other than "internal"; got ${JSON.stringify(zones)}`);
  }
  return [...zones];
}

/**
 * Starts an OpenStack emulator (Keystone, Nova, Glance, Neutron) on 127.0.0.1 over https.
 * Works in plain Node (no test runner needed); see {@link OpenStackEmulator} for an example.
 */
export function startOpenStackEmulator(options: OpenStackEmulatorOptions = {}): Promise<OpenStackEmulator> {
  return OpenStackEmulator.start(options);
}
