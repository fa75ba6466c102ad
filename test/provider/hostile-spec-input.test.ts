import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../src/provider/errors.js';
import { findStructuralIssue, MAX_INPUT_DEPTH } from '../../src/provider/input-guards.js';
import { parseVMSpec } from '../../src/provider/spec-schema.js';
import type { VMSpec, VMSpecInput } from '../../src/provider/types.js';

const base = { name: 'app-1', cpu: 2, memory: '4Gi' };

/** The first issue of the InvalidSpecError parseVMSpec throws for `input`; fails on any other outcome. */
function refusal(input: unknown): { field: string; message: string } {
  let caught: unknown;
  try {
    parseVMSpec(input as VMSpecInput);
  } catch (error) {
    caught = error;
  }
  expect(InvalidSpecError.isInstance(caught), `expected an InvalidSpecError, got ${String(caught)}`).toBe(true);
  const issue = (caught as InvalidSpecError).issues[0]!;
  return { field: issue.field, message: issue.message };
}

function nested(depth: number, leaf: unknown = 'x'): unknown {
  let node = leaf;
  for (let i = 0; i < depth; i++) node = { a: node };
  return node;
}

describe('parseVMSpec: hostile input is refused with an InvalidSpecError naming the field', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'got null'],
    ['undefined', undefined, 'got undefined'],
    ['a number', 42, 'got 42'],
    ['a list', [base], 'got a list'],
  ])('a spec that is %s', (_title, input, got) => {
    expect(refusal(input)).toEqual({ field: '(root)', message: `expected a VM spec object, ${got}` });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['disk: null', { disk: null }, 'disk', /^must be a number of GiB, .*got null$/],
    ['disk as a list', { disk: [10] }, 'disk', /got a list$/],
    ['network as text', { network: 'x' }, 'network', /^must be an object \{ subnet, publicIp, securityGroups, network \}, got "x"$/],
    ['network as a number', { network: 1 }, 'network', /got 1$/],
    ['network: true', { network: true }, 'network', /got true$/],
    ['network as a list', { network: [] }, 'network', /got a list$/],
    ['gpu as a number', { gpu: 1 }, 'gpu', /^must be an object \{ count, type, exact \}, got 1$/],
    ['labels as a list', { labels: [] }, 'labels', /^must be a map of label keys to values, got a list$/],
    ['label key __proto__', { labels: JSON.parse('{"__proto__": "x"}') }, 'labels.__proto__', /reserved key/],
    ['label key constructor', { labels: { constructor: 'x' } }, 'labels.constructor', /reserved key/],
    ['label key prototype', { labels: { prototype: 'x' } }, 'labels.prototype', /reserved key/],
    ['a __proto__ field', JSON.parse('{"__proto__": {"cpu": 64}}'), '__proto__', /reserved key/],
    ['cpu 5e-324', { cpu: 5e-324 }, 'cpu', /whole number of millicores/],
    ['cpu below one millicore', { cpu: 0.0005 }, 'cpu', /whole number of millicores/],
    ['cpu between millicores', { cpu: 0.0015 }, 'cpu', /whole number of millicores/],
    ['cpu of half a millicore', { cpu: '0.5m' }, 'cpu', /whole number of millicores/],
    ['cpu NaN', { cpu: Number.NaN }, 'cpu', /vCPUs/],
    ['cpu Infinity', { cpu: Number.POSITIVE_INFINITY }, 'cpu', /got Infinity$/],
    ['a missing cpu', { cpu: undefined }, 'cpu', /^is required$/],
    ['a disk without size', { disk: { type: 'ssd' } }, 'disk.size', /^is required$/],
  ])('%s', (_title, patch, field, message) => {
    const issue = refusal({ ...base, ...patch });
    expect(issue.field).toBe(field);
    expect(issue.message).toMatch(message);
  });

  it('takes whole millicores and rounds away binary noise', () => {
    expect(parseVMSpec({ ...base, cpu: 0.001 }).cpu).toBe(0.001);
    expect(parseVMSpec({ ...base, cpu: '1m' }).cpu).toBe(0.001);
    expect(parseVMSpec({ ...base, cpu: 0.1 + 0.2 }).cpu).toBe(0.3);
    expect(parseVMSpec({ ...base, cpu: '1500m' }).cpu).toBe(1.5);
  });

  it(`refuses nesting deeper than ${MAX_INPUT_DEPTH} levels by its path, even 100,000 deep`, () => {
    for (const depth of [40, 100_000]) {
      const issue = refusal({ ...base, labels: nested(depth) });
      expect(issue.message).toBe(`is nested more than ${MAX_INPUT_DEPTH} levels deep`);
      expect(issue.field).toBe(`labels${'.a'.repeat(MAX_INPUT_DEPTH - 1)}`);
    }
  });

  it('refuses cyclic objects and lists by the path of the cycle', () => {
    const spec: Record<string, unknown> = { ...base, network: { subnet: 's' } };
    (spec.network as Record<string, unknown>).owner = spec;
    expect(refusal(spec)).toEqual({ field: 'network.owner', message: 'refers back to an object that contains it (a cyclic object)' });
    const groups: unknown[] = ['sg-1'];
    groups.push(groups);
    expect(refusal({ ...base, network: { securityGroups: groups } }).field).toBe('network.securityGroups[1]');
  });

  it('copies a normalized spec with missing or malformed parts without a TypeError', () => {
    const normalized = { name: 'app-1', cpu: 2, memoryGiB: 4, disk: { sizeGiB: 10 } } as unknown as VMSpec;
    expect(parseVMSpec(normalized)).toMatchObject({ memoryGiB: 4, disk: { sizeGiB: 10 }, network: { publicIp: false } });
    expect(refusal({ ...normalized, network: 'x' }).field).toBe('network');
    expect(refusal({ ...base, memoryGiB: 4, disk: null }).field).toBe('disk');
  });

  it('still accepts an object without a prototype', () => {
    expect(parseVMSpec(Object.assign(Object.create(null) as object, base) as VMSpecInput).name).toBe('app-1');
  });
});

describe('findStructuralIssue', () => {
  it(`accepts ${MAX_INPUT_DEPTH} levels of objects and refuses ${MAX_INPUT_DEPTH + 1}`, () => {
    // nested(n) holds n objects, the outermost at depth 0.
    expect(findStructuralIssue(nested(MAX_INPUT_DEPTH))).toBeUndefined();
    expect(findStructuralIssue(nested(MAX_INPUT_DEPTH + 1))?.message).toMatch(/nested more than/);
  });

  it('walks shared sub-objects once per depth: 2^24 paths through 24 levels take no time', () => {
    let node: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 24; i++) node = { left: node, right: node };
    const started = performance.now();
    expect(findStructuralIssue(node)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('does not take a shared object for a cycle', () => {
    const shared = { a: 1 };
    expect(findStructuralIssue({ x: shared, y: [shared, shared] })).toBeUndefined();
  });
});
