/** Instance names, request ids and labels: deterministic per key, label-safe, reversible for novacron's own. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseVMSpec } from '../../../src/provider/spec-schema.js';
import { decodeLabelValue, encodeLabelValue, labelFilter, labelsOf, NOVACRON_LABEL, vmLabels } from '../../../src/providers/gcp/labels.js';
import { instanceId, instanceNameFor, keyLabelValue, parseInstanceId, requestIdFor } from '../../../src/providers/gcp/naming.js';

const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
const INSTANCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('naming', () => {
  it('derives the same instance name, request id and key label from a key, and different ones from other keys', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(instanceNameFor(a)).toBe(instanceNameFor(a));
        expect(instanceNameFor(a)).toMatch(INSTANCE_NAME);
        expect(requestIdFor(a)).toMatch(UUID);
        expect(keyLabelValue(a)).toMatch(LABEL_VALUE);
        if (a !== b) {
          expect(instanceNameFor(a)).not.toBe(instanceNameFor(b));
          expect(requestIdFor(a)).not.toBe(requestIdFor(b));
        }
      }),
    );
  });

  it('gives an image import its own request id', () => {
    expect(requestIdFor('k', 'image')).not.toBe(requestIdFor('k'));
  });

  it('round-trips VM ids and reads selfLinks', () => {
    const ref = { project: 'p-1', zone: 'us-central1-a', name: 'nc-0123456789abcdef' };
    expect(parseInstanceId(instanceId(ref))).toEqual(ref);
    expect(parseInstanceId(`https://www.googleapis.com/compute/v1/${instanceId(ref)}`)).toEqual(ref);
    expect(parseInstanceId('i-0abc')).toBeUndefined();
  });
});

describe('labels', () => {
  it('encodes any value into GCE label characters, reversibly when it fits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (value) => {
        const encoded = encodeLabelValue(value);
        expect(encoded).toMatch(LABEL_VALUE);
        expect(decodeLabelValue(encoded)).toBe(value);
      }),
    );
    expect(encodeLabelValue('ubuntu-22.04')).toBe('ubuntu-22_2e04');
  });

  it('cuts a value that does not fit and says so on decoding', () => {
    const encoded = encodeLabelValue('A'.repeat(40));
    expect(encoded.length).toBeLessThanOrEqual(63);
    expect(decodeLabelValue(encoded)).toBeUndefined();
  });

  it("keeps the spec's labels as they are, adds novacron's own, and hides them again when reading", () => {
    const spec = parseVMSpec({ name: 'web-1', cpu: 2, memory: 4, labels: { env: 'prod' } });
    const labels = vmLabels(spec, { providerName: 'GCP Central', specHash: 'abc', keyLabel: keyLabelValue('k') });
    for (const [k, v] of Object.entries(labels)) {
      expect(k).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
      expect(v).toMatch(LABEL_VALUE);
    }
    expect(decodeLabelValue(labels[NOVACRON_LABEL.provider]!)).toBe('GCP Central');
    expect(decodeLabelValue(labels[NOVACRON_LABEL.image]!)).toBe('ubuntu-22.04');
    expect(labelsOf(labels)).toEqual({ env: 'prod' });
  });

  it('refuses labels in novacron\'s namespace and more labels than GCE allows, naming the field', () => {
    const own = parseVMSpec({ name: 'a', cpu: 1, memory: 1, labels: { 'novacron-name': 'x' } });
    expect(() => vmLabels(own, { providerName: 'p', specHash: 'h' })).toThrow(/labels\.novacron-name/);
    const core = parseVMSpec({ name: 'a', cpu: 1, memory: 1, labels: { 'novacron-federation': 'fed-1' } });
    expect(labelsOf(vmLabels(core, { providerName: 'p', specHash: 'h' }))).toEqual({ 'novacron-federation': 'fed-1' });
  });

  it('pushes label filters down in GCE filter syntax', () => {
    expect(labelFilter({ env: 'prod', tier: 'web' })).toBe('(labels.env = "prod") (labels.tier = "web")');
    expect(labelFilter({})).toBeUndefined();
  });
});
