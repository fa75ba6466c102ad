import { describe, expect, it } from 'vitest';
import { parseCsv, snapshotRows } from '../../scripts/rebuild-snapshot.mjs';

// Rows in SkyPilot's catalogs/v7/aws/vms.csv layout (figures from commit 001367d2 of skypilot-org/skypilot-catalog).
const CSV = [
  'InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone',
  'm5.large,,,2.0,8.0,,0.096,0.040000,us-east-1,use1-az1',
  'm5.large,,,2.0,8.0,,0.107,0.045000,eu-west-1,euw1-az1',
  `p3.8xlarge,V100,4.0,32.0,244.0,"{'Gpus': [{'Name': 'V100', 'Count': 4, 'MemoryInfo': {'SizeInMiB': 16384}}], 'TotalGpuMemoryInMiB': 65536}",12.24,1.2240,us-east-1,use1-az1`,
  `p3.8xlarge,V100,4.0,32.0,244.0,"{'Gpus': [{'Name': 'V100', 'Count': 4, 'MemoryInfo': {'SizeInMiB': 16384}}], 'TotalGpuMemoryInMiB': 65536}",12.24,3.6720,us-east-1,use1-az2`,
  `p3.8xlarge,V100,4.0,32.0,244.0,"{'Gpus': [{'Name': 'V100', 'Count': 4, 'MemoryInfo': {'SizeInMiB': 16384}}], 'TotalGpuMemoryInMiB': 65536}",13.22,6.2048,eu-west-1,euw1-az2`,
].join('\n');

describe('scripts/rebuild-snapshot.mjs', () => {
  it('prints snapshot rows and family multipliers in the snapshot’s formats', () => {
    const records = parseCsv(CSV);
    expect(records[2]!.GpuInfo).toContain("'Count': 4"); // the quoted column keeps its commas
    const out = snapshotRows(records, {
      cloud: 'aws',
      base: 'us-east-1',
      types: ['p3.8xlarge', 'm5.large', 'p9.huge'],
      buckets: { 'p3.8xlarge': '>20%' },
      families: { 'p3.': 'p3.8xlarge', 'm5.': 'm5.large' },
      regions: ['eu-west-1'],
      regionRatios: { 'eu-west-1': 0.107 / 0.096 },
      source: 'test',
    });
    // spot fraction: the median of 0.1 and 0.3
    expect(out).toContain("['p3.8xlarge', 32, 244, 12.24, times(V100_16, 4), 0.2, '>20%'],");
    expect(out).toContain("['m5.large', 2, 8, 0.096, undefined, 0.42, '10-15%'], // interruption bucket: review");
    expect(out).toContain('// p9.huge: not priced in us-east-1');
    // p3 departs from the region's ratio; m5 is the reference itself, so it gets no entry of its own
    expect(out).toContain("'p3.': { 'eu-west-1': 13.22 / 12.24 },");
    expect(out).toContain("'m5.': {  },");
  });
});
