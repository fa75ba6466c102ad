/**
 * Portable image aliases → AMIs. Each alias names the publisher's account (owner filter, so a
 * look-alike AMI from a stranger can never be picked) and a name pattern per architecture;
 * the newest available match wins. Owners and naming schemes as the publishers document them
 * (Canonical "Find Ubuntu images on AWS", Debian cloud wiki, Amazon Linux 2023 user guide,
 * Red Hat, Rocky Linux, AWS Windows AMI reference), read 2026-11.
 */
import type { Image } from '@aws-sdk/client-ec2';
import { InvalidSpecError, NotFoundError } from '../../provider/errors.js';
import { findPortableImage } from '../../provider/images.js';
import type { Architecture } from '../../provider/types.js';
import type { AwsApi } from './aws-api.js';
import { withSignal } from '../../provider/abort.js';

/** Where an alias's AMIs come from. */
export interface AmiSource {
  /** Owner account ids (or the `amazon` alias). */
  readonly owners: readonly string[];
  /** `name` filter for an architecture; `undefined` when the alias has no build for it. */
  readonly namePattern: (arch: Architecture) => string | undefined;
}

const ubuntu = (codename: string, version: string): AmiSource => ({
  owners: ['099720109477'],
  namePattern: (arch) => `ubuntu/images/hvm-ssd*/ubuntu-${codename}-${version}-${arch === 'arm64' ? 'arm64' : 'amd64'}-server-*`,
});
const debian = (version: string): AmiSource => ({
  owners: ['136693071363'],
  namePattern: (arch) => `debian-${version}-${arch === 'arm64' ? 'arm64' : 'amd64'}-*`,
});

/** AMI sources of the portable aliases. */
export const AMI_SOURCES: Readonly<Record<string, AmiSource>> = {
  'ubuntu-20.04': ubuntu('focal', '20.04'),
  'ubuntu-22.04': ubuntu('jammy', '22.04'),
  'ubuntu-24.04': ubuntu('noble', '24.04'),
  'debian-11': debian('11'),
  'debian-12': debian('12'),
  'rhel-9': { owners: ['309956199498'], namePattern: (arch) => `RHEL-9.*_HVM-*-${arch === 'arm64' ? 'arm64' : 'x86_64'}-*` },
  'rocky-9': { owners: ['792107900819'], namePattern: (arch) => `Rocky-9-EC2-Base-9.*.${arch === 'arm64' ? 'aarch64' : 'x86_64'}` },
  'amazon-linux-2023': { owners: ['137112412989'], namePattern: (arch) => `al2023-ami-2023.*-kernel-*-${arch === 'arm64' ? 'arm64' : 'x86_64'}` },
  'windows-2022': { owners: ['801119661308'], namePattern: (arch) => (arch === 'x86_64' ? 'Windows_Server-2022-English-Full-Base-*' : undefined) },
};

/** What the adapter needs to know of the AMI it launches. */
export interface ResolvedImage {
  /** AMI id. */
  readonly imageId: string;
  /** Its architecture. */
  readonly arch: Architecture;
  /** Its root device (`/dev/sda1` for Ubuntu, `/dev/xvda` for Amazon Linux): the block device mapping must name it. */
  readonly rootDeviceName: string;
  /** Size of its root snapshot in GiB: the smallest boot disk it accepts. */
  readonly minDiskGiB: number;
}

/** True for a native AMI id. */
export function isAmiId(image: string): boolean {
  return /^ami-[0-9a-f]{8,17}$/.test(image);
}

/** Picks the newest available image of a DescribeImages answer. */
export function newestImage(images: readonly Image[]): Image | undefined {
  let best: Image | undefined;
  for (const img of images) {
    if (img.State !== undefined && img.State !== 'available') continue;
    if (best === undefined || (img.CreationDate ?? '') > (best.CreationDate ?? '')) best = img;
  }
  return best;
}

/** Reduces an `Image` to what launching needs; refuses images without an id. */
export function toResolvedImage(image: Image, field = 'image'): ResolvedImage {
  if (!image.ImageId) throw new InvalidSpecError({ issues: [{ field, message: 'the image has no id' }] });
  const root = image.BlockDeviceMappings?.find((m) => m.DeviceName === image.RootDeviceName)?.Ebs?.VolumeSize;
  return {
    imageId: image.ImageId,
    arch: image.Architecture === 'arm64' ? 'arm64' : 'x86_64',
    rootDeviceName: image.RootDeviceName ?? '/dev/sda1',
    minDiskGiB: root ?? 8,
  };
}

/**
 * Resolves images for launches and caches the answers per region: aliases through
 * DescribeImages with owner, name, architecture and state filters (newest wins); AMI ids
 * through DescribeImages by id, to learn their architecture, root device and size.
 */
export class AmiResolver {
  private readonly cache = new Map<string, Promise<ResolvedImage | undefined>>();

  /** Keeps the API. */
  constructor(
    private readonly api: AwsApi,
    private readonly providerName: string,
  ) {}

  private cached(key: string, load: () => Promise<ResolvedImage | undefined>): Promise<ResolvedImage | undefined> {
    let hit = this.cache.get(key);
    if (!hit) {
      hit = load().catch((error: unknown) => {
        this.cache.delete(key); // failures are not remembered
        throw error;
      });
      this.cache.set(key, hit);
    }
    return hit;
  }

  /** The newest AMI of a portable alias for `arch`; `undefined` when the alias has no such build there. */
  alias(region: string, alias: string, arch: Architecture, signal: AbortSignal | undefined): Promise<ResolvedImage | undefined> {
    const source = AMI_SOURCES[alias];
    if (!source || !findPortableImage(alias)) {
      return Promise.reject(new InvalidSpecError({ provider: this.providerName, issues: [{ field: 'image', message: `"${alias}" is neither a portable image alias nor an AMI id (ami-...)` }] }));
    }
    const pattern = source.namePattern(arch);
    if (pattern === undefined) return Promise.resolve(undefined);
    const load = (): Promise<ResolvedImage | undefined> =>
      this.api.run(region, { operation: 'createVM', resourceType: 'image' }, undefined, async (client, sdk) => {
        const images: Image[] = [];
        const filters = [
          { Name: 'name', Values: [pattern] },
          { Name: 'architecture', Values: [arch] },
          { Name: 'state', Values: ['available'] },
        ];
        for await (const page of sdk.paginateDescribeImages({ client, pageSize: 1000 }, { Owners: [...source.owners], Filters: filters })) {
          images.push(...(page.Images ?? []));
        }
        const newest = newestImage(images);
        return newest ? toResolvedImage(newest) : undefined;
      });
    return withSignal(this.cached(`${region}/${alias}/${arch}`, load), signal);
  }

  /** What an AMI id is; `InvalidSpecError` naming `image` when it does not exist in `region`. */
  async native(region: string, imageId: string, signal: AbortSignal | undefined): Promise<ResolvedImage> {
    const missing = (cause?: unknown): InvalidSpecError =>
      new InvalidSpecError({ provider: this.providerName, cause, issues: [{ field: 'image', message: `AMI ${imageId} does not exist in ${region}` }] });
    const load = (): Promise<ResolvedImage | undefined> =>
      this.api
        .run(region, { operation: 'createVM', resourceType: 'image', resourceId: imageId }, undefined, async (client, sdk) => {
          const out = await client.send(new sdk.DescribeImagesCommand({ ImageIds: [imageId] }));
          const image = out.Images?.[0];
          return image ? toResolvedImage(image) : undefined;
        })
        .catch((error: unknown) => {
          if (NotFoundError.isInstance(error) || InvalidSpecError.isInstance(error)) throw missing(error);
          throw error;
        });
    const image = await withSignal(this.cached(`${region}/${imageId}`, load), signal);
    if (!image) throw missing();
    return image;
  }
}
