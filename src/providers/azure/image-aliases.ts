/**
 * Portable image aliases → Azure Marketplace images, in one table.
 *
 * | alias          | x86_64 (publisher:offer:sku)                                      | arm64                                              |
 * |----------------|-------------------------------------------------------------------|----------------------------------------------------|
 * | ubuntu-20.04   | Canonical:0001-com-ubuntu-server-focal:20_04-lts-gen2             | Canonical:0001-com-ubuntu-server-focal:20_04-lts-arm64 |
 * | ubuntu-22.04   | Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2             | Canonical:0001-com-ubuntu-server-jammy:22_04-lts-arm64 |
 * | ubuntu-24.04   | Canonical:ubuntu-24_04-lts:server                                 | Canonical:ubuntu-24_04-lts:server-arm64            |
 * | debian-11      | Debian:debian-11:11-gen2                                          | —                                                  |
 * | debian-12      | Debian:debian-12:12-gen2                                          | Debian:debian-12:12-arm64                          |
 * | rhel-9         | RedHat:RHEL:9-lvm-gen2                                            | —                                                  |
 * | windows-2022   | MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition | —                                                  |
 *
 * Version is always `latest`. Each row also holds the image's OS disk size, below which Azure
 * refuses a VM ("The specified disk size … is smaller than the size of the corresponding disk in
 * the VM image"): Ubuntu and Debian 30 GiB, RHEL (LVM) 64 GiB, Windows Server 127 GiB, as
 * `az vm image show` reports `osDiskImage.sizeInGb` (recalled for this table, not re-read
 * 2026-12: treat as approximate). A smaller requested disk is raised to it.
 * Sources (read 2026-12): the `az vm create --image` alias list
 * (Azure/azure-rest-api-specs `arm-compute/quickstart-templates/aliases.json`: Ubuntu2204,
 * Ubuntu2404, Win2022Datacenter), Azure PowerShell's `New-AzVM -Image` aliases
 * (Win2022AzureEdition → 2022-datacenter-azure-edition), and the Debian and RHEL SKUs as public
 * deployment code uses them (debian-12 `12-gen2` / `12-arm64`, RHEL `9-lvm-gen2`); the arm64
 * SKUs follow the publishers' published `-arm64` SKU names. `rocky-9` (a paid-plan image on
 * Azure) and `amazon-linux-2023` (not on Azure) have no entry: specs naming them are refused on
 * `image`. Any other image is passed through: a URN `publisher:offer:sku:version`, or the id of a
 * managed image or gallery image version.
 */
import type { Architecture } from '../../provider/types.js';

/** A Marketplace image reference. */
export interface MarketplaceImage {
  /** Publisher, e.g. `Canonical`. */
  readonly publisher: string;
  /** Offer, e.g. `ubuntu-24_04-lts`. */
  readonly offer: string;
  /** SKU, e.g. `server`. */
  readonly sku: string;
  /** Version (`latest`, or a fixed one from a URN). */
  readonly version: string;
}

/** One row of the alias table. */
export interface AzureImageAlias {
  /** Portable alias. */
  readonly alias: string;
  /** Operating system. */
  readonly os: 'linux' | 'windows';
  /** The image per architecture (absent: no build for it on Azure). */
  readonly images: Partial<Record<Architecture, MarketplaceImage>>;
  /** Size of the image's OS disk, GiB: the smallest OS disk Azure accepts for it. */
  readonly minOsDiskGiB: number;
}

const mk = (publisher: string, offer: string, sku: string): MarketplaceImage => ({ publisher, offer, sku, version: 'latest' });

/** The alias table (see the module comment for sources). */
export const AZURE_IMAGE_ALIASES: readonly AzureImageAlias[] = [
  { alias: 'ubuntu-20.04', minOsDiskGiB: 30, os: 'linux', images: { x86_64: mk('Canonical', '0001-com-ubuntu-server-focal', '20_04-lts-gen2'), arm64: mk('Canonical', '0001-com-ubuntu-server-focal', '20_04-lts-arm64') } },
  { alias: 'ubuntu-22.04', minOsDiskGiB: 30, os: 'linux', images: { x86_64: mk('Canonical', '0001-com-ubuntu-server-jammy', '22_04-lts-gen2'), arm64: mk('Canonical', '0001-com-ubuntu-server-jammy', '22_04-lts-arm64') } },
  { alias: 'ubuntu-24.04', minOsDiskGiB: 30, os: 'linux', images: { x86_64: mk('Canonical', 'ubuntu-24_04-lts', 'server'), arm64: mk('Canonical', 'ubuntu-24_04-lts', 'server-arm64') } },
  { alias: 'debian-11', minOsDiskGiB: 30, os: 'linux', images: { x86_64: mk('Debian', 'debian-11', '11-gen2') } },
  { alias: 'debian-12', minOsDiskGiB: 30, os: 'linux', images: { x86_64: mk('Debian', 'debian-12', '12-gen2'), arm64: mk('Debian', 'debian-12', '12-arm64') } },
  { alias: 'rhel-9', minOsDiskGiB: 64, os: 'linux', images: { x86_64: mk('RedHat', 'RHEL', '9-lvm-gen2') } },
  { alias: 'windows-2022', minOsDiskGiB: 127, os: 'windows', images: { x86_64: mk('MicrosoftWindowsServer', 'WindowsServer', '2022-datacenter-azure-edition') } },
];

/** What a spec's image resolves to on Azure. */
export type ResolvedAzureImage =
  | {
      /** A Marketplace image (from an alias or a URN). */
      readonly kind: 'marketplace';
      /** The reference. */
      readonly image: MarketplaceImage;
      /** Operating system (a URN's is guessed from its publisher). */
      readonly os: 'linux' | 'windows';
      /** Architectures it exists for; a URN's is unknown (`undefined`: the size decides). */
      readonly architectures: readonly Architecture[] | undefined;
      /** Smallest OS disk Azure accepts for it, GiB (unknown for a URN). */
      readonly minOsDiskGiB: number | undefined;
    }
  | {
      /** A managed image or gallery image version, by resource id. */
      readonly kind: 'image-id';
      /** The id. */
      readonly id: string;
      /** Operating system (Linux unless the id says Windows). */
      readonly os: 'linux' | 'windows';
      /** Unknown: the size decides. */
      readonly architectures: undefined;
      /** Unknown. */
      readonly minOsDiskGiB: undefined;
    };

/** Why an image cannot be used on Azure. */
export interface ImageRefusal {
  /** What is wrong. */
  readonly refused: string;
}

const URN = /^([A-Za-z0-9][A-Za-z0-9_.-]*):([A-Za-z0-9][A-Za-z0-9_.-]*):([A-Za-z0-9][A-Za-z0-9_.-]*):([A-Za-z0-9][A-Za-z0-9_.-]*)$/;

/** Resolves a spec's image (alias, URN or id); a refusal says why it cannot be used. */
export function resolveAzureImage(image: string): ResolvedAzureImage | ImageRefusal {
  const row = AZURE_IMAGE_ALIASES.find((r) => r.alias === image);
  if (row) {
    const architectures = (['x86_64', 'arm64'] as const).filter((a) => row.images[a] !== undefined);
    return { kind: 'marketplace', image: row.images.x86_64 ?? row.images.arm64!, os: row.os, architectures, minOsDiskGiB: row.minOsDiskGiB };
  }
  const urn = URN.exec(image);
  if (urn) {
    const [, publisher, offer, sku, version] = urn as unknown as [string, string, string, string, string];
    const os = /windows/i.test(publisher) || /windows/i.test(offer) ? 'windows' : 'linux';
    return { kind: 'marketplace', image: { publisher, offer, sku, version }, os, architectures: undefined, minOsDiskGiB: undefined };
  }
  if (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/(images|galleries)\//i.test(image)) {
    return { kind: 'image-id', id: image, os: /windows/i.test(image) ? 'windows' : 'linux', architectures: undefined, minOsDiskGiB: undefined };
  }
  return {
    refused: `no Azure image for "${image}"; use one of ${AZURE_IMAGE_ALIASES.map((r) => r.alias).join(', ')}, a URN publisher:offer:sku:version, or an image resource id`,
  };
}

/** The Marketplace image of an alias for one architecture, `undefined` when there is no build for it. */
export function aliasImageFor(image: string, arch: Architecture): MarketplaceImage | undefined {
  return AZURE_IMAGE_ALIASES.find((r) => r.alias === image)?.images[arch];
}

/** True when `value` is a refusal. */
export function isImageRefusal(value: ResolvedAzureImage | ImageRefusal): value is ImageRefusal {
  return 'refused' in value;
}
