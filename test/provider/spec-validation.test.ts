import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError, type VMSpecInput } from '../../src/index.js';
import { parseVMSpec } from '../../src/provider-utils/index.js';
import { parseByteQuantity, toGiB } from '../../src/provider/quantity.js';

const base: VMSpecInput = { name: 'app-1', cpu: 4, memory: '8Gi' };

function fieldOf(input: unknown): string {
  try {
    parseVMSpec(input as VMSpecInput);
  } catch (error) {
    expect(InvalidSpecError.isInstance(error)).toBe(true);
    return (error as InvalidSpecError).field;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('parseVMSpec', () => {
  it('normalizes quantities and fills defaults', () => {
    const spec = parseVMSpec({ ...base, disk: '100Gi', labels: { tier: 'web' } });
    expect(spec).toMatchObject({
      name: 'app-1',
      cpu: 4,
      memoryGiB: 8,
      disk: { sizeGiB: 100, type: 'ssd', encrypted: true },
      image: 'ubuntu-22.04',
      network: { publicIp: false, securityGroups: [] },
      labels: { tier: 'web' },
      spot: false,
      egressGBPerMonth: 0,
    });
  });

  it.each([
    ['8Gi', 8],
    ['512Mi', 0.5],
    ['1Ti', 1024],
    [16, 16],
    ['16G', 16e9 / 1024 ** 3],
    ['1.5Gi', 1.5],
  ])('reads memory %s as %d GiB', (memory, gib) => {
    expect(parseVMSpec({ ...base, memory }).memoryGiB).toBeCloseTo(gib, 9);
  });

  it('reads CPU quantities in millicores', () => {
    expect(parseVMSpec({ ...base, cpu: '500m' }).cpu).toBe(0.5);
    expect(parseVMSpec({ ...base, cpu: '2' }).cpu).toBe(2);
  });

  it('accepts a normalized spec again unchanged', () => {
    const spec = parseVMSpec({ ...base, gpu: { count: 1, type: 'T4' }, disk: { size: 50, type: 'gp3', encrypted: false }, spot: true, spotMaxPrice: 0.05 });
    expect(parseVMSpec(spec)).toEqual(spec);
    expect(spec.gpu).toEqual({ count: 1, type: 't4' });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['negative CPU', { cpu: -2 }, 'cpu', /greater than 0/],
    ['zero CPU', { cpu: 0 }, 'cpu', /greater than 0/],
    ['CPU as words', { cpu: 'four' }, 'cpu', /vCPUs/],
    ['memory typo 8Gb', { memory: '8Gb' }, 'memory', /did you mean "8Gi"/],
    ['memory typo 8GB', { memory: '8GB' }, 'memory', /did you mean/],
    ['memory as bytes string', { memory: '8' }, 'memory', /bytes/],
    ['memory too large', { memory: '64Ti' }, 'memory', /between/],
    ['unknown disk type', { disk: { size: 50, type: 'floppy' } }, 'disk.type', /must be one of/],
    ['disk size typo', { disk: '100GB' }, 'disk', /did you mean/],
    ['disk object size typo', { disk: { size: '100Gb' } }, 'disk.size', /did you mean/],
    ['unknown disk field', { disk: { size: 10, iops: 3000 } }, 'disk.iops', /unknown field/],
    ['upper-case label key', { labels: { Team: 'web' } }, 'labels.Team', /label keys/],
    ['label key with a dot', { labels: { 'app.kubernetes.io': 'x' } }, 'labels["app.kubernetes.io"]', /label keys/],
    ['label value with spaces', { labels: { team: 'web team' } }, 'labels.team', /label values/],
    ['label value not a string', { labels: { team: 3 } }, 'labels.team', /strings/],
    ['bad VM name', { name: 'My_VM' }, 'name', /lower-case/],
    ['VM name too long', { name: 'a'.repeat(64) }, 'name', /63/],
    ['unknown image alias', { image: 'ubuntu-99.04' }, 'image', /unknown image alias/],
    ['GPU count zero', { gpu: { count: 0 } }, 'gpu.count', /at least 1/],
    ['fractional GPU', { gpu: { count: 1.5 } }, 'gpu.count', /whole/],
    ['spot max price without spot', { spotMaxPrice: 0.1 }, 'spotMaxPrice', /spot: true/],
    ['negative spot price', { spot: true, spotMaxPrice: -1 }, 'spotMaxPrice', /greater than 0/],
    ['zone outside region', { region: 'us-east-1', zone: 'eu-west-1a' }, 'zone', /not in region/],
    ['typo in a field name', { memroy: '4Gi' }, 'memroy', /unknown field/],
    ['security groups not a list', { network: { securityGroups: 'sg-1' } }, 'network.securityGroups', /list/],
    ['negative egress', { egressGBPerMonth: -5 }, 'egressGBPerMonth', /negative/],
  ])('refuses %s, naming the field', (_title, extra, field, message) => {
    expect(fieldOf({ ...base, ...extra })).toBe(field);
    try {
      parseVMSpec({ ...base, ...extra } as unknown as VMSpecInput);
    } catch (error) {
      expect((error as Error).message).toMatch(message);
    }
  });

  it('accepts Azure zone numbers', () => {
    expect(parseVMSpec({ ...base, region: 'eastus', zone: '2' }).zone).toBe('2');
    expect(fieldOf({ ...base, region: 'eastus', zone: '12' })).toBe('zone');
  });

  it('refuses what is not an object', () => {
    expect(fieldOf(null)).toBe('(root)');
    expect(fieldOf('spec')).toBe('(root)');
  });

  it('lists every problem, not only the first', () => {
    try {
      parseVMSpec({ name: 'x', cpu: -1, memory: '8Gb' });
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidSpecError).issues.map((i) => i.field)).toEqual(['cpu', 'memory']);
    }
  });
});

describe('quantities (property)', () => {
  const suffixes = [['Ki', 1024], ['Mi', 1024 ** 2], ['Gi', 1024 ** 3], ['Ti', 1024 ** 4], ['k', 1e3], ['M', 1e6], ['G', 1e9], ['T', 1e12], ['', 1]] as const;

  it('parses every integer with every suffix to the right byte count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(...suffixes), (n, [suffix, mult]) => {
        expect(parseByteQuantity(`${n}${suffix}`)).toBe(n * mult);
      }),
    );
  });

  it('refuses lower-case binary suffixes and byte units (8gi, 8GB, 8Gb)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom('gi', 'GB', 'Gb', 'mb', 'MB', 'GiB', 'tb'), (n, unit) => {
        expect(toGiB(`${n}${unit}`)).toBeUndefined();
      }),
    );
  });

  it('accepts every valid memory amount as GiB, and the result round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), (gib) => {
        const spec = parseVMSpec({ ...base, memory: `${gib}Gi` });
        expect(spec.memoryGiB).toBe(gib);
        expect(parseVMSpec(spec).memoryGiB).toBe(gib);
      }),
    );
  });
});
