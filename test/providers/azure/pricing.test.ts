/** Managed disks are billed by tier; the estimate's parts carry their sources. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundledStoragePrices } from '../../../src/catalog/bundled-snapshot.js';
import { billedDiskGiB, DISK_TIERS_GIB, diskPricePerGiBMonth } from '../../../src/providers/azure/pricing.js';
import { egressPricePerGB, olderDate } from '../../../src/provider/unit-price.js';

describe('Azure disk and egress prices', () => {
  it('bills a disk as the smallest tier that holds it', () => {
    expect(billedDiskGiB(20)).toBe(32);
    expect(billedDiskGiB(30)).toBe(32);
    expect(billedDiskGiB(128)).toBe(128);
    expect(billedDiskGiB(129)).toBe(256);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 32767 }), (size) => {
        const billed = billedDiskGiB(size);
        expect(billed).toBeGreaterThanOrEqual(size);
        expect(DISK_TIERS_GIB).toContain(billed);
      }),
    );
  });

  it('prices each type with a source and a date, Premium above Standard SSD above Standard HDD', () => {
    const snapshot = bundledStoragePrices('azure')!;
    const premium = diskPricePerGiBMonth('Premium_LRS', snapshot);
    const ssd = diskPricePerGiBMonth('StandardSSD_LRS', snapshot);
    const hdd = diskPricePerGiBMonth('Standard_LRS', snapshot);
    expect(premium.amount).toBeGreaterThan(ssd.amount);
    expect(ssd.amount).toBeGreaterThan(hdd.amount);
    for (const p of [premium, ssd, hdd, egressPricePerGB(snapshot)]) {
      expect(p.source).toMatch(/\S/);
      expect(Number.isNaN(Date.parse(p.asOf))).toBe(false);
    }
    expect(olderDate('2026-05-01', '2026-07-01')).toBe('2026-05-01');
  });
});
