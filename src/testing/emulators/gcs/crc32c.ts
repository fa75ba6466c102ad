/**
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum Cloud Storage keeps of every
 * object and sends big-endian, base64, as `crc32c` and in `x-goog-hash` (Cloud Storage "Hashes and
 * ETags", read 2026-12). Node 20 has no CRC32C (zlib's `crc32` is CRC-32/ISO-HDLC, and Node 22
 * on), so this is the table-driven form, slicing by 8 bytes; the tests check it against the
 * published check value and against `@google-cloud/storage`'s own `CRC32C`.
 */

const POLY = 0x82f63b78;
const TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    tables[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0]![n]!;
    for (let t = 1; t < 8; t++) {
      c = (tables[0]![c & 0xff]! ^ (c >>> 8)) >>> 0;
      tables[t]![n] = c;
    }
  }
  return tables;
})();

/** A running CRC32C. */
export class Crc32c {
  private crc = 0xffffffff;

  /** Adds bytes. */
  update(bytes: Uint8Array): this {
    const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    let crc = this.crc;
    let i = 0;
    const end8 = bytes.length - (bytes.length % 8);
    for (; i < end8; i += 8) {
      const lo = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) ^ crc;
      crc =
        t7[lo & 0xff]! ^
        t6[(lo >>> 8) & 0xff]! ^
        t5[(lo >>> 16) & 0xff]! ^
        t4[lo >>> 24]! ^
        t3[bytes[i + 4]!]! ^
        t2[bytes[i + 5]!]! ^
        t1[bytes[i + 6]!]! ^
        t0[bytes[i + 7]!]!;
    }
    for (; i < bytes.length; i++) crc = t0[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
    this.crc = crc >>> 0;
    return this;
  }

  /** The checksum as a number. */
  value(): number {
    return (this.crc ^ 0xffffffff) >>> 0;
  }

  /** The checksum as Cloud Storage writes it: 4 bytes big-endian, base64. */
  base64(): string {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.value());
    return out.toString('base64');
  }
}

/** The CRC32C of `bytes`, base64 big-endian as Cloud Storage writes it. */
export function crc32cBase64(bytes: Uint8Array): string {
  return new Crc32c().update(bytes).base64();
}
