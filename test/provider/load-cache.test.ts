import { describe, expect, it } from 'vitest';
import { LoadCache } from '../../src/provider/load-cache.js';

describe('LoadCache', () => {
  it('shares one load per key, keeps it for the TTL, and forgets a failed load at once', async () => {
    let now = 0;
    const cache = new LoadCache(1_000, () => now);
    let loads = 0;
    const load = async () => ++loads;
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    now = 999;
    expect(await cache.get('k', load)).toBe(1);
    expect(await cache.peek('k')).toBe(1);
    now = 1_000;
    expect(await cache.peek('k')).toBeUndefined();
    expect(await cache.get('k', load)).toBe(2);
    expect(await cache.get('short', load, 10)).toBe(3);
    now = 1_010;
    expect(await cache.get('short', load)).toBe(4);

    const failing = cache.get('bad', () => Promise.reject(new Error('down')));
    expect(await cache.peek('bad')).toBeUndefined();
    await expect(failing).rejects.toThrow('down');
    expect(await cache.get('bad', async () => 'up')).toBe('up');
  });
});
