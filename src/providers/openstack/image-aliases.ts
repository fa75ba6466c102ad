/**
 * Portable image aliases → Glance images, found by their properties.
 *
 * Glance has no public image catalog: each cloud uploads its own. What it does have is a
 * convention for describing them, the "Useful image properties" (Glance administrator guide,
 * docs.openstack.org/glance/latest/admin/useful-image-properties.html, read 2026-12):
 * `os_distro` (libosinfo's short id: `ubuntu`, `debian`, `rhel`, `rocky`, `windows`),
 * `os_version` and `architecture` (`x86_64`, `aarch64`). An alias is looked up with
 * `GET /v2/images?os_distro=…&os_version=…&status=active&visibility=all`, the newest image per architecture
 * wins, and the spec's architectures keep only those the cloud has.
 *
 * | alias        | os_distro | os_version |
 * |--------------|-----------|------------|
 * | ubuntu-20.04 | ubuntu    | 20.04      |
 * | ubuntu-22.04 | ubuntu    | 22.04      |
 * | ubuntu-24.04 | ubuntu    | 24.04      |
 * | debian-11    | debian    | 11         |
 * | debian-12    | debian    | 12         |
 * | rhel-9       | rhel      | 9          |
 * | rocky-9      | rocky     | 9          |
 * | windows-2022 | windows   | 2022       |
 *
 * `amazon-linux-2023` is refused on `image` (it has no OpenStack build). Any other image is
 * taken as the cloud's own: a Glance image id (UUID) or an exact image name.
 */
import type { Architecture } from '../../provider/types.js';
import type { GlanceImage } from './wire-types.js';

/** One row of {@link OPENSTACK_IMAGE_ALIASES}. */
export interface OpenStackImageAlias {
  /** Portable alias. */
  readonly alias: string;
  /** Operating system. */
  readonly os: 'linux' | 'windows';
  /** The Glance properties the image carries. */
  readonly properties: {
    /** libosinfo's short distribution id (`ubuntu`). */
    readonly os_distro: string;
    /** The distribution's version (`22.04`). */
    readonly os_version: string;
  };
}

const row = (alias: string, os_distro: string, os_version: string, os: 'linux' | 'windows' = 'linux'): OpenStackImageAlias => ({ alias, os, properties: { os_distro, os_version } });

/** The alias table, in one place (see the file comment). */
export const OPENSTACK_IMAGE_ALIASES: readonly OpenStackImageAlias[] = [
  row('ubuntu-20.04', 'ubuntu', '20.04'),
  row('ubuntu-22.04', 'ubuntu', '22.04'),
  row('ubuntu-24.04', 'ubuntu', '24.04'),
  row('debian-11', 'debian', '11'),
  row('debian-12', 'debian', '12'),
  row('rhel-9', 'rhel', '9'),
  row('rocky-9', 'rocky', '9'),
  row('windows-2022', 'windows', '2022', 'windows'),
];

/** Aliases without an OpenStack build. */
export const UNAVAILABLE_ALIASES: ReadonlySet<string> = new Set(['amazon-linux-2023']);

/** The portable architecture of a Glance `architecture` property; `undefined` when it names none or another. */
export function architectureOfImage(image: Pick<GlanceImage, 'architecture'>): Architecture | undefined {
  const a = image.architecture?.toLowerCase();
  if (a === 'x86_64' || a === 'amd64' || a === 'x86-64' || a === 'x64') return 'x86_64';
  if (a === 'aarch64' || a === 'arm64') return 'arm64';
  return undefined;
}

/** Glance's word for a portable architecture. */
export function glanceArchitecture(arch: Architecture): string {
  return arch === 'arm64' ? 'aarch64' : 'x86_64';
}

/** The newest active image per architecture among `images` (an image naming no architecture counts as x86_64). */
export function newestPerArchitecture(images: readonly GlanceImage[]): Map<Architecture, GlanceImage> {
  const out = new Map<Architecture, GlanceImage>();
  for (const image of images) {
    if (image.status !== undefined && image.status !== 'active') continue;
    const arch = image.architecture === undefined ? 'x86_64' : architectureOfImage(image);
    if (arch === undefined) continue;
    const known = out.get(arch);
    if (!known || (image.created_at ?? '') > (known.created_at ?? '')) out.set(arch, image);
  }
  return out;
}
