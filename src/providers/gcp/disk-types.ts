/**
 * Portable disk classes → Compute Engine disk types, and their prices.
 *
 * | spec `disk.type`             | GCE disk type        | on Hyperdisk-only families |
 * |------------------------------|----------------------|----------------------------|
 * | `hdd`, `pd-standard`         | `pd-standard`        | `hyperdisk-balanced`*      |
 * | `ssd` (default), `standard`, `pd-balanced` | `pd-balanced` | `hyperdisk-balanced`* |
 * | `premium-ssd`, `pd-ssd`      | `pd-ssd`             | `hyperdisk-balanced`*      |
 * | `pd-extreme`                 | `pd-extreme`         | refused                    |
 *
 * \* for the portable classes only: a spec that names a Persistent Disk type (`pd-…`) keeps it,
 * and selection leaves out the families that cannot boot from it (C4, N4, ...: see
 * `machine-types.ts`). Other clouds' names (`gp3`, `Premium_LRS`, ...) are refused on `disk.type`.
 *
 * Prices per GiB-month, us-central1 ("Disk and image pricing", cloud.google.com/compute/disks-image-pricing,
 * read 2025): pd-standard $0.04 and pd-balanced $0.10 (the bundled snapshot's `standardPerGBMonth`
 * and `ssdPerGBMonth`), pd-ssd $0.17, pd-extreme $0.125 (capacity only; provisioned IOPS extra),
 * hyperdisk-balanced $0.06 (capacity only; the baseline 3,000 IOPS and 140 MB/s are included).
 * Internet egress: the snapshot's $0.12/GB (premium tier, first paid tier).
 */
import type { BundledStoragePrices } from '../../catalog/bundled-snapshot.js';
import type { UnitPrice } from '../../provider/unit-price.js';
import { InvalidSpecError } from '../../provider/errors.js';
import type { DiskType } from '../../provider/types.js';

/** GCE boot disk types the adapter uses. */
export type GceDiskType = 'pd-standard' | 'pd-balanced' | 'pd-ssd' | 'pd-extreme' | 'hyperdisk-balanced';

/** True when the spec's class is portable (the adapter may pick Hyperdisk for it). */
export function isPortableDiskClass(type: DiskType): boolean {
  return type === 'hdd' || type === 'ssd' || type === 'standard' || type === 'premium-ssd';
}

/** The GCE disk type of a spec's disk class on a family that takes Persistent Disk (`hyperdisk: false`) or not. */
export function gceDiskTypeOf(type: DiskType, hyperdisk = false): GceDiskType {
  if (hyperdisk) {
    if (isPortableDiskClass(type)) return 'hyperdisk-balanced';
    throw new InvalidSpecError({ issues: [{ field: 'disk.type', message: `${type} cannot be the boot disk of a Hyperdisk-only machine family; use ssd (hyperdisk-balanced) or another family` }] });
  }
  switch (type) {
    case 'hdd':
    case 'pd-standard':
      return 'pd-standard';
    case 'ssd':
    case 'standard':
    case 'pd-balanced':
      return 'pd-balanced';
    case 'premium-ssd':
    case 'pd-ssd':
      return 'pd-ssd';
    case 'pd-extreme':
      return 'pd-extreme';
    default:
      throw new InvalidSpecError({ issues: [{ field: 'disk.type', message: `"${type}" is not a Compute Engine disk type; use ssd, premium-ssd, hdd, pd-balanced, pd-ssd, pd-standard or pd-extreme` }] });
  }
}

const DISK_PAGE_AS_OF = '2025-06-01';
const DISK_PAGE = 'gce-disk-pricing-page';

/** Price per GiB-month of a boot disk type. */
export function diskPricePerGiBMonth(type: GceDiskType, snapshot: BundledStoragePrices): UnitPrice {
  const page = (amount: number): UnitPrice => ({ amount, currency: 'USD', source: DISK_PAGE, asOf: DISK_PAGE_AS_OF });
  switch (type) {
    case 'pd-standard':
      return { amount: snapshot.standardPerGBMonth, currency: snapshot.currency, source: snapshot.source, asOf: snapshot.asOf };
    case 'pd-balanced':
      return { amount: snapshot.ssdPerGBMonth, currency: snapshot.currency, source: snapshot.source, asOf: snapshot.asOf };
    case 'pd-ssd':
      return page(0.17);
    case 'pd-extreme':
      return page(0.125);
    case 'hyperdisk-balanced':
      return page(0.06);
  }
}
