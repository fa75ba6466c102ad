/**
 * WireGuard configuration text: rendering a node's config from an {@link OverlayPlan}, in the
 * two forms the tools read, and a strict parser of both.
 *
 * - `wg-quick`: what `/etc/wireguard/wg0.conf` holds. `[Interface]` has the wg-quick-only keys
 *   `Address`, `MTU` (and `DNS`, `Table`, `PostUp`, ... which novacron does not write) besides
 *   `PrivateKey` and `ListenPort`.
 * - `setconf`: what `wg setconf`/`wg syncconf` read (the output of `wg-quick strip`): the same
 *   sections without the wg-quick-only keys.
 *
 * The parser follows the grammar of `wg(8)` and `wg-quick(8)`: sections `[Interface]` (once,
 * first) and `[Peer]`, `Key = Value` lines, `#` comments, case-insensitive keys; it refuses an
 * unknown key, a key that does not belong to the form, a repeated key (AllowedIPs may repeat),
 * malformed keys, CIDRs, endpoints and numbers. Private keys are never quoted in its errors.
 */
import { parseCidr } from '../provider/cidr.js';
import { InvalidSpecError } from '../provider/errors.js';
import type { SecretVault } from './secret-vault.js';
import { isWireGuardKey } from './wireguard-keys.js';
import { normalizeEndpoint, overlayNode, overlayPeersOf, type OverlayPlan } from './wireguard-overlay.js';

/** The two config forms. */
export type WireGuardConfigForm = 'wg-quick' | 'setconf';

/** Options of {@link renderWireGuardConfig}. */
export interface RenderWireGuardOptions {
  /** Where the node's private key is read from. */
  readonly vault: Pick<SecretVault, 'read'>;
  /** `wg-quick` (default) or `setconf`. */
  readonly form?: WireGuardConfigForm | undefined;
  /** Cancels the vault read. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * A node's config text. It holds the node's private key, read from the vault for this render:
 * write it to a 0600 file or the VM's user data, never to a log.
 */
export async function renderWireGuardConfig(plan: OverlayPlan, nodeName: string, options: RenderWireGuardOptions): Promise<string> {
  const node = overlayNode(plan, nodeName);
  const form = options.form ?? 'wg-quick';
  const privateKey = await options.vault.read(node.key.privateKeyRef, { signal: options.signal });
  const quick = form === 'wg-quick';
  const lines: string[] = [];
  if (quick) lines.push(`# novacron overlay ${plan.name}: node ${node.name}${node.provider ? ` on ${node.provider}` : ''} (${plan.topology})`);
  lines.push('[Interface]');
  if (quick) lines.push(`Address = ${node.address}`);
  if (node.listenPort !== undefined) lines.push(`ListenPort = ${node.listenPort}`);
  lines.push(`PrivateKey = ${privateKey}`);
  if (quick) lines.push(`MTU = ${plan.mtu}`);
  for (const peer of overlayPeersOf(plan, nodeName)) {
    lines.push('');
    if (quick) lines.push(`# ${peer.node}`);
    lines.push('[Peer]', `PublicKey = ${peer.publicKey}`);
    if (peer.allowedIps.length > 0) lines.push(`AllowedIPs = ${peer.allowedIps.join(', ')}`);
    if (peer.endpoint !== undefined) lines.push(`Endpoint = ${peer.endpoint}`);
    if (peer.persistentKeepalive !== undefined) lines.push(`PersistentKeepalive = ${peer.persistentKeepalive}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The `[Interface]` section, parsed. */
export interface ParsedWireGuardInterface {
  /** `PrivateKey`. */
  readonly privateKey: string | undefined;
  /** `ListenPort`. */
  readonly listenPort: number | undefined;
  /** `FwMark`. */
  readonly fwMark: number | undefined;
  /** `Address` entries (wg-quick). */
  readonly addresses: readonly string[];
  /** `MTU` (wg-quick). */
  readonly mtu: number | undefined;
  /** `DNS` entries (wg-quick). */
  readonly dns: readonly string[];
  /** Any other wg-quick key (`Table`, `PreUp`, `PostUp`, `PreDown`, `PostDown`, `SaveConfig`), by its name as written. */
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** A `[Peer]` section, parsed. */
export interface ParsedWireGuardPeer {
  /** `PublicKey`. */
  readonly publicKey: string;
  /** `PresharedKey`. */
  readonly presharedKey: string | undefined;
  /** `AllowedIPs`, canonical CIDRs. */
  readonly allowedIps: readonly string[];
  /** `Endpoint`. */
  readonly endpoint: string | undefined;
  /** `PersistentKeepalive` seconds (`off` is 0). */
  readonly persistentKeepalive: number | undefined;
}

/** A parsed config. */
export interface ParsedWireGuardConfig {
  /** The `[Interface]` section. */
  readonly interface: ParsedWireGuardInterface;
  /** The `[Peer]` sections, in order. */
  readonly peers: readonly ParsedWireGuardPeer[];
}

const INTERFACE_KEYS = ['PrivateKey', 'ListenPort', 'FwMark'];
const QUICK_INTERFACE_KEYS = ['Address', 'MTU', 'DNS', 'Table', 'PreUp', 'PostUp', 'PreDown', 'PostDown', 'SaveConfig'];
const PEER_KEYS = ['PublicKey', 'PresharedKey', 'AllowedIPs', 'Endpoint', 'PersistentKeepalive'];
/** Keys that may appear more than once (their values add up). */
const LIST_KEYS = new Set(['allowedips', 'address', 'dns', 'preup', 'postup', 'predown', 'postdown']);

function canonicalKey(name: string, allowed: readonly string[]): string | undefined {
  return allowed.find((k) => k.toLowerCase() === name.toLowerCase());
}

function integer(value: string, min: number, max: number, field: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidSpecError({ issues: [{ field, message: `must be a whole number between ${min} and ${max}, got ${JSON.stringify(value)}` }] });
  return Number(value);
}

function key(value: string, field: string): string {
  if (!isWireGuardKey(value)) throw new InvalidSpecError({ issues: [{ field, message: 'is not a base64 WireGuard key of 32 bytes' }] });
  return value;
}

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * Parses a config of one form; `InvalidSpecError` names the line (`line 7: AllowedIPs`) and
 * what is wrong. In the `setconf` form, wg-quick-only keys are refused, as `wg setconf` refuses them.
 */
export function parseWireGuardConfig(text: string, form: WireGuardConfigForm = 'wg-quick'): ParsedWireGuardConfig {
  type Section = { kind: 'interface' | 'peer'; values: Map<string, string[]>; line: number };
  const sections: Section[] = [];
  const interfaceKeys = form === 'wg-quick' ? [...INTERFACE_KEYS, ...QUICK_INTERFACE_KEYS] : INTERFACE_KEYS;
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.replace(/#.*$/, '').trim();
    if (line.length === 0) return;
    const fail = (message: string): never => {
      throw new InvalidSpecError({ issues: [{ field: `line ${lineNo}`, message }] });
    };
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      const kind = header[1]!.toLowerCase();
      if (kind !== 'interface' && kind !== 'peer') fail(`unknown section [${header[1]}]`);
      if (kind === 'interface' && sections.length > 0) fail('[Interface] must come once, first');
      if (kind === 'peer' && sections.length === 0) fail('[Peer] before [Interface]');
      sections.push({ kind: kind as 'interface' | 'peer', values: new Map(), line: lineNo });
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) fail('expected "Key = Value" or a [Section]');
    const name = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const section = sections.at(-1) ?? fail(`"${name}" outside a section`);
    const allowed = section.kind === 'interface' ? interfaceKeys : PEER_KEYS;
    const canonical = canonicalKey(name, allowed);
    if (canonical === undefined) {
      const quickOnly = section.kind === 'interface' && canonicalKey(name, QUICK_INTERFACE_KEYS) !== undefined;
      fail(quickOnly ? `${name} is a wg-quick key; the setconf form does not take it` : `unknown key ${name} in [${section.kind === 'interface' ? 'Interface' : 'Peer'}]`);
    }
    const lower = canonical!.toLowerCase();
    const seen = section.values.get(lower);
    if (seen !== undefined && !LIST_KEYS.has(lower)) fail(`${canonical} appears twice in one section`);
    if (value.length === 0 && lower !== 'allowedips') fail(`${canonical} has no value`);
    section.values.set(lower, [...(seen ?? []), value]);
  });
  const head = sections[0];
  if (head === undefined) throw new InvalidSpecError({ issues: [{ field: '(config)', message: 'has no [Interface] section' }] });
  const one = (s: Section, k: string): string | undefined => s.values.get(k)?.[0];
  const at = (s: Section, k: string): string => `[${s.kind === 'interface' ? 'Interface' : 'Peer'} at line ${s.line}].${k}`;
  const privateKey = one(head, 'privatekey');
  const iface: ParsedWireGuardInterface = {
    privateKey: privateKey === undefined ? undefined : key(privateKey, at(head, 'PrivateKey')),
    listenPort: one(head, 'listenport') === undefined ? undefined : integer(one(head, 'listenport')!, 0, 65535, at(head, 'ListenPort')),
    fwMark: one(head, 'fwmark') === undefined || one(head, 'fwmark') === 'off' ? undefined : integer(one(head, 'fwmark')!, 0, 4294967295, at(head, 'FwMark')),
    addresses: (head.values.get('address') ?? []).flatMap(list).map((a) => interfaceAddress(a, at(head, 'Address'))),
    mtu: one(head, 'mtu') === undefined ? undefined : integer(one(head, 'mtu')!, 576, 65535, at(head, 'MTU')),
    dns: (head.values.get('dns') ?? []).flatMap(list),
    extra: Object.fromEntries(
      [...head.values.entries()].filter(([k]) => ['table', 'preup', 'postup', 'predown', 'postdown', 'saveconfig'].includes(k)).map(([k, vals]) => [canonicalKey(k, QUICK_INTERFACE_KEYS)!, vals]),
    ),
  };
  const publicKeys = new Set<string>();
  const peers = sections.slice(1).map((s): ParsedWireGuardPeer => {
    const publicKey = one(s, 'publickey');
    if (publicKey === undefined) throw new InvalidSpecError({ issues: [{ field: at(s, 'PublicKey'), message: 'a [Peer] needs a PublicKey' }] });
    key(publicKey, at(s, 'PublicKey'));
    if (publicKeys.has(publicKey)) throw new InvalidSpecError({ issues: [{ field: at(s, 'PublicKey'), message: 'the same public key is listed for two peers' }] });
    publicKeys.add(publicKey);
    const endpoint = one(s, 'endpoint');
    const keepalive = one(s, 'persistentkeepalive');
    const psk = one(s, 'presharedkey');
    return {
      publicKey,
      presharedKey: psk === undefined ? undefined : key(psk, at(s, 'PresharedKey')),
      allowedIps: (s.values.get('allowedips') ?? []).flatMap(list).map((c) => parseCidr(c, { field: at(s, 'AllowedIPs') }).text),
      endpoint: endpoint === undefined ? undefined : checkedEndpoint(endpoint, at(s, 'Endpoint')),
      persistentKeepalive: keepalive === undefined ? undefined : keepalive === 'off' ? 0 : integer(keepalive, 0, 65535, at(s, 'PersistentKeepalive')),
    };
  });
  return { interface: iface, peers };
}

/** An interface address is an address with its prefix (`10.0.0.1/24`: host bits are the point). */
function interfaceAddress(value: string, field: string): string {
  if (!value.includes('/')) throw new InvalidSpecError({ issues: [{ field, message: `"${value}" needs a prefix length (10.0.0.1/32)` }] });
  parseCidr(value, { field, lenient: true });
  return value;
}

/** An endpoint must carry its port in a config (`wg` refuses one without). */
function checkedEndpoint(value: string, field: string): string {
  if (!/:[0-9]{1,5}$/.test(value)) throw new InvalidSpecError({ issues: [{ field, message: `"${value}" needs a port (host:port)` }] });
  return normalizeEndpoint(value, 51820, field);
}
