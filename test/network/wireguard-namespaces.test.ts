/**
 * The WireGuard overlay on real tunnels: three network namespaces on a bridged underlay (a
 * fourth namespace holds the bridge), userspace `wireguard-go` in each (the kernel here has no
 * WireGuard module), configured with what novacron rendered — the `setconf` form through
 * `wg setconf` (so wg's own parser accepts it), Address and MTU from the wg-quick form through
 * `ip`, a route per AllowedIPs entry as wg-quick adds them. A fifth namespace is a host in the
 * "VPC subnet" behind node a.
 *
 * Proven: pings between every pair over the overlay and into the VPC subnet; TCP-connect
 * latency measured across the overlay by probeLatency (in a child process inside a namespace)
 * with its histogram samples; a key rotation through its three stages with pings after each;
 * removing a node keeps the others connected and cuts the removed one off (its probe times out
 * within the bound); and nothing the test made is left: no namespace, no process, no socket.
 *
 * Needs Linux, root, /dev/net/tun, `ip`, `wg`, `wireguard-go` and `ping` (`.ci/run` installs
 * them); skipped with a message otherwise. Only processes this test started are ended, by pid.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advanceKeyRotation,
  createMemorySecretVault,
  CrossCloudNetwork,
  overlayNode,
  overlayPeersOf,
  parseWireGuardConfig,
  removeOverlayNode,
  type LatencyMeasurement,
  type OverlayPlan,
} from '../../src/network/index.js';

const run = promisify(execFile);

function missingPrerequisite(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root';
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun';
  for (const [tool, args] of [['ip', ['-V']], ['wg', ['--version']], ['wireguard-go', ['--version']], ['ping', ['-V']]] as const) {
    if (spawnSync(tool, args, { stdio: 'ignore' }).error !== undefined) return `\`${tool}\` is not installed (apt-get install -y wireguard-tools wireguard-go iproute2 iputils-ping)`;
  }
  return undefined;
}
const missing = missingPrerequisite();

/** Names unique to this run: namespaces, and wireguard interfaces (their UAPI sockets in /var/run/wireguard are shared by every namespace). */
const tag = `nc${randomBytes(3).toString('hex')}`;
const NODES = ['a', 'b', 'c'] as const;
type NodeName = (typeof NODES)[number];
const ns = (n: string): string => `${tag}${n}`;
const wgIf = (n: NodeName): string => `${tag}w${n}`;
const underlayIp = (n: NodeName): string => `172.31.255.${NODES.indexOf(n) + 1}`;
const VPC_SUBNET = '10.1.0.0/24';
const VPC_HOST = '10.1.0.10';
const LISTEN_PORT = 7000;

/** Runs a command; rejects with its stderr (commands here never carry a secret: configs go through 0600 files). */
async function sh(cmd: string, ...args: string[]): Promise<string> {
  try {
    return (await run(cmd, args, { encoding: 'utf8', timeout: 10_000 })).stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${e.stderr?.trim() || e.message}`, { cause: error });
  }
}
const inNs = (n: string, cmd: string, ...args: string[]): Promise<string> => sh('ip', 'netns', 'exec', ns(n), cmd, ...args);

async function pingOnce(from: string, to: string, waitSeconds: number): Promise<boolean> {
  try {
    await inNs(from, 'ping', '-n', '-q', '-c', '1', '-W', String(waitSeconds), to);
    return true;
  } catch {
    return false;
  }
}
/** One ping that may retry a few times (the first packet of a pair waits for the handshake). */
async function reaches(from: string, to: string, attempts = 4): Promise<boolean> {
  for (let i = 0; i < attempts; i++) if (await pingOnce(from, to, 2)) return true;
  return false;
}

const vault = createMemorySecretVault();
const network = new CrossCloudNetwork({ vault, overlay: { name: 'nsmesh' } });
let plan: OverlayPlan;
let dir: string;
const children: ChildProcess[] = [];
const createdNamespaces = new Set<string>();
let cleanedUp = false;

const addressOf = (n: NodeName): string => overlayNode(plan, n).address.split('/')[0]!;

function started(child: ChildProcess, what: string): ChildProcess {
  if (child.pid === undefined) throw new Error(`${what} did not start`);
  children.push(child);
  return child;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Applies node `n`'s configs as wg-quick would: MTU and Address (wg-quick form), `wg setconf` (setconf form), one route per AllowedIPs. */
async function apply(n: NodeName): Promise<void> {
  const quick = parseWireGuardConfig(await network.renderNode(plan, n, { format: 'wg-quick' }), 'wg-quick');
  const file = join(dir, `${n}.conf`);
  await writeFile(file, await network.renderNode(plan, n, { format: 'setconf' }), { mode: 0o600 });
  try {
    await inNs(n, 'wg', 'setconf', wgIf(n), file);
  } finally {
    await rm(file, { force: true });
  }
  await inNs(n, 'ip', 'link', 'set', 'dev', wgIf(n), 'mtu', String(quick.interface.mtu), 'up');
  for (const address of quick.interface.addresses) await inNs(n, 'ip', 'address', 'replace', address, 'dev', wgIf(n));
  // Routes follow the peers: flush what the previous config routed, add what this one routes.
  await inNs(n, 'ip', 'route', 'flush', 'dev', wgIf(n));
  for (const cidr of quick.peers.flatMap((p) => p.allowedIps)) await inNs(n, 'ip', 'route', 'replace', cidr, 'dev', wgIf(n));
}

async function applyAll(): Promise<void> {
  await Promise.all(plan.nodes.map((n) => apply(n.name as NodeName)));
}

async function wgShow(n: NodeName, field: 'public-key' | 'peers' | 'listen-port'): Promise<string[]> {
  return (await inNs(n, 'wg', 'show', wgIf(n), field)).split('\n').filter((l) => l.length > 0).sort();
}

async function cleanup(): Promise<void> {
  if (cleanedUp) return;
  cleanedUp = true;
  // Only the processes this test started, by pid: SIGTERM (wireguard-go removes its socket), then SIGKILL.
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }),
  );
  // Deleting a namespace deletes the veths, the bridge and the dummy links inside it.
  for (const name of createdNamespaces) await sh('ip', 'netns', 'del', name).catch(() => undefined);
  for (const n of NODES) await rm(`/var/run/wireguard/${wgIf(n)}.sock`, { force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
}

async function netnsList(): Promise<string[]> {
  return (await sh('ip', 'netns', 'list')).split('\n').map((l) => l.split(' ')[0]!).filter((l) => l.length > 0);
}

if (missing !== undefined) {
  describe('WireGuard overlay on real tunnels', () => {
    it.skip(`skipped: ${missing}`, () => undefined);
  });
} else {
  describe('WireGuard overlay on real tunnels (network namespaces, wireguard-go)', () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'novacron-wg-'));
      for (const n of ['x', ...NODES, 'v']) {
        await sh('ip', 'netns', 'add', ns(n));
        createdNamespaces.add(ns(n));
        await sh('ip', '-n', ns(n), 'link', 'set', 'lo', 'up');
      }
      // The underlay: a bridge in namespace x, one veth to each node.
      await sh('ip', '-n', ns('x'), 'link', 'add', 'br0', 'type', 'bridge');
      await sh('ip', '-n', ns('x'), 'link', 'set', 'br0', 'up');
      for (const n of NODES) {
        await sh('ip', '-n', ns('x'), 'link', 'add', `to-${n}`, 'type', 'veth', 'peer', 'name', 'u0', 'netns', ns(n));
        await sh('ip', '-n', ns('x'), 'link', 'set', `to-${n}`, 'master', 'br0', 'up');
        await sh('ip', '-n', ns(n), 'address', 'add', `${underlayIp(n)}/24`, 'dev', 'u0');
        await sh('ip', '-n', ns(n), 'link', 'set', 'u0', 'up');
      }
      // The VPC subnet behind a: a host in namespace v, a forwards.
      await sh('ip', '-n', ns('a'), 'link', 'add', 'vpc0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns('v'));
      await sh('ip', '-n', ns('a'), 'address', 'add', '10.1.0.1/24', 'dev', 'vpc0');
      await sh('ip', '-n', ns('a'), 'link', 'set', 'vpc0', 'up');
      await sh('ip', '-n', ns('v'), 'address', 'add', `${VPC_HOST}/24`, 'dev', 'eth0');
      await sh('ip', '-n', ns('v'), 'link', 'set', 'eth0', 'up');
      await sh('ip', '-n', ns('v'), 'route', 'add', 'default', 'via', '10.1.0.1');
      await inNs('a', 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');

      plan = await network.planOverlay([
        { name: 'a', provider: 'aws-east', endpoint: underlayIp('a'), subnets: [VPC_SUBNET] },
        { name: 'b', provider: 'gcp-west', endpoint: underlayIp('b') },
        { name: 'c', provider: 'azure-north', endpoint: underlayIp('c') },
      ]);
      for (const n of NODES) {
        // `ip netns exec` execs wireguard-go, so the child's pid is the daemon's; in the foreground it stays our child.
        started(spawn('ip', ['netns', 'exec', ns(n), 'wireguard-go', wgIf(n)], { env: { ...process.env, WG_PROCESS_FOREGROUND: '1', LOG_LEVEL: 'error' }, stdio: 'ignore' }), `wireguard-go in ${ns(n)}`);
      }
      await until(() => NODES.every((n) => existsSync(`/var/run/wireguard/${wgIf(n)}.sock`)), 'the wireguard-go sockets');
      await applyAll();
    });

    afterAll(cleanup);

    it('runs the configs novacron rendered (wg setconf parses and applies them): keys, peers, port and MTU 1420 as planned', async () => {
      for (const n of NODES) {
        expect(await wgShow(n, 'public-key')).toEqual([overlayNode(plan, n).key.publicKey]);
        expect(await wgShow(n, 'peers')).toEqual(overlayPeersOf(plan, n).map((p) => p.publicKey).sort());
        expect(await wgShow(n, 'listen-port')).toEqual(['51820']);
        const [link] = JSON.parse(await inNs(n, 'ip', '-j', 'link', 'show', 'dev', wgIf(n))) as { mtu: number }[];
        expect(link!.mtu).toBe(plan.mtu);
      }
      expect(plan.mtu).toBe(1420);
    });

    it('pings every pair over the overlay addresses, and into the VPC subnet behind a', async () => {
      const pairs = NODES.flatMap((from) => NODES.filter((to) => to !== from).map((to) => [from, to] as const));
      const results = await Promise.all(pairs.map(async ([from, to]) => [`${from}->${to}`, await reaches(from, addressOf(to))] as const));
      expect(Object.fromEntries(results)).toEqual(Object.fromEntries(pairs.map(([f, t]) => [`${f}->${t}`, true])));
      expect(await reaches('b', VPC_HOST)).toBe(true);
      expect(await reaches('c', VPC_HOST)).toBe(true);
      // And back out of the VPC, through a.
      expect(await reaches('v', addressOf('c'))).toBe(true);
    });

    it('measures TCP-connect latency across the overlay with probeLatency and records it in the histogram', async () => {
      const listener = started(
        spawn('ip', ['netns', 'exec', ns('b'), process.execPath, '-e', `require('node:net').createServer((s) => s.destroy()).listen(${LISTEN_PORT}, '${addressOf('b')}', () => console.log('ready'))`], { stdio: ['ignore', 'pipe', 'inherit'] }),
        'the latency listener',
      );
      await new Promise<void>((resolve, reject) => {
        listener.stdout!.once('data', () => resolve());
        listener.once('exit', (code) => reject(new Error(`the listener exited with ${code}`)));
      });
      const out = await probeFrom('a', [
        { source: 'a', destination: 'b', endpoint: `${addressOf('b')}:${LISTEN_PORT}` },
        { source: 'a', destination: 'b-closed', endpoint: `${addressOf('b')}:${LISTEN_PORT + 1}` },
      ], { samples: 5, timeoutMs: 2_000 });
      const [open, closed] = out.measurements;
      expect(open!.samplesMs).toHaveLength(5);
      expect(Number.isFinite(open!.rttMs) && open!.rttMs! > 0).toBe(true);
      // (JSON drops an undefined rttMs: the key is absent.)
      expect(closed).toMatchObject({ samplesMs: [], failure: { reason: 'refused' } });
      expect(closed!.rttMs).toBeUndefined();
      expect(out.observed).toHaveLength(5);
      expect(out.observed.every((o) => o.name === 'novacron_federation_network_latency_ms' && o.labels.source === 'a' && o.labels.destination === 'b' && o.value > 0)).toBe(true);
      expect(out.observed[0]!.buckets).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
    });

    it("rotates a's key through its stages (staged, switched, done) and the mesh answers after each", async () => {
      const before = overlayNode(plan, 'a').key.publicKey;
      for (const stage of ['staged', 'switched', 'done'] as const) {
        plan = await advanceKeyRotation(plan, 'a', { vault });
        expect(overlayNode(plan, 'a').rotation?.stage ?? 'done').toBe(stage);
        await applyAll();
        for (const [from, to] of [['b', 'a'], ['a', 'c'], ['c', VPC_HOST]] as const) expect(await reaches(from, to === VPC_HOST ? to : addressOf(to)), `${stage}: ${from} -> ${to}`).toBe(true);
      }
      const after = overlayNode(plan, 'a').key.publicKey;
      expect(after).not.toBe(before);
      expect(await wgShow('a', 'public-key')).toEqual([after]);
      // The peers list the new key only; the old one is gone from their configs and the vault.
      for (const n of ['b', 'c'] as const) {
        expect(await wgShow(n, 'peers')).toContain(after);
        expect(await wgShow(n, 'peers')).not.toContain(before);
      }
      expect(vault.names().filter((s) => s.includes('/a/'))).toEqual(['novacron/wireguard/nsmesh/a/private-key-v2']);
    });

    it('removes node c: a and b still reach each other and the VPC, c reaches no one (its probe times out within the bound)', async () => {
      const cAddress = addressOf('c');
      plan = await removeOverlayNode(plan, 'c', { vault });
      await apply('a');
      await apply('b');
      // c keeps running with its old config: the others' configs alone cut it off.
      expect(await reaches('a', addressOf('b'))).toBe(true);
      expect(await reaches('b', addressOf('a'))).toBe(true);
      expect(await reaches('b', VPC_HOST)).toBe(true);
      const cut = await Promise.all([pingOnce('c', addressOf('a'), 1), pingOnce('c', addressOf('b'), 1), pingOnce('a', cAddress, 1), pingOnce('b', cAddress, 1), pingOnce('c', VPC_HOST, 1)]);
      expect(cut).toEqual([false, false, false, false, false]);
      expect(await wgShow('a', 'peers')).toEqual([overlayNode(plan, 'b').key.publicKey]);

      const started = Date.now();
      const out = await probeFrom('c', [{ source: 'c', destination: 'b', endpoint: `${addressOf('b')}:${LISTEN_PORT}` }], { samples: 2, timeoutMs: 300 });
      expect(out.measurements[0]).toMatchObject({ samplesMs: [], failedSamples: 2, failure: { reason: 'timeout' } });
      expect(out.measurements[0]!.rttMs).toBeUndefined();
      expect(out.observed).toEqual([]);
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('ends every process it started and removes every namespace, interface and socket it made', async () => {
      const pids = children.map((c) => c.pid!);
      await cleanup();
      expect((await netnsList()).filter((n) => n.startsWith(tag))).toEqual([]);
      for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
      for (const n of NODES) expect(existsSync(`/var/run/wireguard/${wgIf(n)}.sock`)).toBe(false);
      expect(existsSync(dir)).toBe(false);
    });
  });
}

/** Runs probeLatency in a child process inside node `n`'s namespace and reads what it printed. */
async function probeFrom(
  n: NodeName,
  targets: { source: string; destination: string; endpoint: string }[],
  options: { samples: number; timeoutMs: number },
): Promise<{ measurements: LatencyMeasurement[]; observed: { name: string; buckets: number[]; labels: Record<string, string>; value: number }[] }> {
  const script = fileURLToPath(new URL('./latency-probe-child.ts', import.meta.url));
  const child = started(
    spawn('ip', ['netns', 'exec', ns(n), process.execPath, '--import', 'tsx', script], {
      env: { ...process.env, NOVACRON_PROBE_TARGETS: JSON.stringify(targets), NOVACRON_PROBE_OPTIONS: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    'the latency probe',
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  if (code !== 0) throw new Error(`the probe in ${ns(n)} exited with ${code}: ${stderr}`);
  return JSON.parse(stdout) as Awaited<ReturnType<typeof probeFrom>>;
}
