/** Token pagination: every item exactly once in order, and tokens good only for their own query. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPageSize, paginate, PaginationError } from '../../../../src/testing/emulators/kit/token-pagination.js';

function walk<T>(items: readonly T[], query: string, pageSize: number | undefined): { seen: T[]; pages: number } {
  const seen: T[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = paginate(items, { token, pageSize, query });
    seen.push(...page.items);
    token = page.nextToken;
    pages++;
  } while (token !== undefined);
  return { seen, pages };
}

describe('paginate', () => {
  it('serves every item exactly once, in order, in ceil(n / size) pages', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 200 }), fc.integer({ min: 1, max: 50 }), fc.string(), (items, size, query) => {
        const { seen, pages } = walk(items, query, size);
        expect(seen).toEqual(items);
        expect(pages).toBe(Math.max(1, Math.ceil(items.length / size)));
      }),
    );
  });

  it('serves everything at once without a page size', () => {
    expect(walk([1, 2, 3], 'q', undefined)).toEqual({ seen: [1, 2, 3], pages: 1 });
  });

  it('refuses a token from another query, a made-up one and a tampered one', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const { nextToken } = paginate(items, { pageSize: 3, query: 'state=running' });
    expect(nextToken).toBeDefined();
    expect(paginate(items, { token: nextToken, pageSize: 3, query: 'state=running' }).items).toEqual([3, 4, 5]);
    const refuse = (token: string, query = 'state=running') => {
      try {
        paginate(items, { token, pageSize: 3, query });
      } catch (e) {
        return e instanceof PaginationError ? e.reason : 'other';
      }
      return 'accepted';
    };
    expect(refuse(nextToken!, 'state=stopped')).toBe('token');
    expect(refuse('bm9uc2Vuc2U')).toBe('token');
    expect(refuse(Buffer.from(`${Buffer.from(nextToken!, 'base64url').toString().split(':')[0]}:x`).toString('base64url'))).toBe('token');
  });

  it('checks page sizes against the listing’s limits', () => {
    expect(checkPageSize(undefined, { min: 5, max: 1000 })).toBeUndefined();
    expect(checkPageSize(undefined, { min: 5, max: 1000, default: 100 })).toBe(100);
    expect(checkPageSize(5, { min: 5, max: 1000 })).toBe(5);
    expect(() => checkPageSize(4, { min: 5, max: 1000 })).toThrow(PaginationError);
    expect(() => checkPageSize(1001, { min: 5, max: 1000 })).toThrow(/out of range/);
    expect(() => checkPageSize(2.5, { min: 1, max: 10 })).toThrow(PaginationError);
  });
});
