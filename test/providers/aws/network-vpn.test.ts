/**
 * The AWS network companion's site-to-site VPN through the real SDK against the EC2 emulator:
 * a lost CreateVpnConnection answer settled by `findByIdempotencyKey` with one connection made
 * (the SDK does not retry it blindly), pre-shared keys refused before they are sent and kept out
 * of every view though EC2 returns them, BGP tunnels on AWS-assigned outside IPs, and deletes in
 * the wrong order refused.
 */
import { DescribeVpnConnectionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidSpecError, NotFoundError, ProviderUnavailableError, TimeoutError } from '../../../src/provider/errors.js';
import type { NetworkResourceRef, NetworkResourceState, SecretReader, SecretRef, VpnGateway } from '../../../src/provider/network-types.js';
import { createAwsProvider, type AwsProvider } from '../../../src/providers/aws/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/ec2/index.js';
import { collect, rejectionOf } from '../../helpers.js';

let now = Date.parse('2026-12-01T00:00:00Z');
let emu: Ec2Emulator;
let aws: AwsProvider;
let raw: EC2Client;
let third = 0;

const KEYS: Record<string, string> = { 'vpn/psk-1': 'Tunnel.One_Key_4f9a2c', 'vpn/psk-2': 'Tunnel.Two_Key_8d1e7b', 'vpn/bad': '0StartsWithZero', 'vpn/dash': 'has-a-dash-in-it' };
const secrets: SecretReader = {
  async read(ref: SecretRef) {
    const value = KEYS[ref.secret];
    if (value === undefined) throw new NotFoundError({ message: `no secret ${ref.secret}` });
    return value;
  },
};

beforeAll(async () => {
  emu = await startEc2Emulator({ clock: () => now });
  aws = createAwsProvider({ ...emu.providerOptions, name: 'aws-vpn' });
  raw = new EC2Client({ region: 'us-east-1', endpoint: emu.endpoint, credentials: emu.providerOptions.credentials, maxAttempts: 1 });
});
afterAll(async () => {
  raw.destroy();
  await emu.close();
});

/** Polls `get`, moving the emulator's clock a minute at a time, until the resource is in `state` (or gone, for `gone`). */
async function reach(ref: NetworkResourceRef, state: NetworkResourceState | 'gone'): Promise<unknown> {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await aws.networking.get(ref);
      if (r.state === state) return r;
    } catch (error) {
      if (state === 'gone' && NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
    now += 60_000;
  }
  throw new Error(`${ref.type} ${ref.id} never reached ${state}`);
}

/** A network with an available VPN gateway and a peer gateway. */
async function site(peerIp: string) {
  const net = aws.networking;
  const n = await net.createNetwork({ name: `vpc-${++third}`, cidrs: [`10.60.${third}.0/24`] });
  const gw = await net.createVpnGateway({ name: `gw-${third}`, networkId: n.id, asn: 64601 });
  const ready = (await reach({ type: 'vpn-gateway', id: gw.id }, 'available')) as VpnGateway;
  const pg = await net.createPeerGateway({ name: `pg-${third}`, ips: [peerIp], asn: 65020, cidrs: ['192.168.90.0/24'] });
  return { n, gw: ready, pg };
}

async function connectionsOn(vgwId: string) {
  return (await raw.send(new DescribeVpnConnectionsCommand({ Filters: [{ Name: 'vpn-gateway-id', Values: [vgwId] }] }))).VpnConnections ?? [];
}

describe('AWS network companion: VPN', () => {
  it('shows its provider and regions when printed, never the credentials of its client', () => {
    const printed = [String(aws.networking), JSON.stringify(aws.networking), inspect(aws.networking, { depth: 10 }), inspect(aws, { depth: 10 })];
    for (const text of printed) expect(text).not.toContain(emu.providerOptions.credentials.secretAccessKey);
    expect(JSON.parse(printed[1]!)).toEqual({ provider: 'aws-vpn', kind: 'aws', regions: ['us-east-1'] });
  });

  it('settles a CreateVpnConnection whose answer was lost through findByIdempotencyKey, with exactly one connection made', async () => {
    const { gw, pg } = await site('198.51.100.61');
    const input = { name: 'vpn-lost', vpnGatewayId: gw.id, peerGatewayId: pg.id, routing: 'bgp' as const, tunnels: [{ peerIp: '198.51.100.61', preSharedKey: { secret: 'vpn/psk-1' }, insideCidr: '169.254.21.0/30' }] };
    const sentBefore = emu.stats.count('CreateVpnConnection');
    emu.faults.dropResponse('CreateVpnConnection');
    const error = await rejectionOf(aws.networking.createVpnConnection(input, { secrets, idempotencyKey: 'vpn-lost-1' }));
    expect(ProviderUnavailableError.isInstance(error) || TimeoutError.isInstance(error), String(error)).toBe(true);
    expect((error as ProviderUnavailableError).requestSent).not.toBe(false);
    // The SDK (5 attempts by default) did not send it again: EC2 cannot tell a retry from a new connection.
    expect(emu.stats.count('CreateVpnConnection') - sentBefore).toBe(1);
    const made = await connectionsOn(gw.id);
    expect(made).toHaveLength(1);

    const found = await aws.networking.findByIdempotencyKey('vpn-connection', 'vpn-lost-1');
    expect(found).toMatchObject({ id: made[0]!.VpnConnectionId, name: 'vpn-lost', tunnels: [{ preSharedKey: { secret: 'vpn/psk-1' }, insideCidr: '169.254.21.0/30' }] });
    const again = await aws.networking.createVpnConnection(input, { secrets, idempotencyKey: 'vpn-lost-1' });
    expect(again.id).toBe(found!.id);
    expect(await connectionsOn(gw.id)).toHaveLength(1);
    const conflicting = await rejectionOf(aws.networking.createVpnConnection({ ...input, name: 'vpn-other' }, { secrets, idempotencyKey: 'vpn-lost-1' }));
    expect(ConflictError.isInstance(conflicting), String(conflicting)).toBe(true);
    expect(await aws.networking.findByIdempotencyKey('vpn-connection', 'vpn-never-used')).toBeUndefined();
  });

  it('refuses keys and inside CIDRs AWS refuses before anything is sent, without quoting the key', async () => {
    const { gw, pg } = await site('198.51.100.62');
    const sent = emu.stats.count('CreateVpnConnection');
    const attempt = (tunnel: Record<string, unknown>) =>
      rejectionOf(aws.networking.createVpnConnection({ name: 'vpn-bad', vpnGatewayId: gw.id, peerGatewayId: pg.id, tunnels: [{ peerIp: '198.51.100.62', preSharedKey: { secret: 'vpn/psk-1' }, insideCidr: '169.254.22.0/30', ...tunnel }] }, { secrets }));
    for (const secret of ['vpn/bad', 'vpn/dash']) {
      const error = await attempt({ preSharedKey: { secret } });
      expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
      expect((error as InvalidSpecError).issues[0]!.field).toBe('tunnels[0].preSharedKey');
      expect(JSON.stringify(error) + String(error)).not.toContain(KEYS[secret]!);
    }
    for (const insideCidr of ['169.254.1.0/30', '169.254.169.252/30', '169.254.22.0/29', '10.0.0.0/30']) {
      const error = await attempt({ insideCidr });
      expect(InvalidSpecError.isInstance(error), `${insideCidr}: ${String(error)}`).toBe(true);
    }
    const wrongSide = await attempt({ localInsideIp: '169.254.22.2' });
    expect((wrongSide as InvalidSpecError).issues[0]!.field).toBe('tunnels[0].localInsideIp');
    const wrongPeer = await attempt({ peerIp: '198.51.100.99' });
    expect((wrongPeer as InvalidSpecError).issues[0]!.field).toBe('tunnels[0].peerIp');
    expect(emu.stats.count('CreateVpnConnection')).toBe(sent);
  });

  it('gives BGP tunnels AWS-assigned outside IPs and sessions on the inside CIDRs, and keeps the keys EC2 returns out of every view', async () => {
    const { gw, pg } = await site('198.51.100.63');
    const conn = await aws.networking.createVpnConnection(
      {
        name: 'vpn-bgp',
        vpnGatewayId: gw.id,
        peerGatewayId: pg.id,
        routing: 'bgp',
        tunnels: [
          { peerIp: '198.51.100.63', preSharedKey: { secret: 'vpn/psk-1' }, insideCidr: '169.254.23.0/30', localInsideIp: '169.254.23.1' },
          { peerIp: '198.51.100.63', preSharedKey: { secret: 'vpn/psk-2' }, insideCidr: '169.254.23.4/30' },
        ],
        labels: { suite: 'vpn' },
      },
      { secrets },
    );
    expect(conn).toMatchObject({ state: 'provisioning', routing: 'bgp', vpnGatewayId: gw.id, peerGatewayId: pg.id });
    expect(conn.tunnels.map((t) => t.bgp)).toEqual([
      { localAsn: 64601, peerAsn: 65020, localIp: '169.254.23.1', peerIp: '169.254.23.2' },
      { localAsn: 64601, peerAsn: 65020, localIp: '169.254.23.5', peerIp: '169.254.23.6' },
    ]);
    const outside = conn.tunnels.map((t) => t.outsideIp);
    expect(outside.every((ip) => typeof ip === 'string' && ip.length > 0)).toBe(true);
    expect(new Set(outside).size).toBe(2);
    expect(gw.publicIps).toEqual([]);
    const ready = await reach({ type: 'vpn-connection', id: conn.id }, 'available');
    // EC2 hands the keys back, in the tunnel options and in the configuration document ...
    const described = (await connectionsOn(gw.id))[0]!;
    expect(described.Options?.TunnelOptions?.map((t) => t.PreSharedKey)).toEqual([KEYS['vpn/psk-1'], KEYS['vpn/psk-2']]);
    expect(described.CustomerGatewayConfiguration).toContain(KEYS['vpn/psk-1']);
    // ... and no view of the companion carries them: references only.
    const listed = await collect(aws.networking.list('vpn-connection', { labels: { suite: 'vpn' } }));
    const found = await aws.networking.findByIdempotencyKey('vpn-connection', 'never');
    for (const view of [conn, ready, listed, found]) {
      const text = JSON.stringify(view) ?? '';
      expect(text).not.toContain(KEYS['vpn/psk-1']);
      expect(text).not.toContain(KEYS['vpn/psk-2']);
    }
    expect(listed.map((c) => c.tunnels.map((t) => t.preSharedKey))).toEqual([[{ secret: 'vpn/psk-1' }, { secret: 'vpn/psk-2' }]]);
  });

  it('refuses deletes in the wrong order, and takes everything down in the right one', async () => {
    const { n, gw, pg } = await site('198.51.100.64');
    const conn = await aws.networking.createVpnConnection(
      { name: 'vpn-order', vpnGatewayId: gw.id, peerGatewayId: pg.id, routing: 'static', tunnels: [{ peerIp: '198.51.100.64', preSharedKey: { secret: 'vpn/psk-1' } }] },
      { secrets },
    );
    expect(conn.staticRoutes).toEqual(['192.168.90.0/24']);
    await reach({ type: 'vpn-connection', id: conn.id }, 'available');
    for (const ref of [{ type: 'network', id: n.id }, { type: 'vpn-gateway', id: gw.id }, { type: 'peer-gateway', id: pg.id }] as const) {
      const error = await rejectionOf(aws.networking.delete(ref));
      expect(ConflictError.isInstance(error), `${ref.type}: ${String(error)}`).toBe(true);
    }
    expect((await aws.networking.get({ type: 'vpn-gateway', id: gw.id })).state).toBe('available');
    for (const ref of [{ type: 'vpn-connection', id: conn.id }, { type: 'peer-gateway', id: pg.id }, { type: 'vpn-gateway', id: gw.id }, { type: 'network', id: n.id }] as const) {
      await aws.networking.delete(ref);
      await aws.networking.delete(ref); // deleting what is (being) deleted succeeds
      await reach(ref, 'gone');
    }
  });
});
