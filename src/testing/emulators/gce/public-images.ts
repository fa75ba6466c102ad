/**
 * The public image projects and families an adapter's image aliases resolve to, as Compute
 * Engine publishes them (cloud.google.com/compute/docs/images/os-details, "Public images",
 * read 2026-12): each family holds a current image and an older, deprecated one, so that
 * `images.getFromFamily` must pick the newest non-deprecated image as GCE does. Image names
 * follow GCE's patterns (`ubuntu-2404-noble-amd64-v2026…`); the dates are the emulator's.
 */

/** One public image family. */
export interface PublicImageFamily {
  /** Image project (`ubuntu-os-cloud`). */
  readonly project: string;
  /** Family (`ubuntu-2404-lts-amd64`). */
  readonly family: string;
  /** Name stem; the images are `{stem}-v{date}`. */
  readonly stem: string;
  /** Architecture. */
  readonly architecture: 'X86_64' | 'ARM64';
  /** Minimum boot disk size, GB. */
  readonly diskSizeGb: number;
  /** Description. */
  readonly description: string;
}

/** The public image families served. */
export const PUBLIC_IMAGE_FAMILIES: readonly PublicImageFamily[] = [
  { project: 'ubuntu-os-cloud', family: 'ubuntu-2204-lts', stem: 'ubuntu-2204-jammy', architecture: 'X86_64', diskSizeGb: 10, description: 'Canonical, Ubuntu, 22.04 LTS, amd64 jammy image' },
  { project: 'ubuntu-os-cloud', family: 'ubuntu-2204-lts-arm64', stem: 'ubuntu-2204-jammy-arm64', architecture: 'ARM64', diskSizeGb: 10, description: 'Canonical, Ubuntu, 22.04 LTS, arm64 jammy image' },
  { project: 'ubuntu-os-cloud', family: 'ubuntu-2404-lts-amd64', stem: 'ubuntu-2404-noble-amd64', architecture: 'X86_64', diskSizeGb: 10, description: 'Canonical, Ubuntu, 24.04 LTS, amd64 noble image' },
  { project: 'ubuntu-os-cloud', family: 'ubuntu-2404-lts-arm64', stem: 'ubuntu-2404-noble-arm64', architecture: 'ARM64', diskSizeGb: 10, description: 'Canonical, Ubuntu, 24.04 LTS, arm64 noble image' },
  { project: 'debian-cloud', family: 'debian-12', stem: 'debian-12-bookworm', architecture: 'X86_64', diskSizeGb: 10, description: 'Debian, Debian GNU/Linux, 12 (bookworm), amd64' },
  { project: 'debian-cloud', family: 'debian-12-arm64', stem: 'debian-12-bookworm-arm64', architecture: 'ARM64', diskSizeGb: 10, description: 'Debian, Debian GNU/Linux, 12 (bookworm), arm64' },
  { project: 'rhel-cloud', family: 'rhel-9', stem: 'rhel-9', architecture: 'X86_64', diskSizeGb: 20, description: 'Red Hat, Red Hat Enterprise Linux, 9, x86_64' },
  { project: 'rhel-cloud', family: 'rhel-9-arm64', stem: 'rhel-9-arm64', architecture: 'ARM64', diskSizeGb: 20, description: 'Red Hat, Red Hat Enterprise Linux, 9, aarch64' },
  { project: 'windows-cloud', family: 'windows-2022', stem: 'windows-server-2022-dc', architecture: 'X86_64', diskSizeGb: 50, description: 'Microsoft, Windows Server, 2022 Datacenter, Server with Desktop Experience, x64' },
];

/** Version suffixes of the two images of each family: [current, deprecated]. */
export const PUBLIC_IMAGE_VERSIONS = ['v20261105', 'v20261001'] as const;
