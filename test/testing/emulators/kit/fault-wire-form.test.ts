/** A cloud's fault words: defaults per kind, a test's explicit fields winning, statuses per code. */
import { describe, expect, it } from 'vitest';
import { EmulatorRequest } from '../../../../src/testing/emulators/kit/emulator-request.js';
import { defineFaultWireForm, genericFaultWording, retryAfterHeader, type SpokenFault } from '../../../../src/testing/emulators/kit/fault-wire-form.js';

const request = new EmulatorRequest('req-1', 'GET', '/x', {}, '', new AbortController().signal, 'http://127.0.0.1:1');

function spoken() {
  const said: SpokenFault[] = [];
  const wire = defineFaultWireForm({
    codes: (kind, operation) => (kind === 'conflict' ? undefined : `${operation}.${kind}`),
    statusOfCode: (code) => (code === 'Fatal' ? 500 : code.endsWith('.throttled') ? 503 : undefined),
    render: (fault) => {
      said.push(fault);
      return { status: fault.status, errorCode: fault.code, headers: retryAfterHeader(fault.retryAfterMs) };
    },
  });
  return { said, wire };
}

describe('defineFaultWireForm', () => {
  it('uses the cloud’s code and its status for a bare kind, and plain HTTP words where the cloud gives none', () => {
    const { said, wire } = spoken();
    const response = wire({ kind: 'throttled', retryAfterMs: 1500 }, { operation: 'List', request });
    expect(said[0]).toEqual({ kind: 'throttled', code: 'List.throttled', status: 503, message: genericFaultWording('throttled').message, retryAfterMs: 1500 });
    expect(response.headers).toEqual({ 'retry-after': '2' });
    wire({ kind: 'not-found' }, { operation: 'Get', request });
    expect(said[1]).toMatchObject({ code: 'Get.not-found', status: 404 }); // the cloud's code, the generic status
    wire({ kind: 'conflict' }, { operation: 'Put', request });
    expect(said[2]).toMatchObject({ code: 'Conflict', status: 409 });
  });

  it('lets explicit code, message and status win, and gives a bare code the status the cloud uses for it', () => {
    const { said, wire } = spoken();
    wire({ kind: 'internal', code: 'Custom', message: 'm', status: 418 }, { operation: 'Op', request });
    wire({ kind: 'invalid', code: 'Fatal' }, { operation: 'Op', request });
    wire({ kind: 'invalid', code: 'Unknown' }, { operation: 'Op', request });
    expect(said.map((f) => [f.code, f.status, f.message])).toEqual([
      ['Custom', 418, 'm'],
      ['Fatal', 500, genericFaultWording('invalid').message],
      ['Unknown', 400, genericFaultWording('invalid').message],
    ]);
  });

  it('writes Retry-After in whole seconds, rounded up, and none without a hint', () => {
    expect(retryAfterHeader(undefined)).toEqual({});
    expect(retryAfterHeader(0)).toEqual({ 'retry-after': '0' });
    expect(retryAfterHeader(1)).toEqual({ 'retry-after': '1' });
  });
});
