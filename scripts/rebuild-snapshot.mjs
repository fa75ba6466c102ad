#!/usr/bin/env node
/**
 * Rebuilds rows of src/catalog/bundled-snapshot.ts from SkyPilot catalog CSVs
 * (github.com/skypilot-org/skypilot-catalog, `catalogs/v7/<cloud>/vms.csv`; the same layout as
 * `skypilotCsvLoader` reads). A maintainer's tool, never loaded by the library.
 *
 * It prints, in the snapshot's own formats:
 * - one `FixedRow` tuple per instance type asked for — `[type, vCPUs, GiB, base-region on-demand $/h,
 *   gpu, spot fraction, interruption]` — with the spot fraction measured as the median SpotPrice / Price
 *   over the base region's zones (the interruption bucket is not in the CSVs: `--bucket type=<bucket>`,
 *   default `'10-15%'`, marked for review);
 * - the `FAMILY_REGION_MULTIPLIERS` entries: per family (the prefix given with `--family`, priced by its
 *   reference type), the ratio of the reference type's price in each region to the base region, for the
 *   regions asked for, where it differs from `--region-ratio` (the cloud's own multiplier) by more than 1%.
 *
 * Run (Node 20, no build needed; CSVs as file paths or http(s) URLs):
 *   node scripts/rebuild-snapshot.mjs --cloud aws --base us-east-1 \
 *     --csv https://raw.githubusercontent.com/skypilot-org/skypilot-catalog/<commit>/catalogs/v7/aws/vms.csv \
 *     --types p3.2xlarge,p3.8xlarge,p4d.24xlarge --bucket p4d.24xlarge='>20%' \
 *     --family p4d.=p4d.24xlarge --regions eu-west-1,eu-central-1,ap-northeast-1 --reference m5.large
 * Note the CSV's commit and its date in the snapshot's header when pasting the output.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

/** Minimal RFC 4180 parsing (quoted fields hold commas: SkyPilot's GpuInfo column). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  const [header, ...body] = rows;
  return body.filter((r) => r.length > 1).map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), (r[i] ?? '').trim()])));
}

function median(values) {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const round = (x, digits) => Math.round(x * 10 ** digits) / 10 ** digits;

/** On-demand price of a type in a region (the same in every zone for these clouds; the lowest if not). */
function priceIn(records, type, region) {
  const prices = records.filter((r) => r.InstanceType === type && r.Region === region).map((r) => Number(r.Price)).filter((p) => Number.isFinite(p) && p > 0);
  return prices.length ? Math.min(...prices) : undefined;
}

/** The snapshot's GPU expression: `A100_40`, `times(T4_16, 4)`. */
function gpuExpression(r) {
  const name = r.AcceleratorName;
  const count = Number(r.AcceleratorCount);
  if (!name || !(count > 0)) return 'undefined';
  const perGpu = /'SizeInMiB':\s*(\d+)/.exec(r.GpuInfo ?? '');
  const gib = perGpu ? Math.round(Number(perGpu[1]) / 1024) : '?';
  const constant = `${name.replace(/-80GB$/i, '').toUpperCase()}_${gib}`;
  return count === 1 ? constant : `times(${constant}, ${count})`;
}

/** The snapshot rows for `options` over parsed CSV records, as TypeScript source lines. */
export function snapshotRows(records, options) {
  const lines = [];
  const source = options.source ?? 'skypilot-catalog';
  lines.push(`// ${options.cloud} ${options.base} Linux on-demand, from ${source}`);
  for (const type of options.types) {
    const base = records.filter((r) => r.InstanceType === type && r.Region === options.base);
    const price = priceIn(records, type, options.base);
    if (base.length === 0 || price === undefined) {
      lines.push(`// ${type}: not priced in ${options.base} in this CSV`);
      continue;
    }
    const r = base[0];
    const spot = median(base.map((b) => Number(b.SpotPrice) / Number(b.Price)).filter((f) => Number.isFinite(f) && f > 0 && f <= 1));
    const bucket = options.buckets[type];
    lines.push(
      `  ['${type}', ${Number(r.vCPUs)}, ${Number(r.MemoryGiB)}, ${price}, ${gpuExpression(r)}, ${spot === undefined ? 'NaN' : round(spot, 2)}, '${bucket ?? '10-15%'}'],${bucket ? '' : ' // interruption bucket: review'}`,
    );
  }
  const families = Object.entries(options.families);
  if (families.length > 0) {
    lines.push(`// FAMILY_REGION_MULTIPLIERS.${options.cloud}, from ${source}`);
    for (const [prefix, reference] of families) {
      const basePrice = priceIn(records, reference, options.base);
      if (basePrice === undefined) {
        lines.push(`// ${prefix}: ${reference} not priced in ${options.base}`);
        continue;
      }
      const entries = [];
      for (const region of options.regions) {
        const p = priceIn(records, reference, region);
        if (p === undefined) continue;
        const regionRatio = options.regionRatios[region];
        if (regionRatio !== undefined && Math.abs(p / basePrice / regionRatio - 1) <= 0.01) continue;
        entries.push(`'${region}': ${p} / ${basePrice}`);
      }
      lines.push(`    '${prefix}': { ${entries.join(', ')} },`);
    }
  }
  return lines.join('\n');
}

async function readSource(location) {
  if (/^https?:\/\//.test(location)) {
    const res = await fetch(location);
    if (!res.ok) throw new Error(`[novacron] rebuild-snapshot: ${location} answered ${res.status}`);
    return res.text();
  }
  return readFile(location, 'utf8');
}

function pairs(list) {
  return Object.fromEntries((list ?? []).flatMap((s) => s.split(',')).filter(Boolean).map((kv) => kv.split('=')));
}

async function main() {
  const { values } = parseArgs({
    options: {
      cloud: { type: 'string' },
      base: { type: 'string' },
      csv: { type: 'string', multiple: true },
      types: { type: 'string', default: '' },
      bucket: { type: 'string', multiple: true },
      family: { type: 'string', multiple: true },
      regions: { type: 'string', default: '' },
      reference: { type: 'string' },
      source: { type: 'string' },
    },
  });
  if (!values.cloud || !values.base || !values.csv?.length) {
    console.error('usage: node scripts/rebuild-snapshot.mjs --cloud aws|azure|gcp --base <region> --csv <path|url> [--csv ...] --types a,b [--family prefix=type] [--regions r1,r2] [--reference type] [--bucket type=bucket]');
    process.exit(2);
  }
  const records = (await Promise.all(values.csv.map(readSource))).flatMap(parseCsv);
  const regions = values.regions.split(',').filter(Boolean);
  const regionRatios = {};
  if (values.reference) {
    const base = priceIn(records, values.reference, values.base);
    for (const region of regions) {
      const p = priceIn(records, values.reference, region);
      if (base !== undefined && p !== undefined) regionRatios[region] = p / base;
    }
  }
  const out = snapshotRows(records, {
    cloud: values.cloud,
    base: values.base,
    types: values.types.split(',').filter(Boolean),
    buckets: pairs(values.bucket),
    families: pairs(values.family),
    regions,
    regionRatios,
    source: values.source ?? values.csv.join(', '),
  });
  console.log(out);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
