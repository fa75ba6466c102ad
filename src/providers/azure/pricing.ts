/**
 * Managed-disk and egress prices for cost estimates, each with its source and date.
 *
 * Managed disks are billed per provisioned tier, not per GiB: a disk is billed as the next tier
 * size at or above its own (4, 8, 16, 32, 64, 128, 256, 512 GiB, 1, 2, 4, 8, 16, 32 TiB)
 * (learn.microsoft.com/azure/virtual-machines/disks-understand-billing, read 2026-12). The rate
 * per GiB-month of the tier is taken from one reference tier per type:
 * - Premium SSD (`Premium_LRS`): P10, 128 GiB, $19.71/month → $0.154/GiB-month, and Standard HDD
 *   (`Standard_LRS`): S10, $5.89/month → $0.046/GiB-month — the bundled snapshot's figures
 *   (`bundledStoragePrices('azure')`, eastus, read 2025);
 * - Standard SSD (`StandardSSD_LRS`): E30, 1 TiB, $76.80/month → $0.075/GiB-month (eastus, as
 *   quoted in lucidity.cloud "Standard SSD vs Premium SSD Azure pricing", 2026-05).
 * Larger Premium tiers cost a little less per GiB than P10, so estimates of big Premium disks
 * are high by up to about 15% (P30 is $135.17 for 1 TiB in the same source).
 *
 * Internet egress: the snapshot's $0.087/GB (first paid tier, North America and Europe). The
 * first 100 GB a month are free per subscription, not per VM, so a per-VM estimate charges from
 * the first GB: the marginal cost of one more VM.
 */
import type { BundledStoragePrices } from '../../catalog/bundled-snapshot.js';
import type { UnitPrice } from '../../provider/unit-price.js';
import type { OsDiskStorageType } from './vm-mapping.js';

/** Provisioned tier sizes of managed disks, GiB. */
export const DISK_TIERS_GIB: readonly number[] = [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767];

/** The size a disk of `sizeGiB` is billed as. */
export function billedDiskGiB(sizeGiB: number): number {
  return DISK_TIERS_GIB.find((t) => t >= sizeGiB) ?? Math.ceil(sizeGiB);
}

/** When the Standard SSD figure was read. */
const STANDARD_SSD_AS_OF = '2026-05-01';

/** Price per billed GiB-month of a managed-disk type. */
export function diskPricePerGiBMonth(type: OsDiskStorageType, snapshot: BundledStoragePrices): UnitPrice {
  switch (type) {
    case 'Premium_LRS':
      return { amount: snapshot.ssdPerGBMonth, currency: snapshot.currency, source: snapshot.source, asOf: snapshot.asOf };
    case 'Standard_LRS':
      return { amount: snapshot.standardPerGBMonth, currency: snapshot.currency, source: snapshot.source, asOf: snapshot.asOf };
    case 'StandardSSD_LRS':
      return { amount: 76.8 / 1024, currency: 'USD', source: 'azure-managed-disks-price:E30 (lucidity.cloud quote)', asOf: STANDARD_SSD_AS_OF };
  }
}
