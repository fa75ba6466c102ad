/**
 * Peering with the GCE network companion on the Compute Engine emulator, through the real client
 * library: a request is this side's `addPeering` (INACTIVE: `pending-acceptance`), the
 * acceptance the other side's (both ACTIVE: `available`), the names carry the role and the key,
 * overlapping ranges are refused before anything is sent, a route to a peering is unsupported
 * (GCE exchanges the subnet routes itself), and removing the requester's link leaves the
 * accepter's `failed` until it is removed too. Across projects (two emulators sharing a network
 * fabric) each side names the other's project as `peerAccount`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UnsupportedError } from '../../../src/provider/errors.js';
import type { NetworkProviderV1 } from '../../../src/provider/network-provider-v1.js';
import { createGcpProvider } from '../../../src/providers/gcp/index.js';
import { GceNetworkFabric, startGceEmulator } from '../../../src/testing/emulators/gce/index.js';
import { fastOptions, startEmulatedGcp, type EmulatedGcp } from './emulated-gcp.js';

let env: EmulatedGcp;
let left: NetworkProviderV1;
let right: NetworkProviderV1;

beforeAll(async () => {
  env = await startEmulatedGcp();
  left = env.provider({ name: 'gcp-left' }).networking;
  right = env.provider({ name: 'gcp-right' }).networking;
});
afterAll(() => env?.close());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('a peering of two GCE networks', () => {
  it('goes pending-acceptance, then available on both sides once the other side accepts, and comes apart side by side', async () => {
    const a = await left.createNetwork({ name: 'peer-left', cidrs: ['10.150.0.0/16'] });
    const b = await right.createNetwork({ name: 'peer-right', cidrs: ['10.151.0.0/16'] });
    const clash = await right.createNetwork({ name: 'peer-clash', cidrs: ['10.150.128.0/17'] });

    const refused = await rejection(left.requestPeering({ name: 'to-clash', networkId: a.id, peerNetworkId: clash.id }));
    expect(ConflictError.isInstance(refused), String(refused)).toBe(true);
    expect(String(refused)).toMatch(/overlapping CIDR ranges: 10\.150\.0\.0\/16 and 10\.150\.128\.0\/17/);
    expect(env.emu.networks.networks().find((n) => n.name === 'peer-left')!.peerings).toEqual([]);

    const request = await left.requestPeering({ name: 'left-right', networkId: a.id, peerNetworkId: b.id }, { idempotencyKey: 'peer-1' });
    expect(request).toMatchObject({ role: 'requester', state: 'pending-acceptance', rawState: 'INACTIVE', networkId: a.id, peerNetworkId: b.id, peerAccount: undefined });
    expect(request.name).toMatch(/^left-right-r[0-9a-f]{10}$/);
    expect((await left.requestPeering({ name: 'left-right', networkId: a.id, peerNetworkId: b.id }, { idempotencyKey: 'peer-1' })).id).toBe(request.id);

    const wrong = await rejection(right.acceptPeering({ name: 'right-left', requestId: request.id, networkId: clash.id, peerNetworkId: a.id }));
    expect(ConflictError.isInstance(wrong), String(wrong)).toBe(true);
    const accepted = await right.acceptPeering({ name: 'right-left', requestId: request.id, networkId: b.id, peerNetworkId: a.id }, { idempotencyKey: 'peer-2' });
    expect(accepted).toMatchObject({ role: 'accepter', state: 'available', rawState: 'ACTIVE', networkId: b.id, peerNetworkId: a.id });
    expect((await left.get({ type: 'peering', id: request.id })).state).toBe('available');
    expect((await right.findByIdempotencyKey('peering', 'peer-2'))?.id).toBe(accepted.id);

    const route = await rejection(left.createRoute({ name: 'via-peering', networkId: a.id, destination: '10.151.0.0/16', target: { type: 'peering', id: request.id } }));
    expect(UnsupportedError.isInstance(route), String(route)).toBe(true);

    await left.delete({ type: 'peering', id: request.id });
    await expect(left.get({ type: 'peering', id: request.id })).rejects.toSatisfy((e: unknown) => NotFoundError.isInstance(e));
    const orphan = await right.get({ type: 'peering', id: accepted.id });
    expect(orphan).toMatchObject({ state: 'failed', rawState: 'INACTIVE' });
    expect(orphan.stateReason).toMatch(/Waiting for peer network to connect/);
    const inUse = await rejection(right.delete({ type: 'network', id: b.id }));
    expect(ConflictError.isInstance(inUse), String(inUse)).toBe(true);
    await right.delete({ type: 'peering', id: accepted.id });
    for (const n of [a, b, clash]) await (n === a ? left : right).delete({ type: 'network', id: n.id });
  }, 60_000);
});

describe('a peering across projects', () => {
  it('names the other project on each side and becomes available on both', async () => {
    const fabric = new GceNetworkFabric();
    const [one, two] = await Promise.all([
      startGceEmulator({ project: 'project-one', operationPendingMs: 5, operationRunningMs: 20, networkFabric: fabric }),
      startGceEmulator({ project: 'project-two', operationPendingMs: 5, operationRunningMs: 20, networkFabric: fabric }),
    ]);
    try {
      const p1 = createGcpProvider({ ...one.providerOptions, ...fastOptions }).networking;
      const p2 = createGcpProvider({ ...two.providerOptions, ...fastOptions }).networking;
      const a = await p1.createNetwork({ name: 'x-one', cidrs: ['10.160.0.0/16'] });
      const b = await p2.createNetwork({ name: 'x-two', cidrs: ['10.161.0.0/16'] });
      const request = await p1.requestPeering({ name: 'one-two', networkId: a.id, peerNetworkId: b.id, peerAccount: 'project-two' });
      expect(request).toMatchObject({ state: 'pending-acceptance', peerAccount: 'project-two', peerNetworkId: 'projects/project-two/global/networks/x-two' });
      const accepted = await p2.acceptPeering({ name: 'two-one', requestId: request.id, networkId: b.id, peerNetworkId: a.id, peerAccount: 'project-one' });
      expect(accepted).toMatchObject({ state: 'available', role: 'accepter', peerAccount: 'project-one' });
      expect((await p1.get({ type: 'peering', id: request.id })).state).toBe('available');
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  }, 60_000);
});
