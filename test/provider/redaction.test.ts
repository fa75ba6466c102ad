import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  CapacityError,
  ConflictError,
  createEventBus,
  createMemoryProvider,
  InvalidSpecError,
  NotFoundError,
  type NovacronError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
  TimeoutError,
  UnsupportedError,
  type NovacronEventName,
} from '../../src/index.js';
import { redact, redactString, REDACTED, withRetry } from '../../src/provider-utils/index.js';
import { AllCandidatesFailedError, GroupIncompleteError, PlacementRefusedError } from '../../src/federation/index.js';

// Secret-looking values of every kind the SDK handles. None of them is a real credential.
const SECRETS = {
  awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  bearer: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJub3ZhY3JvbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ',
  pgPassword: 's3cr3t-pg-pass',
  psk: 'R0v1nG-PreShared-Key-1234567890abcdef',
  privateKeyPem: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
};

const secretTexts = [
  `request signed with ${SECRETS.awsAccessKeyId}`,
  `Authorization: Bearer ${SECRETS.bearer}`,
  `connecting to postgres://app:${SECRETS.pgPassword}@db.internal:5432/prod`,
  `config dump: aws_secret_access_key=${SECRETS.awsSecret} region=us-east-1`,
  `tunnel psk: ${SECRETS.psk}`,
  `key material ${SECRETS.privateKeyPem}`,
  `{"password":"${SECRETS.pgPassword}"}`,
];

function assertClean(text: string): void {
  expect(text).not.toContain(SECRETS.awsAccessKeyId);
  expect(text).not.toContain(SECRETS.awsSecret);
  expect(text).not.toContain(SECRETS.bearer);
  expect(text).not.toContain(SECRETS.pgPassword);
  expect(text).not.toContain(SECRETS.psk);
  expect(text).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
}

function everyErrorWith(message: string, cause: unknown): NovacronError[] {
  const base = { message, provider: 'p', cause };
  return [
    new CapacityError(base),
    new QuotaError(base),
    new ThrottledError(base),
    new AuthError(base),
    new NotFoundError(base),
    new ConflictError(base),
    new InvalidSpecError({ provider: 'p', cause, issues: [{ field: 'userData', message }] }),
    new UnsupportedError(base),
    new ProviderUnavailableError(base),
    new TimeoutError(base),
    new PlacementRefusedError({ message, rejected: [{ provider: 'p', region: 'r', reason: message }], explanation: message }),
    new AllCandidatesFailedError({ message, attempts: [{ provider: 'p', region: 'r', zone: undefined, instanceType: 't', spot: false, code: 'AUTH', message }] }),
    new GroupIncompleteError({ message, created: [], failures: [{ replica: 0, code: 'AUTH', message }] }),
  ];
}

describe('redaction', () => {
  it.each(secretTexts)('removes the secret from %s', (text) => {
    const out = redactString(text);
    assertClean(out);
    expect(out).toContain(REDACTED);
  });

  it('leaves ordinary text alone', () => {
    const text = 'created vm-0123 (m5.large) in us-east-1a for $0.096/h; idempotencyKey=req-42';
    expect(redactString(text)).toBe(text);
  });

  it('replaces values under secret-sounding keys, deeply, and keeps the rest', () => {
    const out = redact({
      region: 'us-east-1',
      accessKeyId: 'AKIDSAFEIDENTIFIER',
      credentials: { secretAccessKey: SECRETS.awsSecret, sessionToken: 'tok' },
      nested: [{ password: SECRETS.pgPassword, name: 'db' }],
      wireguard: { privateKey: 'x'.repeat(44), publicKey: 'pub' },
    });
    expect(out.region).toBe('us-east-1');
    expect(out.accessKeyId).toBe('AKIDSAFEIDENTIFIER');
    expect(out.credentials).toBe(REDACTED);
    expect(out.nested[0]).toEqual({ password: REDACTED, name: 'db' });
    expect(out.wireguard).toEqual({ privateKey: REDACTED, publicKey: 'pub' });
    assertClean(JSON.stringify(out));
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { token: 'abc' };
    a.self = a;
    const out = redact(a) as Record<string, unknown>;
    expect(out.token).toBe(REDACTED);
    expect(out.self).toBe(out);
  });

  it('keeps secrets out of every error class: message, JSON, inspect, cause and issues', () => {
    for (const text of secretTexts) {
      const cause = Object.assign(new Error(text), { code: 'X', config: { password: SECRETS.pgPassword } });
      for (const error of everyErrorWith(text, cause)) {
        assertClean(error.message);
        assertClean(JSON.stringify(error));
        assertClean(inspect(error, { depth: 10 }));
        assertClean(String(error.stack));
        assertClean(inspect(error.cause, { depth: 10 }));
        if (InvalidSpecError.isInstance(error)) assertClean(JSON.stringify(error.issues));
      }
    }
  });

  it('keeps secrets out of the federation’s events, errors and logs on a real failover', async () => {
    const { FederationManager } = await import('../../src/federation/index.js');
    const bus = createEventBus();
    const seen: unknown[] = [];
    bus.on('failover.attempt-failed', (e) => seen.push(e));
    bus.on('operation.failed', (e) => seen.push(e));
    const logs: unknown[] = [];
    const logger = { debug: (m: string, f?: object) => logs.push([m, f]), info: (m: string, f?: object) => logs.push([m, f]), warn: (m: string, f?: object) => logs.push([m, f]), error: (m: string, f?: object) => logs.push([m, f]) };
    const a = createMemoryProvider({ name: 'a' });
    const b = createMemoryProvider({ name: 'b' });
    const manager = new FederationManager({ providers: [a, b], events: bus, logger });
    await manager.ready();
    for (const text of secretTexts) {
      a.controls.faults.failNext('createVM', new AuthError({ provider: 'a', message: text }));
      b.controls.faults.failNext('createVM', new AuthError({ provider: 'b', message: text, cause: new Error(text) }));
    }
    const error = await manager.createVM({ name: 'x', cpu: 1, memory: 1 }).catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/every candidate/);
    assertClean(JSON.stringify(seen));
    assertClean(JSON.stringify(logs));
    assertClean(inspect(error, { depth: 10 }));
    expect(seen.length).toBeGreaterThan(0);
  });

  it('keeps secrets out of every event', async () => {
    const bus = createEventBus();
    const seen: unknown[] = [];
    const names: NovacronEventName[] = [
      'vm.created',
      'vm.deleted',
      'vm.state-changed',
      'operation.retried',
      'operation.failed',
      'placement.decided',
      'failover.attempt-failed',
      'inventory.changed',
    ];
    for (const name of names) bus.on(name, (e: unknown) => seen.push(e));

    // Real paths: a memory provider whose VM carries secrets in user data, and a retried operation.
    const provider = createMemoryProvider({ events: bus, provisioningDelayMs: 1 });
    const vm = await provider.createVM({ name: 'web', cpu: 1, memory: 1, userData: secretTexts.join('\n'), labels: { env: 'prod' } });
    await provider.stopVM(vm.id);
    await provider.deleteVM(vm.id);
    let attempt = 0;
    await withRetry(
      async () => {
        if (++attempt < 2) throw new ThrottledError({ message: secretTexts[0]!, provider: 'p', retryAfterMs: 1 });
        return 'ok';
      },
      { operation: 'createVM', events: bus, baseDelayMs: 1 },
    );
    // Direct publication of every event shape with secrets in every string field.
    for (const text of secretTexts) {
      bus.publish('operation.failed', { provider: 'p', operation: text, errorCode: 'AUTH', message: text });
      bus.publish('vm.state-changed', { provider: 'p', vmId: 'vm-1', from: 'running', to: 'stopped', reason: text });
      bus.publish('vm.deleted', { provider: 'p', vmId: text });
      bus.publish('vm.created', { provider: 'p', vm: { ...vm, labels: { note: text }, stateReason: text }, reused: false });
      bus.publish('operation.retried', { provider: 'p', operation: 'x', attempt: 1, delayMs: 1, errorCode: 'THROTTLED', message: text });
      bus.publish('placement.decided', { vmName: text, provider: 'p', region: 'r', instanceType: 't', spot: false, hourlyPrice: 1, score: 1, candidates: 1 });
      bus.publish('failover.attempt-failed', { vmName: 'v', provider: 'p', region: 'r', zone: undefined, instanceType: 't', errorCode: 'AUTH', message: text, blocked: 'provider' });
      bus.publish('inventory.changed', { provider: 'p', vmId: text, change: 'lost' });
    }
    expect(new Set(seen.map((e) => Object.keys(e as object).join()))).toHaveProperty('size', 8);
    assertClean(JSON.stringify(seen));
  });
});
