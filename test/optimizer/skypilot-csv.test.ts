import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvRecordReader, parseSkyPilotCatalog, readSkyPilotCatalog, skypilotCsvLoader } from '../../src/optimizer/loaders/skypilot-csv.js';
import { Catalog } from '../../src/optimizer/catalog.js';

// Rows in SkyPilot's own layouts (skypilot-org/skypilot-catalog, catalogs/v*/<cloud>/vms.csv).
const AWS = `InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone,Arch
m5.large,,,2.0,8.0,,0.096,0.0373,us-east-1,us-east-1a,x86_64
p3.2xlarge,V100,1.0,8.0,61.0,"{'Gpus': [{'Name': 'V100', 'Manufacturer': 'NVIDIA', 'Count': 1, 'MemoryInfo': {'SizeInMiB': 16384}}], 'TotalGpuMemoryInMiB': 16384}",3.06,0.9189,us-east-1,us-east-1b,x86_64
m7g.large,,,2.0,8.0,,0.0816,,us-west-2,us-west-2a,arm64
x9.nothing,,,2.0,8.0,,,0.01,us-west-2,us-west-2a,x86_64
`;
const GCP = `InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,AvailabilityZone,Price,SpotPrice\r
n2-standard-4,4.0,16.0,,,,us-central1,us-central1-a,0.194236,0.0471\r
,,,A100,1.0,A100,us-central1,us-central1-a,2.933908,0.88\r
a2-highgpu-1g,12.0,85.0,A100,1.0,"{'Gpus': [{'Name': 'A100', 'Count': 1, 'MemoryInfo': {'SizeInMiB': 40960}}]}",us-central1,us-central1-a,3.673385,1.1\r
t2a-standard-2,2.0,8.0,,,,us-central1,us-central1-a,0.077,\r
`;
const AZURE = `InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,Generation
Standard_D2s_v5,,,2,8,,0.096,0.0192,eastus,V1
Standard_D2ps_v5,,,2,8,,0.077,0.0154,eastus,V2
Standard_NC4as_T4_v3,T4,1,4,28,"{'Gpus': [{'Name': 'T4', 'Count': 1, 'MemoryInfo': {'SizeInMiB': 16384}}], 'TotalGpuMemoryInMiB': 16384}",0.526,0.0526,eastus,V2
`;

describe('SkyPilot catalog CSV import', () => {
  it('reads AWS rows, GPUs with their memory, arch and zones, and skips rows without a price', () => {
    const { offers, skipped } = parseSkyPilotCatalog(AWS, { provider: 'aws', asOf: '2026-11-01' });
    expect(offers.map((o) => o.instanceType)).toEqual(['m5.large', 'p3.2xlarge', 'm7g.large']);
    expect(offers[0]).toMatchObject({ provider: 'aws', region: 'us-east-1', zone: 'us-east-1a', vcpus: 2, memoryGiB: 8, onDemandHourly: 0.096, spotHourly: 0.0373, gpu: undefined, source: 'skypilot-catalog:aws', asOf: '2026-11-01', currency: 'USD' });
    expect(offers[1]!.gpu).toEqual({ model: 'v100', count: 1, memoryGiB: 16 });
    expect(offers[2]).toMatchObject({ arch: 'arm64', spotHourly: undefined });
    expect(skipped).toEqual([{ line: 5, reason: 'x9.nothing: no on-demand price' }]);
  });

  it('reads GCP rows with CRLF, skipping accelerator-only rows', () => {
    const { offers, skipped } = parseSkyPilotCatalog(GCP, { provider: 'gcp', asOf: '2026-11-01' });
    expect(offers.map((o) => o.instanceType)).toEqual(['n2-standard-4', 'a2-highgpu-1g', 't2a-standard-2']);
    expect(offers[1]!.gpu).toEqual({ model: 'a100', count: 1, memoryGiB: 40 });
    expect(offers[2]!.arch).toBe('arm64');
    expect(skipped[0]!.reason).toMatch(/A100 priced without a host/);
  });

  it('reads Azure rows (no zone column) and infers Arm sizes from their names', () => {
    const { offers } = parseSkyPilotCatalog(AZURE, { provider: 'azure', asOf: '2026-11-01' });
    expect(offers.map((o) => [o.instanceType, o.arch, o.zone])).toEqual([
      ['Standard_D2s_v5', 'x86_64', undefined],
      ['Standard_D2ps_v5', 'arm64', undefined],
      ['Standard_NC4as_T4_v3', 'x86_64', undefined],
    ]);
    expect(offers[2]!.gpu).toEqual({ model: 't4', count: 1, memoryGiB: 16 });
  });

  it('names missing columns', () => {
    expect(() => parseSkyPilotCatalog('InstanceType,vCPUs\nm5.large,2\n', { provider: 'aws', asOf: '2026-11-01' })).toThrow(/missing column\(s\) AcceleratorName/);
  });

  it('streams the same offers as a whole-file parse, however the input is split (property)', async () => {
    const whole = parseSkyPilotCatalog(AWS, { provider: 'aws', asOf: 'd' }).offers;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: AWS.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), AWS.length];
        const bytes = new TextEncoder().encode(AWS);
        async function* chunks() {
          // Split the UTF-8 bytes, so multi-byte characters and quoted fields break across chunks too.
          for (let i = 0; i + 1 < points.length; i++) yield bytes.subarray(points[i], points[i + 1]);
        }
        const streamed = [];
        for await (const o of readSkyPilotCatalog(chunks(), { provider: 'aws', asOf: 'd' })) streamed.push(o);
        expect(streamed).toEqual(whole);
      }),
      { numRuns: 100 },
    );
  });

  it('reads back what a CSV writer wrote, for any field text (property)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', "'", 'é') });
    const quote = (s: string) => (/[",\r\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s);
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 10 }), (rows) => {
        const text = rows.map((r) => r.map(quote).join(',')).join('\r\n');
        const reader = new CsvRecordReader();
        expect([...reader.push(text), ...reader.end()]).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });

  it('plugs into a catalog as a loader', async () => {
    const catalog = new Catalog({
      loaders: [
        skypilotCsvLoader({
          provider: 'azure',
          asOf: '2026-11-01',
          async *open() {
            yield AZURE;
          },
        }),
      ],
    });
    expect((await catalog.current()).offers).toHaveLength(3);
    expect(catalog.status().loaders[0]!.name).toBe('skypilot:azure');
  });
});
