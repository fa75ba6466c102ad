/**
 * Every fault kind of the kit, as the Compute Engine emulator says it to the real
 * `@google-cloud/compute` clients: capacity and quota inside the DONE operation, throttling with
 * GCE's 429 body and Retry-After, expired credentials (401), lost responses after the insert took
 * effect (then a retry with the same requestId finds the same operation), delays, hangs and
 * one-off failures.
 */
import { randomUUID } from 'node:crypto';
import { InstancesClient, ZoneOperationsClient } from '@google-cloud/compute';
import type { ClientOptions } from 'google-gax';
import type { protos } from '@google-cloud/compute';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGceEmulator, type GceEmulator } from '../../src/testing/emulators/index.js';

type Instance = protos.google.cloud.compute.v1.IInstance;
const ZONE = 'us-central1-a';
let emu: GceEmulator;
/** The emulator's client options, typed for the Google clients (its auth client is structural, not a google-auth-library class). */
const options = (e: GceEmulator): ClientOptions => e.clientOptions as unknown as ClientOptions;
let instances: InstancesClient;
let operations: ZoneOperationsClient;
let project: string;

beforeAll(async () => {
  emu = await startGceEmulator({ operationPendingMs: 5, operationRunningMs: 20 });
  project = emu.providerOptions.project;
  instances = new InstancesClient(options(emu));
  operations = new ZoneOperationsClient(options(emu));
});
afterAll(async () => {
  await Promise.all([instances.close(), operations.close()]);
  await emu.close();
});
beforeEach(() => emu.faults.reset());

function body(name: string, machineType = 'e2-standard-2'): Instance {
  return {
    name,
    machineType: `zones/${ZONE}/machineTypes/${machineType}`,
    disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/debian-cloud/global/images/family/debian-12' } }],
    networkInterfaces: [{}],
  };
}

async function insertAndWait(name: string, machineType?: string, requestId?: string): Promise<protos.google.cloud.compute.v1.IOperation> {
  const [op] = await instances.insert({ project, zone: ZONE, instanceResource: body(name, machineType), requestId });
  return (await operations.wait({ project, zone: ZONE, operation: op.latestResponse.name as string }))[0];
}

async function refusal(promise: Promise<unknown>): Promise<{ code: number | undefined; message: string; httpStatus?: number }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { code?: number; message: string; httpStatusCode?: number };
    return { code: err.code, message: err.message, httpStatus: err.httpStatusCode };
  }
  throw new Error('expected a refusal');
}

async function raw(path: string): Promise<Response> {
  return emu.providerOptions.authClient.fetch(`${emu.endpoint}${path}`, { validateStatus: () => true });
}

describe('capacity', () => {
  it('accepts the insert and ends its operation with ZONE_RESOURCE_POOL_EXHAUSTED; the instance is gone', async () => {
    emu.faults.capacity({ zone: ZONE, type: 'n2-standard-4' }, 1);
    expect((await insertAndWait('cap-1', 'n2-standard-4')).error).toBeFalsy();
    const done = await insertAndWait('cap-2', 'n2-standard-4');
    expect(done.status).toBe('DONE');
    expect(done.error?.errors?.[0]).toMatchObject({ code: 'ZONE_RESOURCE_POOL_EXHAUSTED', message: expect.stringContaining(`zones/${ZONE}' does not have enough resources`) });
    expect(done.httpErrorStatusCode).toBe(503);
    expect((await refusal(instances.get({ project, zone: ZONE, instance: 'cap-2' }))).code).toBe(5);
    expect((await insertAndWait('cap-3', 'e2-standard-2')).error).toBeFalsy();
  });

  it('fails a planned operation with the _WITH_DETAILS code', async () => {
    emu.faults.failNextOperation();
    expect((await insertAndWait('cap-4')).error?.errors?.[0]?.code).toBe('ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS');
  });
});

describe('quota', () => {
  it('ends the insert operation with QUOTA_EXCEEDED in GCE words', async () => {
    const used = emu.state.instances().filter((i) => i.status !== 'TERMINATED').reduce((n, i) => n + Number(/-(\d+)$/.exec(i.machineType)![1]), 0);
    emu.faults.quota('CPUS', used + 2);
    expect((await insertAndWait('quota-1')).error).toBeFalsy();
    const done = await insertAndWait('quota-2');
    expect(done.error?.errors?.[0]).toMatchObject({ code: 'QUOTA_EXCEEDED', message: `Quota 'CPUS' exceeded.  Limit: ${(used + 2).toFixed(1)} in region us-central1.` });
    expect(done.httpErrorStatusCode).toBe(403);
    emu.faults.quota('CPUS', undefined);
    emu.faults.quota('us-central1/N2_CPUS', 0);
    expect((await insertAndWait('quota-3', 'n2-standard-2')).error?.errors?.[0]?.message).toContain("Quota 'N2_CPUS' exceeded");
  });
});

describe('throttling', () => {
  it('refuses with 429 rateLimitExceeded, RESOURCE_EXHAUSTED and Retry-After', async () => {
    emu.faults.throttle(1, { retryAfterMs: 2000, operations: ['instances.get'] });
    const res = await raw(`/compute/v1/projects/${project}/zones/${ZONE}/instances/any`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    const json = (await res.json()) as { error: { code: number; status: string; errors: { reason: string; domain: string }[]; message: string } };
    expect(json.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED', errors: [{ reason: 'rateLimitExceeded', domain: 'usageLimits' }] });
    expect(json.error.message).toContain("quota metric 'Read requests'");
    const seen = await refusal(instances.get({ project, zone: ZONE, instance: 'any' }, { retry: null as never }));
    expect(seen.code).toBe(8); // RESOURCE_EXHAUSTED
    expect(seen.message).toContain('Quota exceeded');
  });

  // Each refusal carrying google.rpc details costs the real client ~0.8 s (it re-reads the compute
  // protos to decode them), so this runs 10 creates rather than the adapter suite's 30.
  it('with 30% of inserts throttled, retrying each with its requestId gives exactly one instance per create', async () => {
    emu.faults.throttle(0.3, { operations: ['instances.insert'], seed: 7 });
    const names = Array.from({ length: 10 }, (_, i) => `thr-${i}`);
    for (const name of names) {
      const requestId = randomUUID();
      for (let attempt = 0; ; attempt++) {
        try {
          await instances.insert({ project, zone: ZONE, instanceResource: body(name), requestId });
          break;
        } catch (e) {
          expect((e as { code?: number }).code).toBe(8);
          if (attempt > 20) throw e;
        }
      }
    }
    expect(emu.stats.throttled()).toBeGreaterThan(0);
    expect(emu.state.instances().filter((i) => i.name.startsWith('thr-'))).toHaveLength(10);
  });
});

describe('credentials', () => {
  it('refuses every call with 401 UNAUTHENTICATED while expired, and unknown tokens always', async () => {
    emu.faults.expireCredentials();
    const res = await raw(`/compute/v1/projects/${project}/zones/${ZONE}/instances`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await res.json()) as { error: { status: string; errors: { reason: string }[] } }).error).toMatchObject({ status: 'UNAUTHENTICATED', errors: [{ reason: 'authError' }] });
    const seen = await refusal(instances.list({ project, zone: ZONE }));
    expect(seen.code).toBe(16);
    expect(seen.httpStatus).toBe(401);
    emu.faults.restoreCredentials();
    await instances.list({ project, zone: ZONE });
    const stranger = new OAuth2Client();
    stranger.setCredentials({ access_token: 'ya29.not-issued-here' });
    const other = new InstancesClient({ ...options(emu), authClient: stranger });
    expect((await refusal(other.list({ project, zone: ZONE }))).code).toBe(16);
    await other.close();
  });

  it("accepts google-auth-library's own OAuth2Client holding an issued token", async () => {
    const issued = await emu.newAuthClient().getAccessToken();
    const oauth = new OAuth2Client();
    oauth.setCredentials({ access_token: issued.token });
    const client = new InstancesClient({ ...options(emu), authClient: oauth });
    await client.list({ project, zone: ZONE });
    await client.close();
  });
});

describe('dropped responses', () => {
  it('applies the insert, resets the connection, and a retry with the same requestId finds the same operation', async () => {
    emu.faults.dropResponse('instances.insert');
    const requestId = randomUUID();
    const seen = await refusal(instances.insert({ project, zone: ZONE, instanceResource: body('drop-1'), requestId }));
    expect(seen.code).toBe(14); // UNAVAILABLE: the connection was reset
    expect(emu.state.instance('drop-1')).toBeDefined();
    const [op] = await instances.insert({ project, zone: ZONE, instanceResource: body('drop-1'), requestId });
    expect(emu.state.operations().filter((o) => o.targetLink.endsWith('/drop-1'))).toHaveLength(1);
    expect((op.latestResponse as protos.google.cloud.compute.v1.IOperation).targetLink).toMatch(/drop-1$/);
    expect(emu.requests('instances.insert').filter((r) => r.requestId === requestId)).toHaveLength(2);
  });
});

describe('delay, hang and one-off failures', () => {
  it('delays a call', async () => {
    emu.faults.delay('zoneOperations.list', 150);
    const at = performance.now();
    await operations.list({ project, zone: ZONE });
    expect(performance.now() - at).toBeGreaterThanOrEqual(140);
  });

  it('hangs a call until the client gives up', async () => {
    emu.faults.hang('instances.get');
    const seen = await refusal(instances.get({ project, zone: ZONE, instance: 'any' }, { timeout: 200, retry: null as never }));
    expect(seen.code).toBe(4); // DEADLINE_EXCEEDED
    emu.faults.hang('instances.get', false);
  });

  it('fails the next call with a GCE error body', async () => {
    emu.faults.failNext('instances.insert', { kind: 'capacity' });
    const seen = await refusal(instances.insert({ project, zone: ZONE, instanceResource: body('once-1') }));
    expect(seen.httpStatus ?? seen.code).toBeDefined();
    expect(seen.message).toContain('does not have enough resources');
    expect(emu.state.instance('once-1')).toBeUndefined();
  });

  it('returns within the wait bound when zoneOperations.wait is slowed', async () => {
    emu.faults.delay('zoneOperations.wait', 50);
    expect((await insertAndWait('slow-wait')).status).toBe('DONE');
  });
});
