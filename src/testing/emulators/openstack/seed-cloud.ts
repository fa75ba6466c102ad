/**
 * What a fresh devstack-like cloud holds: the tenant network `private` (10.0.0.0/24) and the
 * external network `public` (172.24.4.0/24, `router:external`) joined by `router1`; the
 * `default` security group; and public Ubuntu 22.04 (x86_64 and arm64), Debian 12 and Rocky 9
 * images with the properties image builders set (`os_distro`, `os_version`, `architecture`,
 * `hw_architecture`) and small real qcow2 data.
 */
import type { OpenStackState } from './openstack-state.js';
import { emptyQcow2 } from './qcow2-image.js';

/** A seeded public image. */
export interface SeededImage {
  /** Image name. */
  readonly name: string;
  /** `os_distro`. */
  readonly osDistro: string;
  /** `os_version`. */
  readonly osVersion: string;
  /** `architecture` (`x86_64`, `aarch64`). */
  readonly architecture: string;
  /** `min_disk`, GiB. */
  readonly minDiskGiB: number;
}

/** The public images of a fresh emulator. */
export const SEEDED_IMAGES: readonly SeededImage[] = [
  { name: 'ubuntu-22.04', osDistro: 'ubuntu', osVersion: '22.04', architecture: 'x86_64', minDiskGiB: 3 },
  { name: 'ubuntu-22.04-arm64', osDistro: 'ubuntu', osVersion: '22.04', architecture: 'aarch64', minDiskGiB: 3 },
  { name: 'debian-12', osDistro: 'debian', osVersion: '12', architecture: 'x86_64', minDiskGiB: 2 },
  { name: 'rocky-9', osDistro: 'rocky', osVersion: '9', architecture: 'x86_64', minDiskGiB: 10 },
];

/** Seeds networks, the router, the default security group and the public images. */
export function seedCloud(state: OpenStackState, options: { readonly network: string; readonly floatingNetwork: string }): void {
  const net = state.network;
  const tenant = net.addNetwork({ name: options.network, external: false, prefix: '10.0.0', subnetName: `${options.network}-subnet`, mtu: 1442 });
  const external = net.addNetwork({ name: options.floatingNetwork, external: true, prefix: '172.24.4', subnetName: `${options.floatingNetwork}-subnet`, mtu: 1500 });
  net.addRouter('router1', external, tenant.subnetIds);
  net.addSecurityGroup('default', 'Default security group');
  for (const seed of SEEDED_IMAGES) {
    state.images.add({
      name: seed.name,
      diskFormat: 'qcow2',
      containerFormat: 'bare',
      visibility: 'public',
      minDisk: seed.minDiskGiB,
      owner: 'a4c4a8b1d24c4f5e9b6a0c3d2e1f0a9b',
      properties: { os_distro: seed.osDistro, os_version: seed.osVersion, architecture: seed.architecture, hw_architecture: seed.architecture, hw_disk_bus: 'virtio', hw_qemu_guest_agent: 'yes' },
      data: [emptyQcow2(`novacron emulator image ${seed.name}`)],
    });
  }
}
