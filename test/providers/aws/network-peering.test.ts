/**
 * The AWS network companion's VPC peering through the real SDK against the EC2 emulator: the
 * peer's region found among the provider's regions (or refused, naming `peerRegion`), a request
 * of overlapping ranges failing on its own, lost request and accept answers settled by
 * `findByIdempotencyKey`, and routes through the peering.
 */
import { DescribeVpcPeeringConnectionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidSpecError, NotFoundError, ProviderUnavailableError, TimeoutError } from '../../../src/provider/errors.js';
import type { NetworkResourceRef, NetworkResourceState } from '../../../src/provider/network-types.js';
import { createAwsProvider, type AwsProvider } from '../../../src/providers/aws/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/ec2/index.js';
import { rejectionOf } from '../../helpers.js';

let now = Date.parse('2026-12-01T00:00:00Z');
let emu: Ec2Emulator;
let east: AwsProvider;
let west: AwsProvider;
let raw: EC2Client;
let third = 0;

beforeAll(async () => {
  emu = await startEc2Emulator({ clock: () => now });
  east = createAwsProvider({ ...emu.providerOptions, name: 'aws-east', region: 'us-east-1', regions: ['us-east-1', 'us-west-2'] });
  west = createAwsProvider({ ...emu.providerOptions, name: 'aws-west', region: 'us-west-2' });
  raw = new EC2Client({ region: 'us-east-1', endpoint: emu.endpoint, credentials: emu.providerOptions.credentials, maxAttempts: 1 });
});
afterAll(async () => {
  raw.destroy();
  await emu.close();
});

async function reach(p: AwsProvider, ref: NetworkResourceRef, state: NetworkResourceState): Promise<unknown> {
  for (let i = 0; i < 100; i++) {
    const r = await p.networking.get(ref);
    if (r.state === state) return r;
    now += 60_000;
  }
  throw new Error(`${ref.type} ${ref.id} never reached ${state}`);
}

const network = (p: AwsProvider, cidr: string) => p.networking.createNetwork({ name: `peer-net-${++third}`, cidrs: [cidr] });

describe('AWS network companion: peering', () => {
  it('finds the peer network’s region among the provider’s regions, and otherwise asks for peerRegion', async () => {
    const a = await network(east, '10.70.1.0/24');
    const b = await network(west, '10.70.2.0/24');
    const request = await east.networking.requestPeering({ name: 'pcx-region', networkId: a.id, peerNetworkId: b.id });
    expect(request).toMatchObject({ role: 'requester', state: 'pending-acceptance', networkId: a.id, peerNetworkId: b.id, peerRegion: 'us-west-2', peerAccount: undefined });
    // The west provider does not work in us-east-1: it cannot find the east network by itself.
    const unknown = await rejectionOf(west.networking.requestPeering({ name: 'pcx-unknown', networkId: b.id, peerNetworkId: a.id }));
    expect(NotFoundError.isInstance(unknown), String(unknown)).toBe(true);
    expect(String(unknown)).toMatch(/peerRegion/);
    const self = await rejectionOf(east.networking.requestPeering({ name: 'pcx-self', networkId: a.id, peerNetworkId: a.id }));
    expect(InvalidSpecError.isInstance(self), String(self)).toBe(true);
    await east.networking.delete({ type: 'peering', id: request.id });
  });

  it('reads a request of overlapping ranges failed, with AWS’s reason, and refuses to accept it', async () => {
    const a = await network(east, '10.71.0.0/24');
    const b = await network(west, '10.71.0.0/25');
    const request = await east.networking.requestPeering({ name: 'pcx-overlap', networkId: a.id, peerNetworkId: b.id, peerRegion: 'us-west-2' });
    expect(request.state).toBe('failed');
    expect(request.stateReason).toMatch(/overlapping CIDR/i);
    const accept = await rejectionOf(west.networking.acceptPeering({ name: 'pcx-overlap-b', requestId: request.id, networkId: b.id, peerNetworkId: a.id }));
    expect(ConflictError.isInstance(accept), String(accept)).toBe(true);
    await east.networking.delete({ type: 'peering', id: request.id }); // nothing to do: AWS drops failed requests itself
  });

  it('settles lost request and accept answers by their keys, without a second peering', async () => {
    const a = await network(east, '10.72.1.0/24');
    const b = await network(west, '10.72.2.0/24');
    emu.faults.dropResponse('CreateVpcPeeringConnection');
    const lost = await rejectionOf(east.networking.requestPeering({ name: 'pcx-lost', networkId: a.id, peerNetworkId: b.id }, { idempotencyKey: 'pcx-lost-request' }));
    expect(ProviderUnavailableError.isInstance(lost) || TimeoutError.isInstance(lost), String(lost)).toBe(true);
    const made = (await raw.send(new DescribeVpcPeeringConnectionsCommand({ Filters: [{ Name: 'requester-vpc-info.vpc-id', Values: [a.id] }] }))).VpcPeeringConnections ?? [];
    expect(made).toHaveLength(1);
    const request = await east.networking.findByIdempotencyKey('peering', 'pcx-lost-request');
    expect(request).toMatchObject({ id: made[0]!.VpcPeeringConnectionId, role: 'requester' });
    expect((await east.networking.requestPeering({ name: 'pcx-lost', networkId: a.id, peerNetworkId: b.id }, { idempotencyKey: 'pcx-lost-request' })).id).toBe(request!.id);

    emu.faults.dropResponse('AcceptVpcPeeringConnection');
    const acceptInput = { name: 'pcx-lost-b', requestId: request!.id, networkId: b.id, peerNetworkId: a.id };
    const lostAccept = await rejectionOf(west.networking.acceptPeering(acceptInput, { idempotencyKey: 'pcx-lost-accept' }));
    expect(ProviderUnavailableError.isInstance(lostAccept) || TimeoutError.isInstance(lostAccept), String(lostAccept)).toBe(true);
    // The accept happened; a repeat with the key completes it (tagging it) without accepting twice.
    const accepted = await west.networking.acceptPeering(acceptInput, { idempotencyKey: 'pcx-lost-accept' });
    expect(accepted).toMatchObject({ id: request!.id, role: 'accepter', networkId: b.id, peerNetworkId: a.id });
    expect(await west.networking.findByIdempotencyKey('peering', 'pcx-lost-accept')).toMatchObject({ id: request!.id, role: 'accepter' });
    expect(emu.stats.count('AcceptVpcPeeringConnection')).toBe(1);
    await reach(east, { type: 'peering', id: request!.id }, 'available');

    const route = await east.networking.createRoute({ name: 'to-b', networkId: a.id, destination: '10.72.2.0/24', target: { type: 'peering', id: request!.id } }, { idempotencyKey: 'route-to-b' });
    expect(route).toMatchObject({ type: 'route', state: 'available', networkId: a.id, destination: '10.72.2.0/24', target: { type: 'peering', id: request!.id } });
    expect((await east.networking.findByIdempotencyKey('route', 'route-to-b'))?.id).toBe(route.id);
    expect((await east.networking.createRoute({ name: 'to-b', networkId: a.id, destination: '10.72.2.0/24', target: { type: 'peering', id: request!.id } }, { idempotencyKey: 'route-to-b' })).id).toBe(route.id);
    await east.networking.delete({ type: 'route', id: route.id });
    await expect(east.networking.get({ type: 'route', id: route.id })).rejects.toSatisfy((e: unknown) => NotFoundError.isInstance(e));
    expect(await east.networking.findByIdempotencyKey('route', 'route-to-b')).toBeUndefined();
    await west.networking.delete({ type: 'peering', id: request!.id });
  });
});
