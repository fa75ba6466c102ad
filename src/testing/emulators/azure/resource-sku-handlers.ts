/**
 * `GET /subscriptions/{s}/providers/Microsoft.Compute/skus`: Resource SKUs, one item per size and
 * location (see `vm-size-catalog.ts`), plus the managed disk types per location, as the API lists
 * `disks` beside `virtualMachines` (a client must filter on `resourceType`). The only filter the
 * API takes is `location eq '{location}'` (Skus stable/2021-07-01 `ResourceSkus_List`, read
 * 2026-12); anything else is 400 `InvalidParameter`. All items come in one page.
 */
import { invalidParameter } from './arm-error.js';
import type { ArmAnswer, ArmCall } from './arm-call.js';
import type { ArmResourceSku } from './arm-shapes.js';
import { diskTier } from './managed-disks.js';
import { LOCATION_ZONES } from './vm-size-catalog.js';

const DISK_SKUS: readonly (readonly [string, number])[] = [
  ['Standard_LRS', 32_767],
  ['StandardSSD_LRS', 32_767],
  ['Premium_LRS', 32_767],
  ['PremiumV2_LRS', 65_536],
];

function diskSkus(locations: readonly string[]): ArmResourceSku[] {
  return locations.flatMap((location) =>
    DISK_SKUS.map(([name, max]) => ({
      resourceType: 'disks',
      name,
      tier: diskTier(name),
      locations: [location],
      locationInfo: [{ location, zones: [...LOCATION_ZONES], zoneDetails: [] }],
      capabilities: [
        { name: 'MaxSizeGiB', value: String(max) },
        { name: 'MinSizeGiB', value: '1' },
      ],
      restrictions: [],
    })),
  );
}

/** GET Resource SKUs. */
export function listResourceSkus(call: ArmCall): ArmAnswer {
  const filter = call.request.query.get('$filter');
  let location: string | undefined;
  if (filter !== null && filter.trim() !== '') {
    const m = /^\s*location\s+eq\s+'([^']+)'\s*$/i.exec(filter);
    if (!m) throw invalidParameter('$filter', `The filter '${filter}' is not supported. Only "location eq '{location}'" is supported.`);
    location = m[1]!.replace(/\s+/g, '').toLowerCase();
  }
  const all = [...call.state.catalog.resourceSkus(), ...diskSkus(call.state.catalog.locations())];
  return { status: 200, body: { value: location === undefined ? all : all.filter((s) => s.locations[0] === location) } };
}
