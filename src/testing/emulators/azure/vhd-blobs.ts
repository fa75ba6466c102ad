/**
 * The blobs behind disk imports and exports. `beginGetAccess` on a disk or snapshot hands out a
 * time-limited read URL (ARM's `accessSAS`, a SAS URL on a `md-*.blob.storage.azure.net` host;
 * here on the emulator's own host, path `/_blob/...`, with the same query shape:
 * `sv`, `sr=b`, `si`, `sig`, `st`, `se`, `sp=r`; DiskRP 2024-03-02 `Disk_BeginGetAccess.json`, read
 * 2026-12). A GET of it answers a small fixed VHD: 1 MiB of data and the 512-byte footer of the
 * Virtual Hard Disk Image Format Specification (Microsoft, 2006: cookie `conectix`, fixed disk
 * type 2, big-endian sizes, one's-complement checksum), so a client can check it is a VHD. The
 * disk's own size stays in `diskSizeGB`; the body is small on purpose.
 *
 * A disk `Import` reads its `sourceUri`: one of these URLs, a blob registered with
 * {@link VhdBlobs.register}, or (for other http/https URLs, e.g. Azurite) a HEAD request to it.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/** A readable blob. */
export interface VhdBlob {
  /** Its URL (without query for registered blobs). */
  readonly url: string;
  /** Size of the blob, bytes. */
  readonly sizeBytes: number;
  /** Logical size of the disk it holds, GiB (for disk access URLs: the disk's size). */
  readonly diskSizeGiB: number;
  /** Whether it ends with a fixed-VHD footer. */
  readonly vhd: boolean;
  /** The disk or snapshot it exports, for access URLs. */
  readonly source?: string | undefined;
}

interface AccessGrant {
  readonly blob: VhdBlob;
  readonly expiresAt: number;
  readonly path: string;
}

const DATA_BYTES = 1024 * 1024;
const FOOTER_BYTES = 512;
const GIB = 1024 ** 3;

/** The fixed-VHD footer for a disk of `currentSize` bytes. */
export function vhdFooter(currentSize: number, uniqueId: Buffer = randomBytes(16)): Buffer {
  const f = Buffer.alloc(FOOTER_BYTES);
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
  f.writeUInt32BE(2, 60); // disk type: fixed
  uniqueId.copy(f, 68, 0, 16);
  let sum = 0;
  for (const byte of f) sum += byte;
  f.writeUInt32BE(~sum >>> 0, 64);
  return f;
}

/** True when `bytes` end with a VHD footer. */
export function hasVhdFooter(bytes: Buffer): boolean {
  return bytes.length >= FOOTER_BYTES && bytes.subarray(bytes.length - FOOTER_BYTES, bytes.length - FOOTER_BYTES + 8).toString('ascii') === 'conectix';
}

/** Blobs the emulator can read or hands out. */
export class VhdBlobs {
  private readonly key = randomBytes(32);
  private readonly grants = new Map<string, AccessGrant>();
  private readonly registered = new Map<string, VhdBlob>();

  /** Blobs on `now` (epoch ms), with URLs under `endpoint()`. */
  constructor(
    private readonly now: () => number,
    private readonly endpoint: () => string,
  ) {}

  /** Grants read access to a disk or snapshot for `durationSeconds`; returns the SAS URL. */
  grant(source: string, diskSizeGiB: number, durationSeconds: number): string {
    const path = `/_blob/md-${randomBytes(6).toString('hex')}/${randomBytes(6).toString('hex')}/abcd`;
    const start = this.now();
    const expiresAt = start + durationSeconds * 1000;
    const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const query = new URLSearchParams({ sv: '2018-03-28', sr: 'b', si: randomUUID(), st: iso(start), se: iso(expiresAt), sp: 'r' });
    query.set('sig', createHmac('sha256', this.key).update(`${path}?${query.toString()}`).digest('base64'));
    const url = `${this.endpoint()}${path}?${query.toString()}`;
    this.grants.set(path, { path, expiresAt, blob: { url, sizeBytes: DATA_BYTES + FOOTER_BYTES, diskSizeGiB, vhd: true, source } });
    return url;
  }

  /** Ends every grant on `source` (`endGetAccess`). */
  revoke(source: string): void {
    for (const [path, grant] of this.grants) if (grant.blob.source === source) this.grants.delete(path);
  }

  /** True while `source` has an unexpired grant (its disk state is `ActiveSAS`). */
  hasActiveGrant(source: string): boolean {
    const now = this.now();
    return [...this.grants.values()].some((g) => g.blob.source === source && g.expiresAt > now);
  }

  /** Registers a blob a disk import may read (a VHD in Azurite, say). */
  register(url: string, sizeBytes: number, options: { readonly vhd?: boolean | undefined } = {}): void {
    this.registered.set(stripQuery(url), { url: stripQuery(url), sizeBytes, diskSizeGiB: Math.ceil(Math.max(0, sizeBytes - FOOTER_BYTES) / GIB), vhd: options.vhd ?? true });
  }

  /** The blob behind an access URL path + query, `'expired'` or `undefined` (unknown or tampered). */
  byAccessPath(path: string, query: URLSearchParams): VhdBlob | 'expired' | undefined {
    const grant = this.grants.get(path);
    if (!grant) return undefined;
    const expected = new URL(grant.blob.url).searchParams;
    if (expected.get('sig') !== query.get('sig')) return undefined;
    return grant.expiresAt > this.now() ? grant.blob : 'expired';
  }

  /**
   * Finds the blob an import reads: an access URL of this emulator, a registered blob, or
   * (other http/https URLs) what a HEAD request to it says. `undefined` when it cannot be read.
   */
  async resolve(uri: string, ca: string | undefined): Promise<VhdBlob | 'expired' | undefined> {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return undefined;
    }
    if (uri.startsWith(this.endpoint())) return this.byAccessPath(url.pathname, url.searchParams);
    const registered = this.registered.get(stripQuery(uri));
    if (registered) return registered;
    return headBlob(url, ca);
  }

  /** The bytes served for an access URL. */
  body(blob: VhdBlob): Buffer {
    const data = Buffer.alloc(DATA_BYTES);
    data.write(`novacron emulated disk ${blob.source ?? blob.url}\n`, 0, 'utf8');
    return Buffer.concat([data, vhdFooter(DATA_BYTES)]);
  }
}

function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}

async function headBlob(url: URL, ca: string | undefined): Promise<VhdBlob | undefined> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve) => {
    const req = request(url, { method: 'HEAD', timeout: 5000, ...(url.protocol === 'https:' && ca ? { ca } : {}) }, (res) => {
      res.resume();
      const size = Number(res.headers['content-length'] ?? NaN);
      if ((res.statusCode ?? 500) >= 300 || !Number.isFinite(size)) return resolve(undefined);
      resolve({ url: stripQuery(url.toString()), sizeBytes: size, diskSizeGiB: Math.ceil(Math.max(0, size - FOOTER_BYTES) / GIB), vhd: (size - FOOTER_BYTES) % DATA_BYTES === 0 });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
