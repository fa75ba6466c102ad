/**
 * Azure errors → the novacron taxonomy, from the error shapes the SDK really throws: a
 * `RestError` with the ARM code, status and response headers; a failed long-running operation's
 * plain Error; an abort of the pipeline's own timeout; a credential that gives no token. Each
 * keeps the ARM code and `x-ms-request-id` in `cause`. (The same codes through the whole SDK
 * path, from the ARM emulator, are in azure-provider's faults test.)
 */
import { createHttpHeaders, RestError } from '@azure/core-rest-pipeline';
import { AbortError as SdkAbortError } from '@azure/abort-controller';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  CapacityError,
  ConflictError,
  type ErrorCause,
  InvalidSpecError,
  NotFoundError,
  type NovacronError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
  TimeoutError,
} from '../../../src/provider/errors.js';
import { azureErrorCode, specFieldOf, toNovacronError } from '../../../src/providers/azure/error-mapping.js';

const ctx = { provider: 'azure-west', operation: 'createVM', region: 'westus2', zone: '2', instanceType: 'Standard_D2s_v5', mutating: true } as const;

/** A RestError as @azure-rest/core-client makes it from an ARM error answer. */
function restError(status: number, code: string, message: string, headers: Record<string, string> = {}, target?: string): RestError {
  const error = new RestError(message, {
    statusCode: status,
    code,
    response: { status, headers: createHttpHeaders({ 'x-ms-request-id': 'req-123', ...headers }), request: undefined as never },
  });
  (error as RestError & { details: unknown }).details = { error: { code, message, target } };
  return error;
}

const CASES: [code: string, status: number, guard: (e: unknown) => boolean][] = [
  ['SkuNotAvailable', 409, CapacityError.isInstance],
  ['AllocationFailed', 200, CapacityError.isInstance],
  ['ZonalAllocationFailed', 200, CapacityError.isInstance],
  ['OverconstrainedAllocationRequest', 409, CapacityError.isInstance],
  ['OperationNotAllowed', 409, QuotaError.isInstance],
  ['QuotaExceeded', 409, QuotaError.isInstance],
  ['TooManyRequests', 429, ThrottledError.isInstance],
  ['RetryableError', 409, ThrottledError.isInstance],
  ['AuthorizationFailed', 403, AuthError.isInstance],
  ['InvalidAuthenticationToken', 401, AuthError.isInstance],
  ['ExpiredAuthenticationToken', 401, AuthError.isInstance],
  ['ResourceNotFound', 404, NotFoundError.isInstance],
  ['NotFound', 404, NotFoundError.isInstance],
  ['InvalidParameter', 400, InvalidSpecError.isInstance],
  ['InvalidTemplate', 400, InvalidSpecError.isInstance],
  ['Conflict', 409, ConflictError.isInstance],
  ['InternalServerError', 500, ProviderUnavailableError.isInstance],
];

describe('Azure error mapping', () => {
  it.each(CASES)('%s (HTTP %i) keeps the ARM code and request id in cause', (code, status, guard) => {
    const mapped = toNovacronError(restError(status === 200 ? 409 : status, code, `${code} happened`), ctx);
    expect(guard(mapped), String(mapped)).toBe(true);
    const cause = (mapped as NovacronError).cause as ErrorCause;
    expect(cause.code).toBe(code);
    expect(cause.requestId).toBe('req-123');
    expect((mapped as Error).message).toMatch(/x-ms-request-id req-123/);
  });

  it('reads a failed long-running operation\'s code out of core-lro\'s message', () => {
    const lro = new Error("The long-running operation has failed. ZonalAllocationFailed. Allocation failed. We do not have sufficient capacity for the requested VM size in zone '3'.");
    expect(azureErrorCode(lro)).toBe('ZonalAllocationFailed');
    const mapped = toNovacronError(lro, ctx, { requestId: 'poll-9' });
    expect(CapacityError.isInstance(mapped)).toBe(true);
    expect(mapped).toMatchObject({ region: 'westus2', zone: '3', instanceType: 'Standard_D2s_v5' });
    expect(((mapped as NovacronError).cause as ErrorCause).requestId).toBe('poll-9');
  });

  it('honours Retry-After in seconds and in milliseconds', () => {
    expect((toNovacronError(restError(429, 'TooManyRequests', 'slow down', { 'retry-after': '7' }), ctx) as ThrottledError).retryAfterMs).toBe(7000);
    expect((toNovacronError(restError(429, 'TooManyRequests', 'slow down', { 'x-ms-retry-after-ms': '250' }), ctx) as ThrottledError).retryAfterMs).toBe(250);
    expect((toNovacronError(restError(429, 'TooManyRequests', 'slow down'), ctx, { retryAfterMs: 40 }) as ThrottledError).retryAfterMs).toBe(40);
  });

  it('reads the compute RP\'s throttling (OperationNotAllowed with HTTP 429) as throttling, not quota', () => {
    const throttled = toNovacronError(restError(429, 'OperationNotAllowed', 'The server rejected the request because too many requests have been received for this subscription.', { 'retry-after': '2' }), ctx);
    expect(ThrottledError.isInstance(throttled)).toBe(true);
    expect((throttled as ThrottledError).retryAfterMs).toBe(2000);
  });

  it('reads the compute RP\'s throttling (OperationNotAllowed with HTTP 429) as throttling, not quota', () => {
    const throttled = toNovacronError(restError(429, 'OperationNotAllowed', 'The server rejected the request because too many requests have been received for this subscription.', { 'retry-after': '2' }), ctx);
    expect(ThrottledError.isInstance(throttled)).toBe(true);
    expect((throttled as ThrottledError).retryAfterMs).toBe(2000);
  });

  it('tells an OperationNotAllowed about the VM\'s state (a conflict) from a quota one', () => {
    expect(QuotaError.isInstance(toNovacronError(restError(409, 'OperationNotAllowed', 'Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota.'), ctx))).toBe(true);
    expect((toNovacronError(restError(409, 'OperationNotAllowed', 'Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota.'), ctx) as QuotaError).quotaName).toBe('standardDSv5Family Cores');
    expect(ConflictError.isInstance(toNovacronError(restError(409, 'OperationNotAllowed', "Operation 'start' is not allowed since the VM is being deallocated."), ctx))).toBe(true);
  });

  it('names the spec field from ARM\'s target, or from the message', () => {
    expect((toNovacronError(restError(400, 'InvalidParameter', 'bad size', {}, 'hardwareProfile.vmSize'), ctx) as InvalidSpecError).field).toBe('instanceType');
    expect((toNovacronError(restError(400, 'InvalidParameter', 'bad', {}, 'osProfile.customData'), ctx) as InvalidSpecError).field).toBe('userData');
    expect((toNovacronError(restError(404, 'PlatformImageNotFound', 'The platform image is not available'), ctx) as InvalidSpecError).field).toBe('image');
    expect(specFieldOf('InvalidParameter', 'storageProfile.osDisk.managedDisk.storageAccountType', '')).toBe('disk.type');
    expect(specFieldOf('InvalidParameter', 'zones', '')).toBe('zone');
    expect(specFieldOf('InvalidResourceReference', undefined, 'Resource /subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/x referenced by resource nic was not found')).toBe('network.subnet');
    expect(specFieldOf('LocationNotAvailableForResourceType', undefined, '')).toBe('region');
  });

  it('maps a timed-out mutating call to TimeoutError and a timed-out read to ProviderUnavailableError', () => {
    const timedOut = new SdkAbortError('The operation was aborted. Rejecting from abort signal callback while making request.');
    expect(TimeoutError.isInstance(toNovacronError(timedOut, ctx))).toBe(true);
    expect(ProviderUnavailableError.isInstance(toNovacronError(timedOut, { ...ctx, mutating: false }))).toBe(true);
  });

  it('says nothing was sent when no attempt left the machine, and maps credential failures to AuthError', () => {
    const refused = new RestError('connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED' });
    const mapped = toNovacronError(refused, ctx, { requestSent: false });
    expect(ProviderUnavailableError.isInstance(mapped)).toBe(true);
    expect((mapped as NovacronError).requestSent).toBe(false);
    const noToken = Object.assign(new Error('EnvironmentCredential is unavailable.'), { name: 'CredentialUnavailableError' });
    expect(AuthError.isInstance(toNovacronError(noToken, ctx, { requestSent: false }))).toBe(true);
  });

  it('never carries a bearer token or a password from the message into the error', () => {
    const leaky = restError(400, 'InvalidParameter', 'rejected Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZw with adminPassword="Hunter2-Secret!"');
    const mapped = toNovacronError(leaky, ctx) as NovacronError;
    const shown = JSON.stringify(mapped.toJSON()) + mapped.message + String(mapped.cause?.message);
    expect(shown).not.toMatch(/eyJhbGci|Hunter2/);
  });
});
