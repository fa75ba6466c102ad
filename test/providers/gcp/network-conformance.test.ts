/**
 * The network conformance suite against the GCE network companion (`provider.networking`) on the
 * Compute Engine emulator, through the real `@google-cloud/compute` clients. The peer side is a
 * second adapter in another project, on a second emulator sharing the first one's network fabric,
 * so peerings are cross-project as in GCE. Afterwards neither emulator holds a network resource
 * the suite made.
 */
import { afterAll, expect, it } from 'vitest';
import { createGcpProvider } from '../../../src/providers/gcp/index.js';
import { GceNetworkFabric, startGceEmulator, type GceEmulator } from '../../../src/testing/emulators/gce/index.js';
import { describeNetworkProviderConformance } from '../../../src/testing/network-conformance.js';
import { fastOptions } from './emulated-gcp.js';

const fabric = new GceNetworkFabric();
const timings = { operationPendingMs: 5, operationRunningMs: 20, networkFabric: fabric };
const emulators: Promise<GceEmulator>[] = [startGceEmulator(timings), startGceEmulator({ ...timings, project: 'novacron-peer' })];

describeNetworkProviderConformance('gcp (Compute Engine emulator)', async () => createGcpProvider({ ...(await emulators[0]!).providerOptions, ...fastOptions, name: 'gcp-net' }), {
  peer: async () => createGcpProvider({ ...(await emulators[1]!).providerOptions, ...fastOptions, name: 'gcp-net-peer' }),
  readyTimeoutMs: 20_000,
  timeoutMs: 30_000,
});

it('leaves nothing behind in either emulator once the suite has torn down', async () => {
  for (const emu of await Promise.all(emulators)) {
    expect(emu.networks.counts()).toEqual({ networks: 0, subnetworks: 0, vpnGateways: 0, externalVpnGateways: 0, vpnTunnels: 0, routers: 0, routes: 0 });
  }
});

afterAll(async () => {
  await Promise.all((await Promise.all(emulators)).map((emu) => emu.close()));
});
