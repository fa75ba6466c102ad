/**
 * The WireGuard overlay as a plan: which nodes there are, their overlay addresses, public keys
 * and endpoints, and the topology that decides who peers with whom. A plan is plain data with
 * no secret in it — private keys sit in the host's {@link SecretVault} and the plan holds their
 * {@link SecretRef}s — so it can be stored, diffed and logged.
 *
 * Peers follow from the plan ({@link overlayPeersOf}); nothing is stored twice:
 * - mesh: every node peers with every other; a peer's AllowedIPs are its overlay /32 and the
 *   site subnets behind it;
 * - hub-and-spoke: the hub peers with every spoke (AllowedIPs as in a mesh); a spoke has one
 *   peer, the hub, whose AllowedIPs are the whole overlay and every other site's subnets.
 * A peer with a public endpoint gets `Endpoint`; a node behind NAT (no endpoint of its own)
 * sends `PersistentKeepalive` to its peers so that the NAT keeps the mapping open.
 *
 * Key rotation is staged so that the mesh stays up ({@link advanceKeyRotation}): `staged` — the
 * new public key is added to every peer's config beside the old one (no AllowedIPs yet), the
 * node still uses the old key; `switched` — the node uses the new key and the peers' AllowedIPs
 * move to it (applied with `wg syncconf`, the interface stays up; traffic resumes after one
 * handshake); then the old key is removed from the peers and from the vault.
 */
import { addressAt, cidrContains, cidrsOverlap, isIpAddress, parseCidr, type Cidr } from '../provider/cidr.js';
import { ConflictError, InvalidSpecError, NotFoundError } from '../provider/errors.js';
import type { SecretRef } from '../provider/network-types.js';
import type { SecretVault } from './secret-vault.js';
import { generateWireGuardKeyPair } from './wireguard-keys.js';

/** A node of the overlay, as asked for. */
export interface OverlayNodeInput {
  /** Node name, unique in the overlay: lower-case letters, digits and dashes. */
  readonly name: string;
  /** Provider the node runs on (said in comments and used by `deployNode` later). */
  readonly provider?: string | undefined;
  /**
   * The node's public endpoint, `host:port` (`[v6]:port`) or a host (then `listenPort`); absent
   * for a node behind NAT, which dials out to peers that have one.
   */
  readonly endpoint?: string | undefined;
  /** UDP port the node listens on (default the overlay's `listenPort`). */
  readonly listenPort?: number | undefined;
  /** Site subnets behind the node (a VPC's ranges): routed through it, so it forwards IP. */
  readonly subnets?: readonly string[] | undefined;
  /** A fixed overlay address (a /32 inside the overlay CIDR); default the lowest free one. */
  readonly address?: string | undefined;
}

/** What {@link planOverlay} is asked. */
export interface OverlayPlanInput {
  /** Overlay name, used in secret names and interface comments (lower-case letters, digits, dashes). */
  readonly name: string;
  /** The overlay's range (default `100.96.0.0/16`, inside carrier-grade NAT space that clouds do not use for VPCs). */
  readonly cidr?: string | undefined;
  /** `mesh` (default) or `hub-and-spoke`. */
  readonly topology?: 'mesh' | 'hub-and-spoke' | undefined;
  /** The hub's name, for hub-and-spoke (it needs a public endpoint). */
  readonly hub?: string | undefined;
  /** Interface MTU (default 1420: 1500 less WireGuard's 80 bytes of IPv6 overhead). */
  readonly mtu?: number | undefined;
  /** Keepalive interval in seconds for nodes behind NAT (default 25). */
  readonly persistentKeepalive?: number | undefined;
  /** Default UDP listen port (default 51820). */
  readonly listenPort?: number | undefined;
  /** Interface name (default `wg0`). */
  readonly interfaceName?: string | undefined;
  /** The nodes. */
  readonly nodes: readonly OverlayNodeInput[];
}

/** A key of a node: its public half and where its private half is kept. */
export interface OverlayNodeKey {
  /** Public key (base64). */
  readonly publicKey: string;
  /** Where the private key is kept. */
  readonly privateKeyRef: SecretRef;
  /** 1 for the first key, one more per rotation. */
  readonly version: number;
}

/** A node of a plan. */
export interface OverlayNode {
  /** Node name. */
  readonly name: string;
  /** Provider, when given. */
  readonly provider: string | undefined;
  /** Overlay address with its /32 (`100.96.0.1/32`). */
  readonly address: string;
  /** Public endpoint `host:port`, or `undefined` behind NAT. */
  readonly endpoint: string | undefined;
  /** UDP listen port, or `undefined` to let the kernel pick (a NAT'ed node). */
  readonly listenPort: number | undefined;
  /** Site subnets routed through it. */
  readonly subnets: readonly string[];
  /** It forwards traffic (a hub, or a node with site subnets): IP forwarding is turned on. */
  readonly gateway: boolean;
  /** The key in use. */
  readonly key: OverlayNodeKey;
  /** A rotation under way: the next key and how far it has gone. */
  readonly rotation: OverlayKeyRotation | undefined;
}

/** A key rotation under way (see {@link advanceKeyRotation}). */
export interface OverlayKeyRotation {
  /** `staged`: peers know the next key, the node uses the previous one; `switched`: the node uses the next one. */
  readonly stage: 'staged' | 'switched';
  /** The key being replaced. */
  readonly previous: OverlayNodeKey;
  /** The key replacing it. */
  readonly next: OverlayNodeKey;
}

/** An overlay plan: plain data, no secrets. */
export interface OverlayPlan {
  /** Plan format version. */
  readonly version: 1;
  /** Overlay name. */
  readonly name: string;
  /** Overlay range. */
  readonly cidr: string;
  /** Topology. */
  readonly topology: 'mesh' | 'hub-and-spoke';
  /** The hub, for hub-and-spoke. */
  readonly hub: string | undefined;
  /** Interface MTU. */
  readonly mtu: number;
  /** Keepalive seconds for nodes behind NAT. */
  readonly persistentKeepalive: number;
  /** Default listen port. */
  readonly listenPort: number;
  /** Interface name. */
  readonly interfaceName: string;
  /** Nodes, in the order they were added. */
  readonly nodes: readonly OverlayNode[];
  /** Things that will not work as planned (two nodes behind NAT in a mesh cannot reach each other). */
  readonly warnings: readonly string[];
}

/** One `[Peer]` of a node's config. */
export interface OverlayPeer {
  /** The peer node's name. */
  readonly node: string;
  /** Its public key. */
  readonly publicKey: string;
  /** What is routed to it (empty for a key staged by a rotation). */
  readonly allowedIps: readonly string[];
  /** Where to reach it, when it has a public endpoint. */
  readonly endpoint: string | undefined;
  /** Keepalive seconds, when this node is behind NAT. */
  readonly persistentKeepalive: number | undefined;
}

/** Options of the calls that write or delete keys. */
export interface OverlayKeyOptions {
  /** Where private keys are kept. */
  readonly vault: SecretVault;
  /** Cancels the vault calls. */
  readonly signal?: AbortSignal | undefined;
}

const NAME = /^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/;
const INTERFACE = /^[A-Za-z0-9_=+.-]{1,15}$/;
const DEFAULT_OVERLAY_CIDR = '100.96.0.0/16';

function invalid(field: string, message: string): InvalidSpecError {
  return new InvalidSpecError({ issues: [{ field, message }] });
}

function checkPort(port: number, field: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(field, 'must be a port number between 1 and 65535');
  return port;
}

/** `host:port` with the port filled in, IPv6 hosts in brackets; `InvalidSpecError` for malformed text. */
export function normalizeEndpoint(endpoint: string, defaultPort: number, field: string): string {
  const m = /^\[([0-9A-Fa-f:.]+)\]:([0-9]{1,5})$/.exec(endpoint) ?? /^([A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(endpoint);
  if (m) return `${m[0].startsWith('[') ? `[${m[1]}]` : m[1]}:${checkPort(Number(m[2]), field)}`;
  if (endpoint.includes(':') && isIpAddress(endpoint)) return `[${endpoint}]:${defaultPort}`;
  if (/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(endpoint)) return `${endpoint}:${defaultPort}`;
  throw invalid(field, 'must be host:port, [ipv6]:port or a host name');
}

/** The secret name of a node's private key of one version. */
function keySecretName(overlay: string, node: string, version: number): string {
  return `novacron/wireguard/${overlay}/${node}/private-key-v${version}`;
}

async function newKey(overlay: string, node: string, version: number, options: OverlayKeyOptions): Promise<OverlayNodeKey> {
  const pair = generateWireGuardKeyPair();
  const privateKeyRef = await options.vault.write(keySecretName(overlay, node, version), pair.privateKey, { signal: options.signal });
  return { publicKey: pair.publicKey, privateKeyRef, version };
}

/** Host addresses of the overlay, lowest first, skipping its network address (and, for IPv4, its broadcast address). */
function nextFreeAddress(range: Cidr, taken: ReadonlySet<string>): string {
  const hosts = range.last - range.first + 1n;
  const usable = range.version === 4 && range.prefix <= 30 ? hosts - 1n : hosts;
  for (let i = 1n; i < usable; i++) {
    const address = `${addressAt(range, i)}/${range.version === 4 ? 32 : 128}`;
    if (!taken.has(address)) return address;
  }
  throw new InvalidSpecError({ issues: [{ field: 'cidr', message: `the overlay ${range.text} has no free address left` }] });
}

/** Checks a node's input against the plan so far and returns the node without its key. */
function placeNode(plan: Omit<OverlayPlan, 'nodes' | 'warnings'>, existing: readonly OverlayNode[], input: OverlayNodeInput, field: string): Omit<OverlayNode, 'key' | 'rotation'> {
  if (typeof input.name !== 'string' || !NAME.test(input.name)) throw invalid(`${field}.name`, 'must be lower-case letters, digits and dashes, starting with a letter (at most 32)');
  if (existing.some((n) => n.name === input.name)) throw new ConflictError({ message: `the overlay already has a node named "${input.name}"` });
  const range = parseCidr(plan.cidr);
  const port = checkPort(input.listenPort ?? plan.listenPort, `${field}.listenPort`);
  const endpoint = input.endpoint === undefined ? undefined : normalizeEndpoint(input.endpoint, port, `${field}.endpoint`);
  const subnets = (input.subnets ?? []).map((s, i) => {
    const cidr = parseCidr(s, { field: `${field}.subnets[${i}]` });
    if (cidrsOverlap(cidr, range)) throw invalid(`${field}.subnets[${i}]`, `${cidr.text} overlaps the overlay ${range.text}`);
    const other = existing.find((n) => n.subnets.some((t) => cidrsOverlap(parseCidr(t), cidr)));
    if (other) throw invalid(`${field}.subnets[${i}]`, `${cidr.text} overlaps a subnet of node "${other.name}"`);
    return cidr.text;
  });
  const taken = new Set(existing.map((n) => n.address));
  let address: string;
  if (input.address !== undefined) {
    const fixed = parseCidr(input.address.includes('/') ? input.address : `${input.address}/${range.version === 4 ? 32 : 128}`, { field: `${field}.address` });
    if (!cidrContains(range, fixed) || fixed.first !== fixed.last) throw invalid(`${field}.address`, `must be one address inside the overlay ${range.text}`);
    if (taken.has(fixed.text)) throw invalid(`${field}.address`, `${fixed.text} is already taken`);
    address = fixed.text;
  } else {
    address = nextFreeAddress(range, taken);
  }
  const isHub = plan.topology === 'hub-and-spoke' && plan.hub === input.name;
  return {
    name: input.name,
    provider: input.provider,
    address,
    endpoint,
    listenPort: endpoint !== undefined || input.listenPort !== undefined || isHub ? port : undefined,
    subnets,
    gateway: isHub || subnets.length > 0,
  };
}

function warningsOf(plan: Omit<OverlayPlan, 'warnings'>): string[] {
  const warnings: string[] = [];
  if (plan.topology === 'mesh') {
    const natted = plan.nodes.filter((n) => n.endpoint === undefined).map((n) => n.name);
    for (let i = 0; i < natted.length; i++) {
      for (let j = i + 1; j < natted.length; j++) warnings.push(`nodes "${natted[i]}" and "${natted[j]}" are both behind NAT: neither can reach the other directly (give one an endpoint, or use hub-and-spoke)`);
    }
  }
  return warnings;
}

function withNodes(plan: Omit<OverlayPlan, 'nodes' | 'warnings'>, nodes: readonly OverlayNode[]): OverlayPlan {
  const next = { ...plan, nodes };
  return { ...next, warnings: warningsOf(next) };
}

/**
 * Plans an overlay: checks the input, allocates each node's overlay address (a /32, lowest free
 * first, in input order) and writes a new key pair per node to the vault. `InvalidSpecError`
 * names the offending field.
 */
export async function planOverlay(input: OverlayPlanInput, options: OverlayKeyOptions): Promise<OverlayPlan> {
  if (typeof input.name !== 'string' || !NAME.test(input.name)) throw invalid('name', 'must be lower-case letters, digits and dashes, starting with a letter (at most 32)');
  const topology = input.topology ?? 'mesh';
  if (topology !== 'mesh' && topology !== 'hub-and-spoke') throw invalid('topology', 'must be mesh or hub-and-spoke');
  const interfaceName = input.interfaceName ?? 'wg0';
  if (!INTERFACE.test(interfaceName)) throw invalid('interfaceName', 'must be 1–15 characters of letters, digits and _=+.-');
  const mtu = input.mtu ?? 1420;
  if (!Number.isInteger(mtu) || mtu < 1280 || mtu > 9000) throw invalid('mtu', 'must be a whole number between 1280 and 9000');
  const keepalive = input.persistentKeepalive ?? 25;
  if (!Number.isInteger(keepalive) || keepalive < 1 || keepalive > 65535) throw invalid('persistentKeepalive', 'must be a whole number of seconds between 1 and 65535');
  const range = parseCidr(input.cidr ?? DEFAULT_OVERLAY_CIDR, { field: 'cidr' });
  if (topology === 'hub-and-spoke') {
    const hub = input.nodes.find((n) => n.name === input.hub);
    if (hub === undefined) throw invalid('hub', `must name one of the nodes (${input.nodes.map((n) => n.name).join(', ')})`);
    if (hub.endpoint === undefined) throw invalid('hub', `the hub "${hub.name}" needs a public endpoint: spokes dial it`);
  }
  const base = {
    version: 1 as const,
    name: input.name,
    cidr: range.text,
    topology,
    hub: topology === 'hub-and-spoke' ? input.hub : undefined,
    mtu,
    persistentKeepalive: keepalive,
    listenPort: checkPort(input.listenPort ?? 51820, 'listenPort'),
    interfaceName,
  };
  // Fixed addresses are taken first, so that a later node's default never lands on one.
  const fixed = input.nodes.filter((n) => n.address !== undefined);
  const ordered = [...fixed, ...input.nodes.filter((n) => n.address === undefined)];
  const placed: Omit<OverlayNode, 'key' | 'rotation'>[] = [];
  for (const n of ordered) placed.push(placeNode(base, placed as OverlayNode[], n, `nodes[${input.nodes.indexOf(n)}]`));
  const nodes: OverlayNode[] = [];
  for (const n of input.nodes) {
    const node = placed.find((p) => p.name === n.name)!;
    nodes.push({ ...node, key: await newKey(input.name, node.name, 1, options), rotation: undefined });
  }
  return withNodes(base, nodes);
}

/** Adds a node to a plan (its address the lowest free one, unless fixed) and writes its key. */
export async function addOverlayNode(plan: OverlayPlan, input: OverlayNodeInput, options: OverlayKeyOptions): Promise<OverlayPlan> {
  const node = placeNode(plan, plan.nodes, input, 'node');
  return withNodes(plan, [...plan.nodes, { ...node, key: await newKey(plan.name, node.name, 1, options), rotation: undefined }]);
}

function findNode(plan: OverlayPlan, name: string): OverlayNode {
  const node = plan.nodes.find((n) => n.name === name);
  if (node === undefined) throw new NotFoundError({ message: `the overlay "${plan.name}" has no node "${name}"`, resourceType: 'overlay-node', resourceId: name });
  return node;
}

/**
 * Removes a node: the other nodes' configs no longer list it, and its keys leave the vault. The
 * hub of a hub-and-spoke overlay cannot be removed (`ConflictError`): plan a new hub first.
 */
export async function removeOverlayNode(plan: OverlayPlan, name: string, options: OverlayKeyOptions): Promise<OverlayPlan> {
  const node = findNode(plan, name);
  if (plan.topology === 'hub-and-spoke' && plan.hub === name) throw new ConflictError({ message: `"${name}" is the hub of overlay "${plan.name}"; plan a new hub before removing it` });
  const next = withNodes(plan, plan.nodes.filter((n) => n.name !== name));
  for (const key of [node.key, node.rotation?.next, node.rotation?.previous]) if (key) await options.vault.remove(key.privateKeyRef, { signal: options.signal });
  return next;
}

/**
 * Gives a node its public endpoint once it is known (a gateway VM that has just received its
 * public IP): `host` or `host:port`, the node's listen port filled in. Peers' configs list it from
 * then on; the node's own config does not change.
 */
export function setOverlayNodeEndpoint(plan: OverlayPlan, name: string, endpoint: string): OverlayPlan {
  const node = findNode(plan, name);
  const normalized = normalizeEndpoint(endpoint, node.listenPort ?? plan.listenPort, 'endpoint');
  if (node.endpoint === normalized) return plan;
  return withNodes(plan, plan.nodes.map((n) => (n.name === name ? { ...n, endpoint: normalized, listenPort: n.listenPort ?? plan.listenPort } : n)));
}

/** Makes a node listen on a fixed UDP port (default the overlay's), as a node with a public IP does; no change when it already listens. */
export function setOverlayNodeListenPort(plan: OverlayPlan, name: string, port?: number): OverlayPlan {
  const node = findNode(plan, name);
  if (node.listenPort !== undefined && port === undefined) return plan;
  const listenPort = checkPort(port ?? plan.listenPort, 'listenPort');
  if (node.listenPort === listenPort) return plan;
  return withNodes(plan, plan.nodes.map((n) => (n.name === name ? { ...n, listenPort } : n)));
}

/**
 * Moves a node's key rotation one stage on (see the module comment): no rotation → `staged`
 * (a new key in the vault, announced to peers) → `switched` (the node uses it) → done (the old
 * key leaves the peers and the vault). Render and apply every node's config after each stage.
 */
export async function advanceKeyRotation(plan: OverlayPlan, name: string, options: OverlayKeyOptions): Promise<OverlayPlan> {
  const node = findNode(plan, name);
  let updated: OverlayNode;
  if (node.rotation === undefined) {
    const next = await newKey(plan.name, name, node.key.version + 1, options);
    updated = { ...node, rotation: { stage: 'staged', previous: node.key, next } };
  } else if (node.rotation.stage === 'staged') {
    updated = { ...node, key: node.rotation.next, rotation: { ...node.rotation, stage: 'switched' } };
  } else {
    await options.vault.remove(node.rotation.previous.privateKeyRef, { signal: options.signal });
    updated = { ...node, rotation: undefined };
  }
  return withNodes(plan, plan.nodes.map((n) => (n.name === name ? updated : n)));
}

/** What is routed to `peer` from a node that peers with it. */
function allowedIpsFor(plan: OverlayPlan, self: OverlayNode, peer: OverlayNode): string[] {
  if (plan.topology === 'hub-and-spoke' && peer.name === plan.hub) {
    // A spoke reaches everything through the hub: the whole overlay and every other site.
    return [plan.cidr, ...plan.nodes.filter((n) => n.name !== self.name).flatMap((n) => n.subnets)];
  }
  return [peer.address, ...peer.subnets];
}

/** The `[Peer]` sections of one node's config, in plan order. */
export function overlayPeersOf(plan: OverlayPlan, name: string): OverlayPeer[] {
  const self = findNode(plan, name);
  const others = plan.topology === 'mesh' || name === plan.hub ? plan.nodes.filter((n) => n.name !== name) : plan.nodes.filter((n) => n.name === plan.hub);
  const keepalive = self.endpoint === undefined ? plan.persistentKeepalive : undefined;
  const peers: OverlayPeer[] = [];
  for (const peer of others) {
    const allowedIps = allowedIpsFor(plan, self, peer);
    const base = { node: peer.name, endpoint: peer.endpoint, persistentKeepalive: peer.endpoint !== undefined ? keepalive : undefined };
    const rotation = peer.rotation;
    if (rotation?.stage === 'staged') {
      peers.push({ ...base, publicKey: rotation.previous.publicKey, allowedIps });
      peers.push({ ...base, publicKey: rotation.next.publicKey, allowedIps: [] });
    } else if (rotation?.stage === 'switched') {
      peers.push({ ...base, publicKey: rotation.next.publicKey, allowedIps });
      peers.push({ ...base, publicKey: rotation.previous.publicKey, allowedIps: [] });
    } else {
      peers.push({ ...base, publicKey: peer.key.publicKey, allowedIps });
    }
  }
  return peers;
}

/** The node of a plan, by name; `NotFoundError` when there is none. */
export function overlayNode(plan: OverlayPlan, name: string): OverlayNode {
  return findNode(plan, name);
}

/** Every secret a plan references (the teardown of an overlay removes them all). */
export function overlaySecretRefs(plan: OverlayPlan): SecretRef[] {
  return plan.nodes.flatMap((n) => [n.key, ...(n.rotation ? [n.rotation.previous, n.rotation.next] : [])].map((k) => k.privateKeyRef)).filter((ref, i, all) => all.findIndex((r) => r.secret === ref.secret) === i);
}
