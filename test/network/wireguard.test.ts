/** WireGuard keys, overlay planning, config rendering and parsing, cloud-init, rotation and removal. */
import { execFileSync, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  advanceKeyRotation,
  createMemorySecretVault,
  generateWireGuardKeyPair,
  isWireGuardKey,
  overlayPeersOf,
  overlaySecretRefs,
  parseWireGuardConfig,
  planOverlay,
  removeOverlayNode,
  addOverlayNode,
  renderOverlayCloudInit,
  renderWireGuardConfig,
  wireGuardPublicKey,
  type OverlayPlan,
} from '../../src/network/index.js';
import { InvalidSpecError } from '../../src/provider/errors.js';
import { rejectionOf, thrownBy } from '../helpers.js';

const hasWg = spawnSync('wg', ['--version'], { encoding: 'utf8' }).status === 0;
const wgPubkey = (privateKey: string): string => execFileSync('wg', ['pubkey'], { input: `${privateKey}\n`, encoding: 'utf8' }).trim();

describe('WireGuard keys', () => {
  it('derive the RFC 7748 section 6.1 public keys (Alice and Bob) from their private keys', () => {
    const hexToB64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
    expect(wireGuardPublicKey(hexToB64('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'))).toBe(hexToB64('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'));
    expect(wireGuardPublicKey(hexToB64('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'))).toBe(hexToB64('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'));
  });

  it('are 32 raw bytes in base64, clamped as wg genkey clamps', () => {
    for (let i = 0; i < 20; i++) {
      const pair = generateWireGuardKeyPair();
      expect(isWireGuardKey(pair.privateKey) && isWireGuardKey(pair.publicKey)).toBe(true);
      const raw = Buffer.from(pair.privateKey, 'base64');
      expect(raw.length).toBe(32);
      expect(raw[0]! & 7).toBe(0);
      expect(raw[31]! & 0xc0).toBe(0x40);
    }
  });

  it.skipIf(!hasWg)('match what `wg pubkey` derives from the same private key', () => {
    for (let i = 0; i < 5; i++) {
      const pair = generateWireGuardKeyPair();
      expect(wgPubkey(pair.privateKey)).toBe(pair.publicKey);
    }
  });
  if (!hasWg) it.skip('`wg` is not installed (apt-get install -y wireguard-tools): the wg pubkey cross-check is skipped', () => undefined);

  it('refuse a malformed private key without quoting it', () => {
    const error = thrownBy(() => wireGuardPublicKey('c2VjcmV0LXRoYXQtaXMtbm90LWEta2V5'));
    expect(InvalidSpecError.isInstance(error)).toBe(true);
    expect(String(error)).not.toContain('c2VjcmV0LXRoYXQtaXMtbm90LWEta2V5');
  });
});

async function threeSites(topology: 'mesh' | 'hub-and-spoke' = 'mesh') {
  const vault = createMemorySecretVault();
  const plan = await planOverlay(
    {
      name: 'fed',
      topology,
      hub: topology === 'hub-and-spoke' ? 'aws-gw' : undefined,
      nodes: [
        { name: 'aws-gw', provider: 'aws-east', endpoint: '203.0.113.10', subnets: ['10.1.0.0/16'] },
        { name: 'gcp-gw', provider: 'gcp', endpoint: '[2001:db8::5]:51900', subnets: ['10.2.0.0/16', '10.3.0.0/24'] },
        { name: 'onprem', provider: 'openstack', subnets: ['10.0.0.0/16'] },
      ],
    },
    { vault },
  );
  return { vault, plan };
}

describe('overlay planning', () => {
  it('allocates one /32 per node from 100.96.0.0/16 and keeps private keys out of the plan', async () => {
    const { vault, plan } = await threeSites();
    expect(plan.nodes.map((n) => n.address)).toEqual(['100.96.0.1/32', '100.96.0.2/32', '100.96.0.3/32']);
    expect(plan.nodes.map((n) => n.endpoint)).toEqual(['203.0.113.10:51820', '[2001:db8::5]:51900', undefined]);
    expect(plan.mtu).toBe(1420);
    const text = JSON.stringify(plan);
    for (const secret of vault.secretValues()) expect(text).not.toContain(secret);
    expect(overlaySecretRefs(plan).map((r) => r.secret)).toEqual(vault.names().sort((a, b) => plan.nodes.findIndex((n) => a.includes(n.name)) - plan.nodes.findIndex((n) => b.includes(n.name))));
  });

  it('mesh: each peer gets its /32 and its site subnets; keepalive only from the node behind NAT; endpoints only for public nodes', async () => {
    const { plan } = await threeSites();
    expect(overlayPeersOf(plan, 'onprem')).toEqual([
      { node: 'aws-gw', publicKey: plan.nodes[0]!.key.publicKey, allowedIps: ['100.96.0.1/32', '10.1.0.0/16'], endpoint: '203.0.113.10:51820', persistentKeepalive: 25 },
      { node: 'gcp-gw', publicKey: plan.nodes[1]!.key.publicKey, allowedIps: ['100.96.0.2/32', '10.2.0.0/16', '10.3.0.0/24'], endpoint: '[2001:db8::5]:51900', persistentKeepalive: 25 },
    ]);
    expect(overlayPeersOf(plan, 'aws-gw').map((p) => [p.node, p.endpoint, p.persistentKeepalive])).toEqual([
      ['gcp-gw', '[2001:db8::5]:51900', undefined],
      ['onprem', undefined, undefined],
    ]);
  });

  it('hub-and-spoke: spokes have one peer, the hub, that routes the whole overlay and every other site', async () => {
    const { plan } = await threeSites('hub-and-spoke');
    expect(overlayPeersOf(plan, 'onprem')).toEqual([expect.objectContaining({ node: 'aws-gw', allowedIps: ['100.96.0.0/16', '10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/24'] })]);
    expect(overlayPeersOf(plan, 'aws-gw').map((p) => p.allowedIps)).toEqual([['100.96.0.2/32', '10.2.0.0/16', '10.3.0.0/24'], ['100.96.0.3/32', '10.0.0.0/16']]);
    expect(plan.nodes.find((n) => n.name === 'aws-gw')!.gateway).toBe(true);
  });

  it('warns about two NAT’ed nodes in a mesh and refuses bad input naming the field', async () => {
    const vault = createMemorySecretVault();
    const plan = await planOverlay({ name: 'x', nodes: [{ name: 'a' }, { name: 'b' }] }, { vault });
    expect(plan.warnings).toEqual([expect.stringMatching(/"a" and "b" are both behind NAT/)]);
    const cases: [Parameters<typeof planOverlay>[0], string][] = [
      [{ name: 'x', nodes: [{ name: 'A' }] }, 'nodes[0].name'],
      [{ name: 'x', nodes: [{ name: 'a', endpoint: 'host:99999' }] }, 'nodes[0].endpoint'],
      [{ name: 'x', nodes: [{ name: 'a', subnets: ['100.96.1.0/24'] }] }, 'nodes[0].subnets[0]'],
      [{ name: 'x', nodes: [{ name: 'a', subnets: ['10.0.0.0/16'] }, { name: 'b', subnets: ['10.0.1.0/24'] }] }, 'nodes[1].subnets[0]'],
      [{ name: 'x', topology: 'hub-and-spoke', hub: 'a', nodes: [{ name: 'a' }] }, 'hub'],
      [{ name: 'x', mtu: 100, nodes: [] }, 'mtu'],
    ];
    for (const [input, field] of cases) {
      const error = await rejectionOf(planOverlay(input, { vault }));
      expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
      expect((error as InvalidSpecError).field).toBe(field);
    }
  });
});

describe('config rendering', () => {
  it('renders wg-quick configs that the strict parser reads back to the plan', async () => {
    const { vault, plan } = await threeSites();
    const text = await renderWireGuardConfig(plan, 'onprem', { vault });
    const parsed = parseWireGuardConfig(text, 'wg-quick');
    expect(parsed.interface).toMatchObject({ addresses: ['100.96.0.3/32'], mtu: 1420, listenPort: undefined });
    expect(wireGuardPublicKey(parsed.interface.privateKey!)).toBe(plan.nodes[2]!.key.publicKey);
    expect(parsed.peers.map((p) => ({ publicKey: p.publicKey, allowedIps: p.allowedIps, endpoint: p.endpoint, persistentKeepalive: p.persistentKeepalive }))).toEqual(
      overlayPeersOf(plan, 'onprem').map(({ node: _n, ...p }) => p),
    );
  });

  it('renders a setconf form without the wg-quick-only keys; the parser refuses those keys in that form', async () => {
    const { vault, plan } = await threeSites();
    const quick = await renderWireGuardConfig(plan, 'aws-gw', { vault });
    const strict = await renderWireGuardConfig(plan, 'aws-gw', { vault, form: 'setconf' });
    expect(strict).not.toMatch(/^(Address|MTU|DNS)\s*=/im);
    expect(parseWireGuardConfig(strict, 'setconf').interface.listenPort).toBe(51820);
    expect((thrownBy(() => parseWireGuardConfig(quick, 'setconf')) as Error).message).toMatch(/line 3: Address is a wg-quick key/);
  });

  it.skipIf(!hasWg)('puts private keys whose `wg pubkey` is the public key the plan gives its peers', async () => {
    const { vault, plan } = await threeSites();
    for (const node of plan.nodes) {
      const parsed = parseWireGuardConfig(await renderWireGuardConfig(plan, node.name, { vault, form: 'setconf' }), 'setconf');
      expect(wgPubkey(parsed.interface.privateKey!)).toBe(node.key.publicKey);
    }
  });

  it('the parser refuses what wg refuses', () => {
    const key = generateWireGuardKeyPair();
    const head = `[Interface]\nPrivateKey = ${key.privateKey}\n`;
    const bad: [string, RegExp][] = [
      [`${head}Bogus = 1\n`, /unknown key Bogus/],
      [`${head}ListenPort = 70000\n`, /ListenPort/],
      [`${head}[Peer]\nAllowedIPs = 10.0.0.0/8\n`, /needs a PublicKey/],
      [`${head}[Peer]\nPublicKey = nope\n`, /not a base64 WireGuard key/],
      [`${head}[Peer]\nPublicKey = ${key.publicKey}\nEndpoint = 1.2.3.4\n`, /needs a port/],
      [`${head}[Peer]\nPublicKey = ${key.publicKey}\nAllowedIPs = 10.0.0.1/8\n`, /host bits/],
      [`${head}[Peer]\nPublicKey = ${key.publicKey}\n[Peer]\nPublicKey = ${key.publicKey}\n`, /two peers/],
      [`[Peer]\nPublicKey = ${key.publicKey}\n`, /\[Peer\] before \[Interface\]/],
      [`${head}PrivateKey = ${key.privateKey}\n`, /appears twice/],
    ];
    for (const [text, message] of bad) {
      const error = thrownBy(() => parseWireGuardConfig(text));
      expect(InvalidSpecError.isInstance(error), text).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(key.privateKey);
    }
  });

  it('property: every rendered config of random overlays parses, and AllowedIPs never overlap between peers of one node', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 6 }), fc.boolean(), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), async (count, hub, publics) => {
        const vault = createMemorySecretVault();
        const nodes = Array.from({ length: count }, (_, i) => ({ name: `n${i}`, endpoint: publics[i] || (hub && i === 0) ? `198.51.100.${i + 1}` : undefined, subnets: [`10.${i}.0.0/16`] }));
        const plan = await planOverlay({ name: 'p', topology: hub ? 'hub-and-spoke' : 'mesh', hub: hub ? 'n0' : undefined, nodes }, { vault });
        for (const node of plan.nodes) {
          for (const form of ['wg-quick', 'setconf'] as const) {
            const parsed = parseWireGuardConfig(await renderWireGuardConfig(plan, node.name, { vault, form }), form);
            const all = parsed.peers.flatMap((p) => p.allowedIps);
            expect(new Set(all).size).toBe(all.length);
          }
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe('cloud-init', () => {
  it('installs wireguard-tools, writes the config 0600, forwards IP on gateways and brings the interface up', async () => {
    const { vault, plan } = await threeSites();
    const text = await renderOverlayCloudInit(plan, 'aws-gw', { vault });
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    const doc = parseYaml(text) as { packages: string[]; write_files: { path: string; permissions: string; content: string }[]; runcmd: string[][] };
    expect(doc.packages).toEqual(['wireguard-tools']);
    const conf = doc.write_files.find((f) => f.path === '/etc/wireguard/wg0.conf')!;
    expect(conf.permissions).toBe('0600');
    expect(conf.content).toBe(await renderWireGuardConfig(plan, 'aws-gw', { vault }));
    expect(doc.write_files.find((f) => f.path.startsWith('/etc/sysctl.d/'))!.content).toMatch(/net\.ipv4\.ip_forward = 1/);
    expect(doc.runcmd).toContainEqual(['wg-quick', 'up', 'wg0']);
    expect(doc.runcmd[0]!.join(' ')).toMatch(/modprobe wireguard .*wireguard-go/);
    const plain = await planOverlay({ name: 'q', nodes: [{ name: 'leaf', endpoint: '198.51.100.9' }] }, { vault });
    const leaf = parseYaml(await renderOverlayCloudInit(plain, 'leaf', { vault, userspaceFallback: false })) as typeof doc;
    expect(leaf.write_files.map((f) => f.path)).toEqual(['/etc/wireguard/wg0.conf']);
    expect(leaf.runcmd.flat()).not.toContain('--system');
  });
});

describe('key rotation and removal', () => {
  const peerKeys = (plan: OverlayPlan, of: string, node: string) => overlayPeersOf(plan, of).filter((p) => p.node === node).map((p) => [p.publicKey, p.allowedIps.length > 0]);

  it('stages the new key beside the old, switches, then drops the old key from peers and vault', async () => {
    const { vault, plan } = await threeSites();
    const old = plan.nodes[1]!.key;
    const staged = await advanceKeyRotation(plan, 'gcp-gw', { vault });
    const next = staged.nodes[1]!.rotation!.next;
    expect(peerKeys(staged, 'aws-gw', 'gcp-gw')).toEqual([[old.publicKey, true], [next.publicKey, false]]);
    expect(wireGuardPublicKey(parseWireGuardConfig(await renderWireGuardConfig(staged, 'gcp-gw', { vault })).interface.privateKey!)).toBe(old.publicKey);
    const switched = await advanceKeyRotation(staged, 'gcp-gw', { vault });
    expect(peerKeys(switched, 'aws-gw', 'gcp-gw')).toEqual([[next.publicKey, true], [old.publicKey, false]]);
    expect(wireGuardPublicKey(parseWireGuardConfig(await renderWireGuardConfig(switched, 'gcp-gw', { vault })).interface.privateKey!)).toBe(next.publicKey);
    const done = await advanceKeyRotation(switched, 'gcp-gw', { vault });
    expect(peerKeys(done, 'aws-gw', 'gcp-gw')).toEqual([[next.publicKey, true]]);
    expect(vault.names()).not.toContain(old.privateKeyRef.secret);
    expect(done.nodes[1]!.key.version).toBe(2);
    for (const node of done.nodes) parseWireGuardConfig(await renderWireGuardConfig(done, node.name, { vault }));
  });

  it('removes a node from every other config and its keys from the vault; added nodes take the lowest free address', async () => {
    const { vault, plan } = await threeSites();
    const gone = await removeOverlayNode(plan, 'gcp-gw', { vault });
    expect(overlayPeersOf(gone, 'aws-gw').map((p) => p.node)).toEqual(['onprem']);
    expect(vault.names().some((n) => n.includes('/gcp-gw/'))).toBe(false);
    const again = await addOverlayNode(gone, { name: 'azure-gw', endpoint: '198.51.100.7' }, { vault });
    expect(again.nodes.find((n) => n.name === 'azure-gw')!.address).toBe('100.96.0.2/32');
    expect(again.nodes.filter((n) => n.name !== 'azure-gw').map((n) => n.address)).toEqual(['100.96.0.1/32', '100.96.0.3/32']);
    const hubbed = await threeSites('hub-and-spoke');
    await expect(removeOverlayNode(hubbed.plan, 'aws-gw', { vault: hubbed.vault })).rejects.toThrow(/is the hub/);
  });
});
