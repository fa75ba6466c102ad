/**
 * The network conformance suite against the OpenStack companion through the adapter's real
 * HTTPS path to the emulator, twice: on a Neutron with VPNaaS (the VPN test runs: gateway,
 * peer gateway, connection, pre-shared key by reference) and on one without (the suite checks
 * the UnsupportedError). After each run the emulator holds nothing the suite created.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createOpenStackProvider } from '../../../src/providers/openstack/index.js';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../../src/testing/emulators/index.js';
import { describeNetworkProviderConformance } from '../../../src/testing/index.js';
import { fastOptions } from './emulated-openstack.js';

/** What the emulator holds that a companion made (its description marks), beyond the seeded cloud. */
function leftovers(emu: OpenStackEmulator): unknown[] {
  const marked = (r: { readonly description?: unknown }): boolean => typeof r.description === 'string' && r.description.startsWith('novacron:v1');
  const vpn = emu.state.vpn();
  return [...emu.state.networks(), ...emu.state.subnets(), ...emu.state.routers(), ...vpn.services, ...vpn.endpointGroups, ...vpn.connections, ...vpn.ikePolicies, ...vpn.ipsecPolicies].filter(marked);
}

for (const vpnaas of [true, false]) {
  const started: { emu?: OpenStackEmulator } = {};
  const name = vpnaas ? 'OpenStack Neutron with VPNaaS' : 'OpenStack Neutron without VPNaaS';
  describeNetworkProviderConformance(
    name,
    async () => {
      started.emu = await startOpenStackEmulator({ vpnaas: vpnaas ? { activationMs: 40 } : false });
      const provider = createOpenStackProvider({ ...started.emu.providerOptions, ...fastOptions });
      await provider.networking.discover();
      return provider;
    },
    { readyTimeoutMs: 20_000, timeoutMs: 30_000 },
  );

  describe(`${name}: after the suite`, () => {
    afterAll(() => started.emu?.close());

    it('leaves no network, subnet, router or VPNaaS resource of its own in the emulator', () => {
      expect(started.emu).toBeDefined();
      expect(leftovers(started.emu!)).toEqual([]);
      // The seeded cloud is still there, untouched.
      expect(started.emu!.state.networks().map((n) => n.name).sort()).toEqual(['private', 'public']);
      expect(started.emu!.state.routers().map((r) => r.name)).toEqual(['router1']);
      const router1 = started.emu!.state.routers()[0]!.id;
      expect(started.emu!.state.ports().map((p) => p.device_id)).toEqual([router1]);
    });

    it(vpnaas ? 'sent its VPN calls to Neutron VPNaaS' : 'never called a VPNaaS path on a cloud without it', () => {
      const vpnCalls = started.emu!.requests().filter((r) => /^(vpnservices|ikepolicies|ipsecpolicies|endpointGroups|ipsecSiteConnections)\./.test(r.operation));
      if (vpnaas) expect(vpnCalls.some((r) => r.operation === 'ipsecSiteConnections.create')).toBe(true);
      else expect(vpnCalls).toEqual([]);
    });
  });
}
