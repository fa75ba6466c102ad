/** Labels ↔ Azure tags: Azure's rules checked before sending, novacron's own tags kept out of labels, ownership by tag. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../../src/provider/errors.js';
import { parseVMSpec } from '../../../src/provider/spec-schema.js';
import { hasLabels, isOwnedBy, labelsOf, labelTagIssues, NOVACRON_TAG, ownedResourceTags, vmTags } from '../../../src/providers/azure/tags.js';
import { thrownBy } from '../../helpers.js';

const ctx = { providerName: 'azure-west', specHash: 'abc123', idempotencyKey: 'key-1' };
const labelKey = fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/).filter((k) => !/^(microsoft|azure|windows)/.test(k));
const labelValue = fc.stringMatching(/^[a-z0-9_-]{0,20}$/);

describe('Azure tags', () => {
  it('carry the labels and novacron\'s own tags, and give the labels back alone', () => {
    fc.assert(
      fc.property(fc.dictionary(labelKey, labelValue, { maxKeys: 10 }), (labels) => {
        const spec = parseVMSpec({ name: 'web', cpu: 1, memory: 1, labels });
        const tags = vmTags(spec, { ...ctx, federationId: 'fed' });
        expect(labelsOf(tags)).toEqual(labels);
        expect(tags[NOVACRON_TAG.specHash]).toBe('abc123');
        expect(tags[NOVACRON_TAG.name]).toBe('web');
        expect(tags[NOVACRON_TAG.federation]).toBe('fed');
        expect(tags[NOVACRON_TAG.managed]).toBe('true');
      }),
    );
  });

  it('refuse label names Azure reserves, naming the label', () => {
    const spec = parseVMSpec({ name: 'web', cpu: 1, memory: 1, labels: { 'azure-team': 'x', ok: 'y' } });
    const error = thrownBy(() => vmTags(spec, ctx));
    expect(InvalidSpecError.isInstance(error)).toBe(true);
    expect((error as InvalidSpecError).field).toBe('labels.azure-team');
  });

  it('check the characters, lengths and prefix rules of names given from elsewhere', () => {
    expect(labelTagIssues({ 'a/b': 'x' })[0]?.message).toMatch(/may not contain/);
    expect(labelTagIssues({ ['k'.repeat(513)]: 'x' })[0]?.message).toMatch(/512/);
    expect(labelTagIssues({ k: 'v'.repeat(257) })[0]?.message).toMatch(/256/);
    expect(labelTagIssues({ 'novacron:x': 'v' })[0]?.message).toMatch(/novacron's own/);
    expect(labelTagIssues({ Windows1: 'v' })[0]?.message).toMatch(/reserves/);
    expect(labelTagIssues({ fine: 'v' })).toEqual([]);
  });

  it('refuse more labels than Azure\'s 50 tags leave room for', () => {
    const labels = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`l${i}`, 'v']));
    const error = thrownBy(() => vmTags(parseVMSpec({ name: 'web', cpu: 1, memory: 1, labels }), ctx));
    expect((error as InvalidSpecError).field).toBe('labels');
    expect((error as Error).message).toMatch(/at most 44 labels fit/);
  });

  it('prove ownership of a NIC, IP or disk only with both the managed and the owner tag', () => {
    const tags = ownedResourceTags('nc-0123456789ab', { providerName: 'p', federationId: undefined });
    expect(isOwnedBy(tags, 'nc-0123456789ab')).toBe(true);
    expect(isOwnedBy(tags, 'NC-0123456789AB')).toBe(true);
    expect(isOwnedBy(tags, 'nc-ffffffffffff')).toBe(false);
    expect(isOwnedBy({ [NOVACRON_TAG.ownerVm]: 'nc-0123456789ab' }, 'nc-0123456789ab')).toBe(false);
    expect(isOwnedBy(undefined, 'nc-0123456789ab')).toBe(false);
  });

  it('match label filters case-insensitively on names, exactly on values', () => {
    expect(hasLabels({ Team: 'web' }, [['team', 'web']])).toBe(true);
    expect(hasLabels({ team: 'Web' }, [['team', 'web']])).toBe(false);
    expect(hasLabels(undefined, [])).toBe(true);
  });
});
