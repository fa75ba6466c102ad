/**
 * Portable image aliases → Compute Engine public image families.
 *
 * A family names the newest non-deprecated image of a line, so a create boots a patched image
 * without the table naming versions (`projects/<project>/global/images/family/<family>`).
 * Projects and families from "OS images" (cloud.google.com/compute/docs/images/os-details, read
 * 2026-12). Arm builds run on the Arm families (t2a, c4a); Windows Server has none.
 *
 * | alias          | project            | x86_64 family            | arm64 family            | min disk |
 * |----------------|--------------------|--------------------------|-------------------------|----------|
 * | ubuntu-20.04   | ubuntu-os-cloud    | ubuntu-2004-lts          | ubuntu-2004-lts-arm64   | 10 GiB   |
 * | ubuntu-22.04   | ubuntu-os-cloud    | ubuntu-2204-lts          | ubuntu-2204-lts-arm64   | 10 GiB   |
 * | ubuntu-24.04   | ubuntu-os-cloud    | ubuntu-2404-lts-amd64    | ubuntu-2404-lts-arm64   | 10 GiB   |
 * | debian-11      | debian-cloud       | debian-11                | debian-11-arm64         | 10 GiB   |
 * | debian-12      | debian-cloud       | debian-12                | debian-12-arm64         | 10 GiB   |
 * | rhel-9         | rhel-cloud         | rhel-9                   | rhel-9-arm64            | 20 GiB   |
 * | rocky-9        | rocky-linux-cloud  | rocky-linux-9            | rocky-linux-9-arm64     | 20 GiB   |
 * | windows-2022   | windows-cloud      | windows-2022             | —                       | 50 GiB   |
 *
 * `amazon-linux-2023` has no GCE image and is refused on `image`. Any other image is taken as
 * GCE's own: `projects/<p>/global/images/<name>`, `projects/<p>/global/images/family/<family>`
 * or a full `https://www.googleapis.com/compute/v1/...` URL.
 */
import type { Architecture } from '../../provider/types.js';
import { looksLikeAlias } from '../../provider/images.js';

/** An image family in a public image project. */
export interface ImageFamily {
  /** Project that publishes it. */
  readonly project: string;
  /** Family name. */
  readonly family: string;
}

/** One row of {@link GCP_IMAGE_ALIASES}. */
export interface GcpImageAlias {
  /** Portable alias. */
  readonly alias: string;
  /** Operating system. */
  readonly os: 'linux' | 'windows';
  /** The family per architecture (absent: no build). */
  readonly families: Readonly<Partial<Record<Architecture, ImageFamily>>>;
  /** Smallest boot disk the image fits on, GiB. */
  readonly minDiskGiB: number;
}

const f = (project: string, family: string): ImageFamily => ({ project, family });

/** The alias table, in one place (see the file comment). */
export const GCP_IMAGE_ALIASES: readonly GcpImageAlias[] = [
  { alias: 'ubuntu-20.04', os: 'linux', families: { x86_64: f('ubuntu-os-cloud', 'ubuntu-2004-lts'), arm64: f('ubuntu-os-cloud', 'ubuntu-2004-lts-arm64') }, minDiskGiB: 10 },
  { alias: 'ubuntu-22.04', os: 'linux', families: { x86_64: f('ubuntu-os-cloud', 'ubuntu-2204-lts'), arm64: f('ubuntu-os-cloud', 'ubuntu-2204-lts-arm64') }, minDiskGiB: 10 },
  { alias: 'ubuntu-24.04', os: 'linux', families: { x86_64: f('ubuntu-os-cloud', 'ubuntu-2404-lts-amd64'), arm64: f('ubuntu-os-cloud', 'ubuntu-2404-lts-arm64') }, minDiskGiB: 10 },
  { alias: 'debian-11', os: 'linux', families: { x86_64: f('debian-cloud', 'debian-11'), arm64: f('debian-cloud', 'debian-11-arm64') }, minDiskGiB: 10 },
  { alias: 'debian-12', os: 'linux', families: { x86_64: f('debian-cloud', 'debian-12'), arm64: f('debian-cloud', 'debian-12-arm64') }, minDiskGiB: 10 },
  { alias: 'rhel-9', os: 'linux', families: { x86_64: f('rhel-cloud', 'rhel-9'), arm64: f('rhel-cloud', 'rhel-9-arm64') }, minDiskGiB: 20 },
  { alias: 'rocky-9', os: 'linux', families: { x86_64: f('rocky-linux-cloud', 'rocky-linux-9'), arm64: f('rocky-linux-cloud', 'rocky-linux-9-arm64') }, minDiskGiB: 20 },
  { alias: 'windows-2022', os: 'windows', families: { x86_64: f('windows-cloud', 'windows-2022') }, minDiskGiB: 50 },
];

/** An image a create can boot from. */
export interface ResolvedGcpImage {
  /** Operating system (a native image is taken as Linux unless its path says Windows). */
  readonly os: 'linux' | 'windows';
  /** Architectures with a build; `undefined` for a native image (its architecture is the image's). */
  readonly architectures: readonly Architecture[] | undefined;
  /** The `sourceImage` per architecture; one entry under both for a native image. */
  sourceImage(arch: Architecture): string | undefined;
  /** Smallest boot disk, GiB (0 when unknown). */
  readonly minDiskGiB: number;
}

/** Why an image cannot be used. */
export interface ImageRefusal {
  /** The reason, for an `InvalidSpecError` on `image`. */
  readonly refused: string;
}

const NATIVE = /^(https:\/\/(www\.)?(compute\.)?googleapis\.com\/compute\/v1\/)?projects\/[a-z0-9.:-]+\/global\/images\/(family\/)?[a-z][-a-z0-9]*$/;

/** The `sourceImage` path of a family. */
export function familyPath(family: ImageFamily): string {
  return `projects/${family.project}/global/images/family/${family.family}`;
}

/** Resolves a spec's image (alias or native path); a refusal says why it cannot be used. */
export function resolveGcpImage(image: string): ResolvedGcpImage | ImageRefusal {
  const row = GCP_IMAGE_ALIASES.find((r) => r.alias === image);
  if (row) {
    const architectures = (['x86_64', 'arm64'] as const).filter((a) => row.families[a] !== undefined);
    return { os: row.os, architectures, minDiskGiB: row.minDiskGiB, sourceImage: (arch) => (row.families[arch] ? familyPath(row.families[arch]) : undefined) };
  }
  if (NATIVE.test(image)) {
    return { os: /windows/.test(image) ? 'windows' : 'linux', architectures: undefined, minDiskGiB: 0, sourceImage: () => image };
  }
  const why = looksLikeAlias(image) ? `unknown image alias "${image}" for GCE` : `"${image}" is neither an image alias nor a GCE image path`;
  return { refused: `${why}; use one of ${GCP_IMAGE_ALIASES.map((r) => r.alias).join(', ')}, projects/<project>/global/images/<name> or projects/<project>/global/images/family/<family>` };
}

/** True when `value` is a refusal. */
export function isImageRefusal(value: ResolvedGcpImage | ImageRefusal): value is ImageRefusal {
  return 'refused' in value;
}
