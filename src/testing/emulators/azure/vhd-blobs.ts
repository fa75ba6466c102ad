/**
 * The blobs behind disk imports and exports, and the VHD footer they are judged by.
 *
 * Export: `beginGetAccess` on a disk or snapshot hands out a time-limited read URL (ARM's
 * `accessSAS`, a SAS URL on a `md-*.blob.storage.azure.net` host; here on the emulator's own host,
 * path `/_blob/...`, with the same query shape: `sv`, `sr=b`, `si`, `sig`, `st`, `se`, `sp=r`;
 * DiskRP 2024-03-02 `Disk_BeginGetAccess.json`, read 2026-12). A grant keeps the guest disk of
 * its source as it was when granted (disks are immutable here); a GET of the URL serves that disk
 * as a fixed VHD (see `disk-access-handlers.ts`).
 *
 * Import: a disk `Import` names a `sourceUri`, which {@link VhdBlobs.lookup} sorts into one of
 * this emulator's grants (read locally), a blob declared by size only with
 * {@link VhdBlobs.register} (no bytes: the disk gets a synthetic guest disk), or a blob elsewhere
 * (a linked storage account such as Azurite's, or any URL readable as it is, e.g. one with a SAS).
 *
 * The footer is the Virtual Hard Disk Image Format Specification's (Microsoft, 2006): cookie
 * `conectix`, disk type 2 for fixed / 3 dynamic / 4 differencing, big-endian current size at
 * offset 48, one's-complement checksum of the footer (with the checksum field zero) at offset 64.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { GuestDisk } from '../kit/guest-disks.js';

/** Length of a VHD footer, bytes. */
export const VHD_FOOTER_BYTES = 512;
/** The footer's disk type of a fixed VHD. */
export const VHD_FIXED_DISK = 2;

/** What a VHD footer says. */
export interface VhdFooterFacts {
  /** The cookie is `conectix`. */
  readonly cookieOk: boolean;
  /** The checksum matches the footer's bytes. */
  readonly checksumOk: boolean;
  /** Disk type: 2 fixed, 3 dynamic, 4 differencing. */
  readonly diskType: number;
  /** Current (virtual) size, bytes. */
  readonly currentSize: number;
}

/** A read grant on a disk or snapshot (`beginGetAccess`). */
export interface AccessGrant {
  /** The SAS URL. */
  readonly url: string;
  /** Its path. */
  readonly path: string;
  /** Expiry, epoch ms. */
  readonly expiresAt: number;
  /** The disk or snapshot id. */
  readonly source: string;
  /** The source's `diskSizeGB`. */
  readonly diskSizeGiB: number;
  /** The guest disk served. */
  readonly contents: Promise<GuestDisk>;
}

/** A blob declared by its size only ({@link VhdBlobs.register}). */
export interface DeclaredBlob {
  /** Its URL, without query. */
  readonly url: string;
  /** Length of the blob, bytes. */
  readonly sizeBytes: number;
  /** Whether it ends with a fixed-VHD footer. */
  readonly vhd: boolean;
}

/** What a disk import's `sourceUri` is. */
export type ImportLookup =
  | { readonly kind: 'grant'; readonly grant: AccessGrant }
  | { readonly kind: 'expired' }
  | { readonly kind: 'declared'; readonly blob: DeclaredBlob }
  | { readonly kind: 'elsewhere'; readonly url: URL }
  | { readonly kind: 'unreadable' };

/** The fixed-VHD footer for a disk of `currentSize` bytes. */
export function vhdFooter(currentSize: number, uniqueId: Buffer = randomBytes(16)): Buffer {
  const f = Buffer.alloc(VHD_FOOTER_BYTES);
  f.write('conectix', 0, 'ascii');
  f.writeUInt32BE(0x00000002, 8); // features: reserved bit set
  f.writeUInt32BE(0x00010000, 12); // file format version 1.0
  f.writeBigUInt64BE(0xffffffffffffffffn, 16); // data offset: none for fixed disks
  f.writeUInt32BE(Math.max(0, Math.floor((Date.now() - Date.UTC(2000, 0, 1)) / 1000)), 24);
  f.write('novc', 28, 'ascii');
  f.writeUInt32BE(0x00010000, 32);
  f.write('Wi2k', 36, 'ascii');
  f.writeBigUInt64BE(BigInt(currentSize), 40);
  f.writeBigUInt64BE(BigInt(currentSize), 48);
  f.writeUInt32BE(0x00000000, 56); // geometry: not meaningful for this small disk
  f.writeUInt32BE(VHD_FIXED_DISK, 60);
  uniqueId.copy(f, 68, 0, 16);
  f.writeUInt32BE(footerChecksum(f), 64);
  return f;
}

/** True when `bytes` end with a VHD footer. */
export function hasVhdFooter(bytes: Buffer): boolean {
  return bytes.length >= VHD_FOOTER_BYTES && bytes.subarray(bytes.length - VHD_FOOTER_BYTES, bytes.length - VHD_FOOTER_BYTES + 8).toString('ascii') === 'conectix';
}

/** Reads the 512 bytes of a VHD footer. */
export function readVhdFooter(footer: Uint8Array): VhdFooterFacts {
  const f = Buffer.from(footer.buffer, footer.byteOffset, footer.byteLength);
  if (f.length !== VHD_FOOTER_BYTES) return { cookieOk: false, checksumOk: false, diskType: 0, currentSize: 0 };
  return {
    cookieOk: f.toString('latin1', 0, 8) === 'conectix',
    checksumOk: f.readUInt32BE(64) === footerChecksum(f),
    diskType: f.readUInt32BE(60),
    currentSize: Number(f.readBigUInt64BE(48)),
  };
}

/** One's complement of the byte sum of the footer, its checksum field taken as zero. */
function footerChecksum(f: Buffer): number {
  let sum = 0;
  for (let i = 0; i < f.length; i++) if (i < 64 || i >= 68) sum += f[i]!;
  return ~sum >>> 0;
}

/** Blobs the emulator hands out or can read. */
export class VhdBlobs {
  private readonly key = randomBytes(32);
  private readonly grants = new Map<string, AccessGrant>();
  private readonly declared = new Map<string, DeclaredBlob>();

  /** Blobs on `now` (epoch ms), with URLs under `endpoint()`. */
  constructor(
    private readonly now: () => number,
    private readonly endpoint: () => string,
  ) {}

  /** Grants read access to a disk or snapshot holding `contents` for `durationSeconds`; returns the SAS URL. */
  grant(source: string, diskSizeGiB: number, durationSeconds: number, contents: Promise<GuestDisk>): string {
    const path = `/_blob/md-${randomBytes(6).toString('hex')}/${randomBytes(6).toString('hex')}/abcd`;
    const start = this.now();
    const expiresAt = start + durationSeconds * 1000;
    const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const query = new URLSearchParams({ sv: '2018-03-28', sr: 'b', si: randomUUID(), st: iso(start), se: iso(expiresAt), sp: 'r' });
    query.set('sig', createHmac('sha256', this.key).update(`${path}?${query.toString()}`).digest('base64'));
    const url = `${this.endpoint()}${path}?${query.toString()}`;
    this.grants.set(path, { url, path, expiresAt, source, diskSizeGiB, contents });
    return url;
  }

  /** Ends every grant on `source` (`endGetAccess`, or the source deleted). */
  revoke(source: string): void {
    for (const [path, grant] of this.grants) if (grant.source === source) this.grants.delete(path);
  }

  /** True while `source` has an unexpired grant (its disk state is `ActiveSAS`). */
  hasActiveGrant(source: string): boolean {
    const now = this.now();
    return [...this.grants.values()].some((g) => g.source === source && g.expiresAt > now);
  }

  /** Declares a blob by its size only (no bytes), for imports that need no real content. */
  register(url: string, sizeBytes: number, options: { readonly vhd?: boolean | undefined } = {}): void {
    this.declared.set(stripQuery(url), { url: stripQuery(url), sizeBytes, vhd: options.vhd ?? true });
  }

  /** The grant behind an access URL path + query, `'expired'`, or `undefined` (unknown, revoked or tampered with). */
  byAccessPath(path: string, query: URLSearchParams): AccessGrant | 'expired' | undefined {
    const grant = this.grants.get(path);
    if (!grant) return undefined;
    const expected = new URL(grant.url).searchParams;
    if (expected.get('sig') !== query.get('sig')) return undefined;
    return grant.expiresAt > this.now() ? grant : 'expired';
  }

  /** What an import's `sourceUri` is. */
  lookup(uri: string): ImportLookup {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return { kind: 'unreadable' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'unreadable' };
    if (this.endpoint() !== '' && uri.startsWith(this.endpoint())) {
      const grant = this.byAccessPath(url.pathname, url.searchParams);
      return grant === 'expired' ? { kind: 'expired' } : grant ? { kind: 'grant', grant } : { kind: 'unreadable' };
    }
    const declared = this.declared.get(stripQuery(uri));
    if (declared) return { kind: 'declared', blob: declared };
    return { kind: 'elsewhere', url };
  }
}

/** The URL without its query (a SAS, which is a secret, never goes into a message). */
export function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}
