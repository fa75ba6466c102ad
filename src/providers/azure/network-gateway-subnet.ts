/**
 * Where the companion puts a GatewaySubnet it has to create: the highest free, aligned block of
 * `prefix` bits (a /27 by default, Azure's recommended size; learn.microsoft.com "About VPN
 * Gateway configuration settings", "Gateway subnet", read 2026-12) in the VNet's IPv4 address
 * ranges, taken in the order the VNet lists them. The top of a range is chosen because workload
 * subnets are usually allocated from its bottom, so the two rarely meet. A VNet with no such
 * block gets no GatewaySubnet: the caller refuses with a typed error naming the network.
 *
 * The search walks blocks downwards from the top of each range and, when a block overlaps used
 * subnets, jumps below the lowest of them, so it costs one step per used subnet rather than one
 * per block. CIDR arithmetic is `provider/cidr.ts` (on `ip-address`).
 */
import { blockSize, formatCidr, parseCidr, type Cidr } from '../../provider/cidr.js';

/**
 * The GatewaySubnet range to create: a /`prefix` block inside one of `addressSpace`'s IPv4 ranges
 * that overlaps none of `used`; `undefined` when there is none.
 */
export function chooseGatewaySubnet(addressSpace: readonly string[], used: readonly string[], prefix: number): string | undefined {
  const taken: Cidr[] = used.map((u) => parseCidr(u, { lenient: true })).filter((r) => r.version === 4);
  const size = blockSize(4, prefix);
  for (const text of addressSpace) {
    const space = parseCidr(text, { lenient: true });
    if (space.version !== 4 || space.prefix > prefix) continue;
    // A range is aligned to its own size, hence to any smaller block: its last block starts here.
    let start = space.last + 1n - size;
    while (start >= space.first) {
      const end = start + size - 1n;
      const clashes = taken.filter((u) => u.first <= end && start <= u.last);
      if (clashes.length === 0) return formatCidr(4, start, prefix);
      const lowest = clashes.reduce((low, u) => (u.first < low ? u.first : low), clashes[0]!.first);
      // The next candidate must end below every clash: the highest aligned block ending before `lowest`.
      start = (lowest / size) * size - size;
    }
  }
  return undefined;
}
