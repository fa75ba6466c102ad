/**
 * Shared set-up of the cloud pairing tests: one emulated cloud per real adapter (EC2, ARM, GCE),
 * each with short lifecycle timings, a provider on it through the real SDK clients, and what the
 * emulator holds of networking (read through the cloud's own API or the emulator's state view),
 * so a teardown can be compared with the state before the setup. Not a test file itself.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { NetworkManagementClient } from '@azure/arm-network';
import type { ProviderV1 } from '../../src/provider/provider-v1.js';
import { createAwsProvider } from '../../src/providers/aws/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../src/testing/emulators/ec2/index.js';
import type { ArmEmulator, GceEmulator } from '../../src/testing/emulators/index.js';
import { collect } from '../helpers.js';
import { networkSnapshot } from '../providers/aws/network-snapshot.js';
import { startEmulatedNetwork } from '../providers/azure/network-emulated.js';
import { startEmulatedGcp } from '../providers/gcp/emulated-gcp.js';

/** One emulated cloud with a provider on it. */
export interface CloudSite {
  /** `aws`, `azure` or `gcp`. */
  readonly kind: 'aws' | 'azure' | 'gcp';
  /** The real adapter, on the emulator. */
  readonly provider: ProviderV1;
  /** A range for the test's network, apart from every other site's. */
  readonly cidr: string;
  /** The emulator's networking, as comparable JSON (resources that linger as `deleted` left out). */
  snapshot(): Promise<unknown>;
  /** Everything the emulator logged about the calls it answered (operations, statuses, error codes). */
  requestLog(): unknown;
  close(): Promise<void>;
}

/** Network lifecycle delays of the EC2 emulator, shortened (the field names of `Ec2NetworkTimings`). */
const EC2_NETWORK_TIMINGS = {
  vpnGatewayAvailableMs: 200,
  vpnGatewayAttachMs: 100,
  vpnGatewayDetachMs: 100,
  vpnGatewayDeleteMs: 100,
  vpnConnectionAvailableMs: 200,
  vpnConnectionDeleteMs: 100,
  vpnRouteMs: 50,
};

/** An EC2 emulator (real clock, short network timings) and an AWS provider on it. */
export async function startAwsSite(name: string): Promise<CloudSite> {
  const emu: Ec2Emulator = await startEc2Emulator({ timings: EC2_NETWORK_TIMINGS as NonNullable<Parameters<typeof startEc2Emulator>[0]>['timings'] });
  const client = new EC2Client({ region: emu.providerOptions.region, endpoint: emu.endpoint, credentials: emu.providerOptions.credentials, maxAttempts: 1 });
  const calls: unknown[] = [];
  emu.events.on('call', (event) => calls.push(event));
  return {
    kind: 'aws',
    provider: createAwsProvider({ ...emu.providerOptions, name }),
    cidr: '10.91.0.0/24',
    snapshot: () => networkSnapshot(client, { live: true }),
    requestLog: () => calls,
    close: async () => {
      client.destroy();
      await emu.close();
    },
  };
}

/** An ARM emulator (short gateway timings) and an active-active Azure provider on it (two tunnels, as AWS and GCP make). */
export async function startAzureSite(name: string): Promise<CloudSite> {
  const env = await startEmulatedNetwork({ operationMs: 20, gatewayTiming: { provisioningMs: 300, updateMs: 100, deleteMs: 150, connectionMs: 100 } });
  const emu: ArmEmulator = env.emu;
  const client = new NetworkManagementClient(emu.providerOptions.credential, emu.providerOptions.subscriptionId, { ...emu.sdkClientOptions });
  const rg = emu.providerOptions.resourceGroup;
  return {
    kind: 'azure',
    provider: env.provider({ name, network: { activeActive: true } }),
    cidr: '10.92.0.0/16',
    snapshot: async () => ({
      virtualNetworks: (await collect(client.virtualNetworks.list(rg))).map((n) => `${n.name}:${(n.subnets ?? []).map((s) => s.name).join(',')}`).sort(),
      gateways: (await collect(client.virtualNetworkGateways.list(rg))).map((g) => g.name).sort(),
      localGateways: (await collect(client.localNetworkGateways.list(rg))).map((g) => g.name).sort(),
      connections: (await collect(client.virtualNetworkGatewayConnections.list(rg))).map((c) => c.name).sort(),
      publicIps: (await collect(client.publicIPAddresses.list(rg))).map((p) => p.name).sort(),
      routeTables: (await collect(client.routeTables.list(rg))).map((t) => `${t.name}:${(t.routes ?? []).map((r) => r.addressPrefix).join(',')}`).sort(),
    }),
    requestLog: () => emu.requests(),
    close: () => env.close(),
  };
}

/** A GCE emulator and a GCP provider on it. */
export async function startGcpSite(name: string): Promise<CloudSite> {
  const env = await startEmulatedGcp();
  const emu: GceEmulator = env.emu;
  return {
    kind: 'gcp',
    provider: env.provider({ name }),
    cidr: '10.93.0.0/16',
    snapshot: async () => ({
      counts: emu.networks.counts(),
      networks: emu.networks.networks().map((n) => n['name']),
    }),
    requestLog: () => emu.requests(),
    close: () => env.close(),
  };
}

/** Starts the site of one kind. */
export function startSite(kind: CloudSite['kind'], name: string): Promise<CloudSite> {
  return kind === 'aws' ? startAwsSite(name) : kind === 'azure' ? startAzureSite(name) : startGcpSite(name);
}
