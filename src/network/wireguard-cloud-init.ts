/**
 * cloud-init user data (`#cloud-config`) that turns a fresh VM into a node of an overlay:
 * installs `wireguard-tools`, writes the node's wg-quick config as root-only (0600), turns on IP
 * forwarding on gateway nodes (a hub, or a node with site subnets behind it), and brings the
 * interface up with `wg-quick up` (and enables it for reboots).
 *
 * Kernels without the WireGuard module (some container hosts, old kernels) get `wireguard-go`,
 * the userspace implementation: wg-quick falls back to it by itself when the module is missing.
 *
 * The text holds the node's private key: pass it as the VM's `userData` (which novacron never
 * stores or logs in plain text) and nowhere else.
 */
import type { SecretVault } from './secret-vault.js';
import { renderWireGuardConfig } from './wireguard-config.js';
import { overlayNode, type OverlayPlan } from './wireguard-overlay.js';

/** Options of {@link renderOverlayCloudInit}. */
export interface OverlayCloudInitOptions {
  /** Where the node's private key is read from. */
  readonly vault: Pick<SecretVault, 'read'>;
  /**
   * Install `wireguard-go` when the kernel has no WireGuard module (default `true`): the
   * commands try `modprobe wireguard` first and install it only then.
   */
  readonly userspaceFallback?: boolean | undefined;
  /** Cancels the vault read. */
  readonly signal?: AbortSignal | undefined;
}

/** The lines of a YAML literal block, indented by `indent` spaces. */
function literalBlock(text: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line.length === 0 ? '' : pad + line))
    .join('\n');
}

/** A YAML single-quoted scalar. */
function quoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The `#cloud-config` user data of one node. */
export async function renderOverlayCloudInit(plan: OverlayPlan, nodeName: string, options: OverlayCloudInitOptions): Promise<string> {
  const node = overlayNode(plan, nodeName);
  const config = await renderWireGuardConfig(plan, nodeName, { vault: options.vault, form: 'wg-quick', signal: options.signal });
  const iface = plan.interfaceName;
  const path = `/etc/wireguard/${iface}.conf`;
  const out: string[] = [
    '#cloud-config',
    `# novacron overlay ${plan.name}: node ${node.name} (${node.address})`,
    'package_update: true',
    'packages:',
    '  - wireguard-tools',
    'write_files:',
    `  - path: ${path}`,
    "    owner: 'root:root'",
    "    permissions: '0600'",
    '    content: |',
    literalBlock(config, 6),
  ];
  if (node.gateway) {
    out.push(
      '  - path: /etc/sysctl.d/99-novacron-wireguard.conf',
      "    owner: 'root:root'",
      "    permissions: '0644'",
      '    content: |',
      '      net.ipv4.ip_forward = 1',
      '      net.ipv6.conf.all.forwarding = 1',
    );
  }
  out.push('runcmd:');
  if (options.userspaceFallback !== false) {
    const fallback = 'modprobe wireguard 2>/dev/null || (apt-get install -y wireguard-go || dnf install -y wireguard-go || yum install -y wireguard-go)';
    out.push(`  - [sh, -c, ${quoted(fallback)}]`);
  }
  if (node.gateway) out.push('  - [sysctl, --system]');
  out.push(`  - [chmod, '0600', ${quoted(path)}]`, `  - [wg-quick, up, ${quoted(iface)}]`, `  - [systemctl, enable, ${quoted(`wg-quick@${iface}`)}]`);
  return `${out.join('\n')}\n`;
}
