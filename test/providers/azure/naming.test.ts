/** Deterministic names: the key alone decides them, the same in every process, short enough for Windows. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computerNameOf, exportSnapshotName, namesOfVm, oneOffKey, resourceNamesFor } from '../../../src/providers/azure/naming.js';

describe('resource names from idempotency keys', () => {
  it('are a pure function of the key, 15 characters, and valid Azure names', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), (key) => {
        const a = resourceNamesFor(key);
        expect(resourceNamesFor(key)).toEqual(a);
        expect(a.vm).toMatch(/^nc-[0-9a-f]{12}$/);
        expect(a).toEqual(namesOfVm(a.vm));
        expect(a.nic).toBe(`${a.vm}-nic`);
        expect(a.publicIp).toBe(`${a.vm}-ip`);
        expect(a.osDisk).toBe(`${a.vm}-osdisk`);
      }),
    );
  });

  it('differ between keys', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b);
        expect(resourceNamesFor(a).vm).not.toBe(resourceNamesFor(b).vm);
      }),
    );
  });

  it('keeps the rule: a changed rule would orphan every create in flight', () => {
    expect(resourceNamesFor('web-1').vm).toBe('nc-bad1237b1797');
  });

  it('gives a create without a key a name of its own every time', () => {
    expect(resourceNamesFor(oneOffKey()).vm).not.toBe(resourceNamesFor(oneOffKey()).vm);
  });

  it('cuts Windows computer names to 15 characters without a trailing dash, and keeps Linux ones', () => {
    expect(computerNameOf('a-very-long-windows-name', 'windows')).toBe('a-very-long-win');
    expect(computerNameOf('abcdefghijklmn-x', 'windows')).toBe('abcdefghijklmn');
    expect(computerNameOf('a-very-long-linux-name', 'linux')).toBe('a-very-long-linux-name');
  });

  it('names export snapshots after the VM and the time', () => {
    expect(exportSnapshotName('nc-0123456789ab', new Date('2026-12-01T10:15:30.123Z'))).toBe('nc-0123456789ab-export-20261201T101530');
  });
});
