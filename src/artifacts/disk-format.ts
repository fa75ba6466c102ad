/**
 * Disk formats as the clouds take them, and as `qemu-img` names them.
 *
 * What each cloud imports (read 2026-12 through the project's documentation index):
 * - EC2 ImportImage reads VMDK, VHD/VHDX, RAW and OVA from S3; ExportImage writes `VMDK`
 *   (stream-optimized ESX), `VHD` or `RAW` (EC2 API reference, ExportImage `DiskImageFormat`;
 *   Image Builder's S3ExportConfiguration spells out "Stream-optimized ESX VMDK").
 * - Azure takes a fixed VHD whose virtual size is a whole number of MiB: the file is
 *   N MiB + 512 bytes (the footer) (Add-AzVhd reference, learn.microsoft.com/powershell/module/
 *   az.compute/add-azvhd). `qemu-img` writes that with `-O vpc -o subformat=fixed,force_size=on`;
 *   without `force_size` it rounds the size to a CHS geometry instead (QEMU commit fb9245c).
 * - Compute Engine imports a `disk.raw` inside a gzip-compressed tar (see gce-tar.ts).
 * - Glance takes qcow2 or raw.
 */
import type { ImageFormat } from '../provider/types.js';
import { NovacronError, type NovacronErrorOptions } from '../provider/errors.js';

/** The image formats that hold a disk's bytes and that `qemu-img` reads and writes. */
export type DiskFormat = 'raw' | 'qcow2' | 'vmdk' | 'vhd' | 'vhdx';

/** How a disk image is wrapped in its object: as it is, or as Compute Engine's `disk.raw` in a `.tar.gz`. */
export type ArtifactPackaging = 'none' | 'gce-tar-gz';

/** One MiB, the unit Azure's VHD virtual sizes are counted in. */
export const MIB = 1024 * 1024;

/** `qemu-img`'s name of each of our formats (VHD is `vpc` there). */
export const QEMU_FORMAT_NAMES: Readonly<Record<DiskFormat, string>> = Object.freeze({
  raw: 'raw',
  qcow2: 'qcow2',
  vmdk: 'vmdk',
  vhd: 'vpc',
  vhdx: 'vhdx',
});

/**
 * The creation options each target format is written with: stream-optimized VMDK (what EC2
 * exports and imports), fixed VHD with the exact virtual size (what Azure takes); qcow2, raw and
 * VHDX with `qemu-img`'s defaults.
 */
export const QEMU_CREATE_OPTIONS: Readonly<Record<DiskFormat, readonly string[]>> = Object.freeze({
  raw: [],
  qcow2: [],
  vmdk: ['subformat=streamOptimized'],
  vhd: ['subformat=fixed', 'force_size=on'],
  vhdx: [],
});

/** File name extension of each format. */
const EXTENSIONS: Readonly<Record<DiskFormat, string>> = { raw: 'raw', qcow2: 'qcow2', vmdk: 'vmdk', vhd: 'vhd', vhdx: 'vhdx' };

/** Formats whose `qemu-img` output is the same bytes on every run (VMDK and VHD(X) carry timestamps and UUIDs). */
const DETERMINISTIC: ReadonlySet<DiskFormat> = new Set(['raw', 'qcow2']);

/** True when `format` is a disk format `qemu-img` converts (not `ami`, `ova`, `gce-image`, `azure-image`). */
export function isDiskFormat(format: ImageFormat | string): format is DiskFormat {
  return Object.prototype.hasOwnProperty.call(QEMU_FORMAT_NAMES, format);
}

/** `qemu-img`'s name of `format`. */
export function qemuFormatName(format: DiskFormat): string {
  return QEMU_FORMAT_NAMES[format];
}

/** Our format of a `qemu-img` format name (`vpc` → `vhd`), or `undefined` for one we do not handle. */
export function diskFormatOfQemuName(name: string): DiskFormat | undefined {
  for (const [ours, theirs] of Object.entries(QEMU_FORMAT_NAMES) as [DiskFormat, string][]) if (theirs === name) return ours;
  return undefined;
}

/** True when converting to `format` twice gives the same bytes (raw, qcow2); false for VMDK, VHD and VHDX. */
export function isDeterministicOutput(format: DiskFormat): boolean {
  return DETERMINISTIC.has(format);
}

/** `bytes` rounded up to a whole number of MiB (Azure's rule for VHD virtual sizes). */
export function roundUpToMiB(bytes: number): number {
  return Math.ceil(bytes / MIB) * MIB;
}

/** The packaging a location's name says: `.tar.gz` and `.tgz` are Compute Engine's `disk.raw` archive. */
export function packagingOfLocation(location: string): ArtifactPackaging {
  const path = location.split(/[?#]/, 1)[0]!.toLowerCase();
  return path.endsWith('.tar.gz') || path.endsWith('.tgz') ? 'gce-tar-gz' : 'none';
}

/** The file name extension of an image in `format` wrapped as `packaging` (`vhd`, `tar.gz`). */
export function extensionOf(format: DiskFormat, packaging: ArtifactPackaging): string {
  return packaging === 'gce-tar-gz' ? 'tar.gz' : EXTENSIONS[format];
}

/** A disk image or its wrapping is not what it claims to be (a malformed tar, an unexpected format, a wrong size). */
export class ArtifactFormatError extends NovacronError {
  /** Creates an artifact-format error. */
  constructor(options: NovacronErrorOptions) {
    super('ARTIFACT_FORMAT', false, options);
    this.name = 'ArtifactFormatError';
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is ArtifactFormatError {
    return NovacronError.hasMarker(value, 'ARTIFACT_FORMAT');
  }
}
