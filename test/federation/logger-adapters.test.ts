/** Logger adapters as Node users expect them: pino's `(fields, message)` order and a `DEBUG=novacron:*` switch. */
import { describe, expect, it } from 'vitest';
import { debugLogger, pinoLogger } from '../../src/index.js';
import { debugEnabled } from '../../src/federation/logger.js';

describe('pinoLogger', () => {
  it('passes fields first and the message second', () => {
    const calls: unknown[][] = [];
    const pino = { debug: (...a: unknown[]) => void calls.push(['debug', ...a]), info: (...a: unknown[]) => void calls.push(['info', ...a]), warn: (...a: unknown[]) => void calls.push(['warn', ...a]), error: (...a: unknown[]) => void calls.push(['error', ...a]) };
    const log = pinoLogger(pino);
    log.info('created', { vmId: 'vm-1' });
    log.warn('no fields');
    expect(calls).toEqual([
      ['info', { vmId: 'vm-1' }, 'created'],
      ['warn', {}, 'no fields'],
    ]);
  });
});

describe('debugLogger', () => {
  it.each([
    ['novacron:*', true],
    ['novacron:federation', true],
    ['*', true],
    ['novacron:*,-novacron:federation', false],
    ['express:*', false],
    ['', false],
    [undefined, false],
  ] as const)('DEBUG=%s turns novacron:federation %s', (value, on) => {
    expect(debugEnabled(value, 'novacron:federation')).toBe(on);
  });

  it('writes one line per call when on, nothing when off', () => {
    const lines: string[] = [];
    debugLogger({ debug: 'novacron:*', write: (l) => void lines.push(l) }).warn('failing over', { provider: 'aws' });
    debugLogger({ debug: 'other', write: (l) => void lines.push(l) }).warn('silent');
    expect(lines).toEqual(['novacron:federation warn failing over {"provider":"aws"}']);
  });
});
