/**
 * AWS errors → the novacron taxonomy: each code through the real SDK from the emulator, with
 * the AWS code and request id kept in `cause` and no secret anywhere in the error.
 */
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  CapacityError,
  ConflictError,
  type ErrorCause,
  InvalidSpecError,
  NotFoundError,
  NovacronError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
} from '../../../src/provider/errors.js';
import { EventBus } from '../../../src/provider/events.js';
import { specFieldOf, toNovacronError } from '../../../src/providers/aws/error-mapping.js';
import type { FaultKind } from '../../../src/testing/emulators/kit/fault-plan.js';
import { collect, rejectionOf } from '../../helpers.js';
import { startEmulatedAws, type EmulatedAws } from './emulated-aws.js';

const CASES: [code: string, kind: FaultKind, guard: (e: unknown) => boolean, status?: number][] = [
  ['InsufficientInstanceCapacity', 'capacity', CapacityError.isInstance, 500],
  ['Unsupported', 'capacity', CapacityError.isInstance],
  ['InstanceLimitExceeded', 'quota', QuotaError.isInstance],
  ['VcpuLimitExceeded', 'quota', QuotaError.isInstance],
  ['MaxSpotInstanceCountExceeded', 'quota', QuotaError.isInstance],
  ['RequestLimitExceeded', 'throttled', ThrottledError.isInstance, 503],
  ['AuthFailure', 'auth', AuthError.isInstance, 401],
  ['UnauthorizedOperation', 'auth', AuthError.isInstance, 403],
  ['RequestExpired', 'auth', AuthError.isInstance],
  ['InvalidParameterValue', 'invalid', InvalidSpecError.isInstance],
  ['InvalidParameterCombination', 'invalid', InvalidSpecError.isInstance],
  ['InvalidAMIID.NotFound', 'invalid', InvalidSpecError.isInstance],
  ['InvalidSubnetID.NotFound', 'invalid', InvalidSpecError.isInstance],
  ['IdempotentParameterMismatch', 'conflict', ConflictError.isInstance],
  ['InternalError', 'internal', ProviderUnavailableError.isInstance, 500],
];

describe('AWS error mapping through the SDK', () => {
  let env: EmulatedAws;
  beforeAll(async () => {
    env = await startEmulatedAws({ provider: { maxAttempts: 2 } });
    // Warm the catalog so the injected failure hits RunInstances.
    await env.aws.estimateCost({ name: 'warm', cpu: 1, memory: 1 });
    await env.aws.createVM({ name: 'warm', cpu: 1, memory: 1 }, { wait: false });
  });
  afterAll(() => env.close());

  for (const [code, kind, guard, status] of CASES) {
    it(`${code} → ${status ?? 400}`, async () => {
      const before = env.emu.instances().length;
      // Two failures: one per SDK attempt, so retryable ones surface too.
      env.emu.faults.failNext('RunInstances', { kind, code, message: `injected ${code}`, status }, { times: 2 });
      const error = await rejectionOf(env.aws.createVM({ name: 'failing', cpu: 1, memory: 1 }, { wait: false }));
      env.emu.faults.reset();
      expect(guard(error), String(error)).toBe(true);
      const cause = (error as NovacronError).cause as ErrorCause;
      expect(cause.code).toBe(code);
      expect(cause.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect((error as NovacronError).provider).toBe(env.aws.name);
      expect(env.emu.instances().length).toBe(before);
    });
  }

  it('surfaces throttling as ThrottledError once the SDK retries are spent', async () => {
    env.emu.faults.throttle(1, { operations: ['DescribeInstances'] });
    env.emu.stats.reset();
    const error = await rejectionOf(collect(env.aws.listVMs()));
    env.emu.faults.reset();
    expect(ThrottledError.isInstance(error)).toBe(true);
    expect((error as ThrottledError).retryable).toBe(true);
    expect(env.emu.stats.count('DescribeInstances')).toBe(2); // maxAttempts: 2
  });

  it('does not retry capacity errors inside the SDK: failover should move on at once', async () => {
    env.emu.faults.failNext('RunInstances', { kind: 'capacity', code: 'InsufficientInstanceCapacity', message: 'We currently do not have sufficient t3.micro capacity in the Availability Zone you requested (us-east-1a).' });
    env.emu.stats.reset();
    const error = await rejectionOf(env.aws.createVM({ name: 'ice', cpu: 1, memory: 1, zone: 'us-east-1a' }, { wait: false }));
    expect(CapacityError.isInstance(error), String(error)).toBe(true);
    expect((error as CapacityError).zone).toBe('us-east-1a');
    expect((error as CapacityError).instanceType).toBe('t3.micro');
    expect(env.emu.stats.count('RunInstances')).toBe(1);
  });

  it('maps a wrong secret key (SignatureDoesNotMatch) to AuthError, on EC2 and on the Price List API', async () => {
    const wrongSecret = env.provider({ credentials: { accessKeyId: env.emu.providerOptions.credentials.accessKeyId, secretAccessKey: 'not-the-secret' } });
    const ec2 = await rejectionOf(wrongSecret.createVM({ name: 'nope', cpu: 1, memory: 1 }));
    expect(AuthError.isInstance(ec2)).toBe(true);
    expect(((ec2 as NovacronError).cause as ErrorCause).code).toBe('SignatureDoesNotMatch');
    // A ready Price List client with a wrong secret, injected beside good EC2 credentials: its
    // answer maps to AuthError, and the adapter goes on with snapshot prices, saying so once.
    const badPricing = new PricingClient({ endpoint: env.emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: env.emu.providerOptions.credentials.accessKeyId, secretAccessKey: 'not-the-secret' }, maxAttempts: 1 });
    const raw = await rejectionOf(badPricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2' })));
    const pricing = toNovacronError(raw, { provider: 'p', operation: 'offers' });
    expect(AuthError.isInstance(pricing), String(pricing)).toBe(true);
    expect(((pricing as NovacronError).cause as ErrorCause).code).toBe('InvalidSignatureException');
    const events = new EventBus();
    const degraded: string[] = [];
    events.on('provider.degraded', (e) => void degraded.push(e.message));
    const offers = await collect(env.provider({ pricingClient: badPricing, events }).offers('eu-west-1'));
    expect(offers.every((o) => o.source.startsWith('bundled-snapshot:aws'))).toBe(true);
    expect(degraded).toHaveLength(1);
    expect(degraded[0]).toMatch(/InvalidSignatureException/);
    badPricing.destroy();
  });

  it('maps expired credentials to AuthError on EC2 (RequestExpired) and on the Price List API (ExpiredTokenException)', async () => {
    const fresh = env.provider();
    env.emu.faults.expireCredentials();
    try {
      const ec2 = await rejectionOf(fresh.getVM('i-00000000000000000'));
      expect(AuthError.isInstance(ec2)).toBe(true);
      expect(((ec2 as NovacronError).cause as ErrorCause).code).toBe('RequestExpired');
      // The Price List's own answer, through the real SDK, mapped as the adapter maps it.
      const pricing = new PricingClient({ endpoint: env.emu.endpoint, region: 'us-east-1', credentials: env.emu.providerOptions.credentials, maxAttempts: 1 });
      const raw = await rejectionOf(pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2' })));
      pricing.destroy();
      const mapped = toNovacronError(raw, { provider: 'p', operation: 'offers' });
      expect(AuthError.isInstance(mapped)).toBe(true);
      expect(((mapped as NovacronError).cause as ErrorCause).code).toBe('ExpiredTokenException');
    } finally {
      env.emu.faults.restoreCredentials();
    }
  });

  it('keeps secrets out of errors made from wrong credentials', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const wrong = env.provider({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: secret, sessionToken: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN' } });
    const error = await rejectionOf(wrong.createVM({ name: 'nope', cpu: 1, memory: 1 }));
    expect(AuthError.isInstance(error)).toBe(true);
    const text = JSON.stringify((error as NovacronError).toJSON()) + String((error as Error).stack) + String((error as Error).cause);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('FwoGZXIvYXdzEXAMPLESESSIONTOKEN');
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});

describe('AWS error mapping (pure)', () => {
  it('maps any error code to some novacron error, never throwing', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.option(fc.integer({ min: 100, max: 599 })), (name, message, status) => {
        const error = Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status ?? undefined } });
        const mapped = toNovacronError(error, { provider: 'p', operation: 'op' });
        expect(NovacronError.isInstance(mapped)).toBe(true);
      }),
    );
  });

  it('names the spec field an EC2 parameter error is about', () => {
    expect(specFieldOf('InvalidAMIID.Malformed', '')).toBe('image');
    expect(specFieldOf('InvalidBlockDeviceMapping', '')).toBe('disk');
    expect(specFieldOf('InvalidParameterValue', 'Invalid BASE64 encoding of user data.')).toBe('userData');
    expect(specFieldOf('InvalidParameterValue', "Value (x) for parameter iamInstanceProfile.name is invalid")).toBe('iamRole');
    expect(specFieldOf('InvalidParameterValue', 'something else')).toBe('(aws)');
  });

  it('maps not-found ids and lost connections', () => {
    expect(NotFoundError.isInstance(toNovacronError(Object.assign(new Error('x'), { name: 'InvalidInstanceID.NotFound' }), { provider: 'p', operation: 'getVM' }))).toBe(true);
    expect(ProviderUnavailableError.isInstance(toNovacronError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), { provider: 'p', operation: 'getVM' }))).toBe(true);
  });
});
