/**
 * Portable image aliases. Each adapter maps an alias to its cloud's image (AMI through
 * DescribeImages owner filters, Azure marketplace URN, GCE image family, Glance name); any
 * other value is passed through as a provider-native image id.
 */

/** What a portable alias stands for. */
export interface PortableImage {
  /** Alias as written in specs. */
  readonly alias: string;
  /** Operating system family. */
  readonly os: 'linux' | 'windows';
  /** Distribution. */
  readonly distribution: string;
  /** Version. */
  readonly version: string;
}

/** The aliases every adapter understands. */
export const PORTABLE_IMAGES: readonly PortableImage[] = [
  { alias: 'ubuntu-20.04', os: 'linux', distribution: 'ubuntu', version: '20.04' },
  { alias: 'ubuntu-22.04', os: 'linux', distribution: 'ubuntu', version: '22.04' },
  { alias: 'ubuntu-24.04', os: 'linux', distribution: 'ubuntu', version: '24.04' },
  { alias: 'debian-11', os: 'linux', distribution: 'debian', version: '11' },
  { alias: 'debian-12', os: 'linux', distribution: 'debian', version: '12' },
  { alias: 'rhel-9', os: 'linux', distribution: 'rhel', version: '9' },
  { alias: 'rocky-9', os: 'linux', distribution: 'rocky', version: '9' },
  { alias: 'amazon-linux-2023', os: 'linux', distribution: 'amazon-linux', version: '2023' },
  { alias: 'windows-2022', os: 'windows', distribution: 'windows-server', version: '2022' },
];

/** The default image when a spec names none. */
export const DEFAULT_IMAGE = 'ubuntu-22.04';

/** Finds a portable alias; `undefined` for native ids and unknown names. */
export function findPortableImage(image: string): PortableImage | undefined {
  return PORTABLE_IMAGES.find((i) => i.alias === image);
}

/**
 * True when `image` looks like an alias (distribution-version) rather than a native id, so
 * that an unknown alias such as `ubuntu-99.04` can be refused instead of passed through.
 */
export function looksLikeAlias(image: string): boolean {
  return /^(ubuntu|debian|rhel|rocky|centos|fedora|amazon-linux|windows|suse|sles|alma)-[0-9]/.test(image);
}
