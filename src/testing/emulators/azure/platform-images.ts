/**
 * The marketplace (platform) images the emulator knows, by publisher / offer / sku. A VM PUT
 * with any other `imageReference` is refused as ARM refuses it: 404 `PlatformImageNotFound`,
 * "The platform image '{publisher}:{offer}:{sku}:{version}' is not available. Verify that all
 * fields in the storage profile are correct. ..." (error text as reported by Terraform and
 * Azure Stack Hub docs quoting ARM, read 2026-12).
 *
 * Publisher, offer and sku triples are the ones Azure's own quickstarts and `az vm image list`
 * aliases use (learn.microsoft.com "Find and use Azure Marketplace VM images with Azure CLI",
 * read 2026-12). The versions are illustrative, shaped like the real ones; `latest` resolves to
 * the newest. OS disk defaults: 30 GiB for Linux, 127 GiB for Windows images.
 */
import type { Architecture } from '../../../provider/types.js';

/** A platform image. */
export interface PlatformImage {
  /** Publisher. */
  readonly publisher: string;
  /** Offer. */
  readonly offer: string;
  /** SKU. */
  readonly sku: string;
  /** Versions, oldest first. */
  readonly versions: readonly string[];
  /** `Linux` or `Windows`. */
  readonly osType: 'Linux' | 'Windows';
  /** Hyper-V generation. */
  readonly hyperVGeneration: 'V1' | 'V2';
  /** CPU architecture. */
  readonly architecture: Architecture;
  /** Default OS disk size, GiB. */
  readonly osDiskSizeGB: number;
}

function linux(publisher: string, offer: string, sku: string, versions: readonly string[], gen: 'V1' | 'V2', architecture: Architecture = 'x86_64'): PlatformImage {
  return { publisher, offer, sku, versions, osType: 'Linux', hyperVGeneration: gen, architecture, osDiskSizeGB: 30 };
}

const JAMMY = ['22.04.202410020', '22.04.202505210'];
const NOBLE = ['24.04.202409120', '24.04.202505200'];
const BOOKWORM = ['0.20240910.1866', '0.20250519.2119'];
const RHEL9 = ['9.4.2024081415', '9.6.2025052011'];
const WS2022 = ['20348.2700.240921', '20348.3692.250504'];

/** Every image the emulator knows. */
export const PLATFORM_IMAGES: readonly PlatformImage[] = [
  linux('Canonical', '0001-com-ubuntu-server-jammy', '22_04-lts', JAMMY, 'V1'),
  linux('Canonical', '0001-com-ubuntu-server-jammy', '22_04-lts-gen2', JAMMY, 'V2'),
  linux('Canonical', '0001-com-ubuntu-server-jammy', '22_04-lts-arm64', JAMMY, 'V2', 'arm64'),
  linux('Canonical', 'ubuntu-24_04-lts', 'server', NOBLE, 'V2'),
  linux('Canonical', 'ubuntu-24_04-lts', 'server-gen1', NOBLE, 'V1'),
  linux('Canonical', 'ubuntu-24_04-lts', 'server-arm64', NOBLE, 'V2', 'arm64'),
  linux('Debian', 'debian-12', '12', BOOKWORM, 'V1'),
  linux('Debian', 'debian-12', '12-gen2', BOOKWORM, 'V2'),
  linux('Debian', 'debian-12', '12-arm64', BOOKWORM, 'V2', 'arm64'),
  linux('RedHat', 'RHEL', '9-lvm', RHEL9, 'V1'),
  linux('RedHat', 'RHEL', '9-lvm-gen2', RHEL9, 'V2'),
  { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter', versions: WS2022, osType: 'Windows', hyperVGeneration: 'V1', architecture: 'x86_64', osDiskSizeGB: 127 },
  { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-g2', versions: WS2022, osType: 'Windows', hyperVGeneration: 'V2', architecture: 'x86_64', osDiskSizeGB: 127 },
  { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', versions: WS2022, osType: 'Windows', hyperVGeneration: 'V2', architecture: 'x86_64', osDiskSizeGB: 127 },
];

/** What a VM PUT's `imageReference` resolved to. */
export interface ResolvedImage {
  /** The image. */
  readonly image: PlatformImage;
  /** The exact version (`latest` resolved). */
  readonly exactVersion: string;
}

/** Finds an image by its reference (case-insensitive, as ARM matches); `undefined` when unknown. */
export function resolvePlatformImage(ref: { publisher: string; offer: string; sku: string; version: string }): ResolvedImage | undefined {
  const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  const image = PLATFORM_IMAGES.find((i) => eq(i.publisher, ref.publisher) && eq(i.offer, ref.offer) && eq(i.sku, ref.sku));
  if (!image) return undefined;
  if (eq(ref.version, 'latest')) return { image, exactVersion: image.versions.at(-1)! };
  const exact = image.versions.find((v) => eq(v, ref.version));
  return exact ? { image, exactVersion: exact } : undefined;
}
