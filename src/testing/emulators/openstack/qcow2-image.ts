/**
 * Small but real disk images for the seeded Glance images: an empty qcow2 (version 2, the format
 * of QEMU's `docs/interop/qcow2.txt`, read 2026-12) with 512-byte clusters — the header, one L1
 * table with no cluster allocated, a refcount table and one refcount block that counts the four
 * metadata clusters — 2 KiB in all, which `qemu-img info` and `qemu-img check` accept. A label
 * written after the header extensions' end marker (space QEMU does not read) makes each image's
 * bytes, and so its checksum, its own.
 */

const CLUSTER = 512;
const CLUSTER_BITS = 9;
/** Bytes of guest data one L1 entry maps (one L2 table of 64 entries, 512 bytes each). */
const L1_SPAN = CLUSTER * (CLUSTER / 8);

/** An empty qcow2 of `virtualSizeBytes` (at most 2 MiB, so its L1 table fits one cluster), labelled `label`. */
export function emptyQcow2(label: string, virtualSizeBytes = 1024 * 1024): Buffer {
  const l1Entries = Math.ceil(virtualSizeBytes / L1_SPAN);
  if (l1Entries * 8 > CLUSTER) throw new RangeError('[novacron] [openstack-emulator] seeded qcow2 images are at most 2 MiB');
  const image = Buffer.alloc(4 * CLUSTER);
  image.writeUInt32BE(0x514649fb, 0); // "QFI\xfb"
  image.writeUInt32BE(2, 4); // version
  image.writeUInt32BE(CLUSTER_BITS, 20);
  image.writeBigUInt64BE(BigInt(virtualSizeBytes), 24);
  image.writeUInt32BE(l1Entries, 36);
  image.writeBigUInt64BE(BigInt(CLUSTER), 40); // L1 table: cluster 1
  image.writeBigUInt64BE(BigInt(2 * CLUSTER), 48); // refcount table: cluster 2
  image.writeUInt32BE(1, 56); // refcount table clusters
  // Header extensions start at 72 with the end marker (type 0, length 0); the label follows.
  image.write(label.slice(0, CLUSTER - 88), 88, 'utf8');
  image.writeBigUInt64BE(BigInt(3 * CLUSTER), 2 * CLUSTER); // refcount block: cluster 3
  for (let c = 0; c < 4; c++) image.writeUInt16BE(1, 3 * CLUSTER + 2 * c);
  return image;
}
