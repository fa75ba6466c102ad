/**
 * Import of SkyPilot catalog CSVs (the `vms.csv` files of skypilot-org/skypilot-catalog), so
 * SkyPilot users can bring the catalogs they already keep. Column layouts, as SkyPilot writes them:
 * - AWS:   InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone,Arch
 * - GCP:   InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,AvailabilityZone,Price,SpotPrice
 * - Azure: InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,Generation
 * Columns are found by header name, so reordered files parse too.
 *
 * Rows that are not standalone offers are skipped and reported: GCP accelerator rows with no
 * instance type (GPUs priced alone, attached to n1 hosts; TPUs), rows without vCPUs or memory,
 * and rows without an on-demand price.
 */
import type { CallOptions } from '../../provider/provider-v1.js';
import type { Architecture, GpuInfo, Offer } from '../../provider/types.js';
import type { OfferLoader } from '../catalog.js';

/** The clouds SkyPilot catalogs exist for here. */
export type SkyPilotCloud = 'aws' | 'gcp' | 'azure';

/** Options of the SkyPilot CSV readers. */
export interface SkyPilotCsvOptions {
  /** Cloud the file describes. */
  readonly provider: SkyPilotCloud;
  /** Date the catalog's prices were fetched (ISO 8601); SkyPilot files do not record it. */
  readonly asOf: string;
  /** Provenance recorded on each offer (default `skypilot-catalog:<cloud>`). */
  readonly source?: string | undefined;
  /** Currency of the prices (SkyPilot's are USD). */
  readonly currency?: string | undefined;
}

/** A row that was not turned into an offer. */
export interface SkippedRow {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  /** Why. */
  readonly reason: string;
}

/** The columns each cloud's file must have. */
export const SKYPILOT_COLUMNS: Readonly<Record<SkyPilotCloud, readonly string[]>> = {
  aws: ['InstanceType', 'AcceleratorName', 'AcceleratorCount', 'vCPUs', 'MemoryGiB', 'GpuInfo', 'Price', 'SpotPrice', 'Region', 'AvailabilityZone', 'Arch'],
  gcp: ['InstanceType', 'vCPUs', 'MemoryGiB', 'AcceleratorName', 'AcceleratorCount', 'GpuInfo', 'Region', 'AvailabilityZone', 'Price', 'SpotPrice'],
  azure: ['InstanceType', 'AcceleratorName', 'AcceleratorCount', 'vCPUs', 'MemoryGiB', 'GpuInfo', 'Price', 'SpotPrice', 'Region', 'Generation'],
};

/**
 * Incremental RFC 4180 record reader: quoted fields may hold commas, quotes (doubled) and line
 * breaks; records end at LF or CRLF outside quotes. Feed it chunks split anywhere.
 */
export class CsvRecordReader {
  private field = '';
  private record: string[] = [];
  private quoted = false;
  /** True right after a closing quote, to tell `""` (escaped quote) from the end of a field. */
  private afterQuote = false;
  private fieldStarted = false;
  private pendingCR = false;

  /** Consumes `chunk` and returns the records it completed. */
  push(chunk: string): string[][] {
    const out: string[][] = [];
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (this.pendingCR) {
        this.pendingCR = false;
        if (ch === '\n') continue; // CRLF already ended the record
      }
      if (this.quoted) {
        if (ch === '"') {
          this.quoted = false;
          this.afterQuote = true;
        } else {
          this.field += ch;
        }
        continue;
      }
      if (ch === '"') {
        if (this.afterQuote) {
          this.field += '"'; // "" inside a quoted field
          this.quoted = true;
          this.afterQuote = false;
        } else if (!this.fieldStarted) {
          this.quoted = true;
          this.fieldStarted = true;
        } else {
          this.field += ch; // a stray quote in an unquoted field is kept as text
        }
        continue;
      }
      this.afterQuote = false;
      if (ch === ',') {
        this.endField();
      } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r') this.pendingCR = true;
        this.endField();
        out.push(this.record);
        this.record = [];
      } else {
        this.field += ch;
        this.fieldStarted = true;
      }
    }
    return out;
  }

  /** Ends the input; returns the last record if it had no final line break. */
  end(): string[][] {
    if (this.quoted) throw new SyntaxError('[novacron] CSV: unterminated quoted field at end of input');
    if (!this.fieldStarted && this.field === '' && this.record.length === 0) return [];
    this.endField();
    const last = this.record;
    this.record = [];
    return [last];
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.fieldStarted = false;
    this.afterQuote = false;
  }
}

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'nan') return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/** GPU memory per GPU from SkyPilot's GpuInfo text (a Python dict literal), when present. */
function gpuMemoryGiB(gpuInfo: string | undefined, count: number): number | undefined {
  if (!gpuInfo) return undefined;
  const per = /'SizeInMiB':\s*([\d.]+)/.exec(gpuInfo);
  if (per) return Number(per[1]) / 1024;
  const total = /'TotalGpuMemoryInMiB':\s*([\d.]+)/.exec(gpuInfo);
  if (total && count > 0) return Number(total[1]) / 1024 / count;
  return undefined;
}

/** Architecture from the file (AWS) or from the instance-type naming rules of the cloud. */
function archOf(provider: SkyPilotCloud, instanceType: string, column: string | undefined): Architecture {
  if (column) return /arm|aarch64/i.test(column) ? 'arm64' : 'x86_64';
  if (provider === 'gcp') return /^(t2a|c4a|n4a)-/.test(instanceType) ? 'arm64' : 'x86_64';
  if (provider === 'azure') return /^Standard_[A-Z]+\d+[a-z]*p[a-z]*_v\d/.test(instanceType) ? 'arm64' : 'x86_64';
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType) ? 'arm64' : 'x86_64'; // AWS Graviton: m6g, c7gn, ...
}

/** Turns CSV records (header first) into offers, reporting the rows it skips. */
class SkyPilotRowMapper {
  private columns: Map<string, number> | undefined;
  private line = 0;
  private readonly source: string;

  constructor(
    private readonly options: SkyPilotCsvOptions,
    private readonly onSkip: (row: SkippedRow) => void,
  ) {
    this.source = options.source ?? `skypilot-catalog:${options.provider}`;
  }

  map(record: readonly string[]): Offer | undefined {
    this.line++;
    if (this.columns === undefined) {
      this.columns = new Map(record.map((name, i) => [name.trim().replace(/^\uFEFF/, ''), i]));
      const missing = SKYPILOT_COLUMNS[this.options.provider].filter((c) => !this.columns!.has(c) && c !== 'Generation' && c !== 'Arch');
      if (missing.length > 0) {
        throw new SyntaxError(`[novacron] SkyPilot ${this.options.provider} catalog: missing column(s) ${missing.join(', ')}`);
      }
      return undefined;
    }
    if (record.length === 1 && record[0]!.trim() === '') return undefined; // blank line
    const get = (name: string): string | undefined => {
      const i = this.columns!.get(name);
      return i === undefined ? undefined : record[i];
    };
    const skip = (reason: string): undefined => {
      this.onSkip({ line: this.line, reason });
      return undefined;
    };
    const instanceType = (get('InstanceType') ?? '').trim();
    const acceleratorName = (get('AcceleratorName') ?? '').trim();
    if (instanceType === '') return skip(acceleratorName ? `accelerator ${acceleratorName} priced without a host instance type` : 'no instance type');
    const vcpus = num(get('vCPUs'));
    const memoryGiB = num(get('MemoryGiB'));
    if (vcpus === undefined || !(vcpus > 0) || memoryGiB === undefined || memoryGiB < 0) return skip(`${instanceType}: no vCPUs or memory`);
    const price = num(get('Price'));
    if (price === undefined || price < 0) return skip(`${instanceType}: no on-demand price`);
    const region = (get('Region') ?? '').trim();
    if (region === '') return skip(`${instanceType}: no region`);
    const spot = num(get('SpotPrice'));
    const count = num(get('AcceleratorCount'));
    let gpu: GpuInfo | undefined;
    if (acceleratorName !== '' && count !== undefined && count > 0) {
      gpu = { model: acceleratorName.toLowerCase(), count: Math.round(count), memoryGiB: gpuMemoryGiB(get('GpuInfo'), count) };
    }
    const zone = (get('AvailabilityZone') ?? '').trim();
    return {
      provider: this.options.provider,
      region,
      zone: zone === '' ? undefined : zone,
      instanceType,
      vcpus,
      memoryGiB,
      gpu,
      arch: archOf(this.options.provider, instanceType, get('Arch')?.trim() || undefined),
      onDemandHourly: price,
      spotHourly: spot !== undefined && spot >= 0 ? spot : undefined,
      currency: this.options.currency ?? 'USD',
      source: this.source,
      asOf: this.options.asOf,
    };
  }
}

/** What a whole-file parse produced. */
export interface SkyPilotParseResult {
  /** Offers, in file order. */
  readonly offers: Offer[];
  /** Rows that were not offers, with why. */
  readonly skipped: SkippedRow[];
}

/** Parses a whole SkyPilot catalog CSV held in memory. */
export function parseSkyPilotCatalog(text: string, options: SkyPilotCsvOptions): SkyPilotParseResult {
  const skipped: SkippedRow[] = [];
  const mapper = new SkyPilotRowMapper(options, (s) => skipped.push(s));
  const reader = new CsvRecordReader();
  const offers: Offer[] = [];
  for (const record of [...reader.push(text), ...reader.end()]) {
    const o = mapper.map(record);
    if (o) offers.push(o);
  }
  return { offers, skipped };
}

/**
 * Streams offers out of a SkyPilot catalog CSV arriving in chunks (a file stream, a fetch body),
 * without holding the file in memory.
 */
export async function* readSkyPilotCatalog(
  chunks: AsyncIterable<string | Uint8Array>,
  options: SkyPilotCsvOptions & { readonly onSkip?: ((row: SkippedRow) => void) | undefined; readonly signal?: AbortSignal | undefined },
): AsyncIterable<Offer> {
  const mapper = new SkyPilotRowMapper(options, options.onSkip ?? (() => undefined));
  const reader = new CsvRecordReader();
  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    options.signal?.throwIfAborted();
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (const record of reader.push(text)) {
      const o = mapper.map(record);
      if (o) yield o;
    }
  }
  for (const record of [...reader.push(decoder.decode()), ...reader.end()]) {
    const o = mapper.map(record);
    if (o) yield o;
  }
}

/** Options of {@link skypilotCsvLoader}. */
export interface SkyPilotCsvLoaderOptions extends SkyPilotCsvOptions {
  /** Loader name (default `skypilot:<cloud>`). */
  readonly name?: string | undefined;
  /** Opens the CSV each time the catalog loads, e.g. `() => fs.createReadStream(path)`. */
  readonly open: (options: CallOptions) => AsyncIterable<string | Uint8Array>;
  /** Told about each skipped row. */
  readonly onSkip?: ((row: SkippedRow) => void) | undefined;
}

/** A catalog loader over a SkyPilot catalog CSV. */
export function skypilotCsvLoader(options: SkyPilotCsvLoaderOptions): OfferLoader {
  return {
    name: options.name ?? `skypilot:${options.provider}`,
    load(call: CallOptions = {}): AsyncIterable<Offer> {
      return readSkyPilotCatalog(options.open(call), { ...options, signal: call.signal });
    },
  };
}
