/**
 * Every fault kind of the kit, as the OpenStack emulator says it on each service: throttling
 * with Retry-After in Nova's `overLimit`, Neutron's `NeutronError`, Glance's and Keystone's
 * documents; lost answers after the change was made (server, floating IP, image upload, token);
 * hangs until the client gives up; one-off failures (in the service's words, or exactly the
 * answer planned); capacity ("No valid host"); quotas; expired credentials; delays; and the
 * counts and records tests read.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../src/testing/emulators/index.js';
import { computeHeaders, login, passwordAuth, send, type HttpsAnswer } from './openstack-https.js';

let emu: OpenStackEmulator;
let token: string;
let imageRef: string;
let privateNet: string;
let publicNet: string;

beforeAll(async () => {
  emu = await startOpenStackEmulator({ timings: { buildMs: 0, deleteMs: 0, snapshotMs: 0 } });
  token = await login(emu);
  imageRef = (await send(emu, '/image/v2/images?name=debian-12', { headers: { 'x-auth-token': token } })).json().images[0].id;
  privateNet = (await send(emu, '/network/v2.0/networks?name=private', { headers: { 'x-auth-token': token } })).json().networks[0].id;
  publicNet = (await send(emu, '/network/v2.0/networks?name=public', { headers: { 'x-auth-token': token } })).json().networks[0].id;
});
afterAll(() => emu.close());
beforeEach(() => emu.faults.reset());

const nova = (path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<HttpsAnswer> => send(emu, `/compute/v2.1${path}`, { ...init, headers: computeHeaders(token) });
const neutron = (path: string, init: { method?: string; body?: unknown } = {}): Promise<HttpsAnswer> => send(emu, `/network/v2.0${path}`, { ...init, headers: { 'x-auth-token': token } });
const createServer = (name: string, flavorRef = '2', zone?: string): Promise<HttpsAnswer> =>
  nova('/servers', { method: 'POST', body: { server: { name, flavorRef, imageRef, networks: [{ uuid: privateNet }], ...(zone === undefined ? {} : { availability_zone: zone }) } } });
const serversNamed = (name: string): unknown[] => emu.state.servers().filter((s) => s.name === name);

async function reset(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
  throw new Error('expected the connection to be reset');
}

describe('throttle', () => {
  it('refuses with 429 and Retry-After in each service’s document', async () => {
    emu.faults.throttle(1, { retryAfterMs: 2000, operations: ['servers.list', 'ports.list', 'images.list', 'auth.tokens'] });
    const n = await nova('/servers/detail');
    expect(n.status).toBe(429);
    expect(n.headers['retry-after']).toBe('2');
    expect(n.json()).toEqual({ overLimit: { code: 429, message: 'This request was rate-limited.', retryAfter: '2' } });
    const p = await neutron('/ports');
    expect(p.status).toBe(429);
    expect(p.json().NeutronError).toMatchObject({ type: 'HTTPTooManyRequests', detail: '' });
    const g = await send(emu, '/image/v2/images', { headers: { 'x-auth-token': token } });
    expect(g.json()).toMatchObject({ code: '429 Too Many Requests', title: 'Too Many Requests' });
    const k = await send(emu, '/identity/v3/auth/tokens', { method: 'POST', body: passwordAuth(emu) });
    expect(k.json().error).toMatchObject({ code: 429, title: 'Too Many Requests' });
    expect((await nova('/flavors/detail')).status).toBe(200);
    expect(emu.stats.throttled()).toBeGreaterThanOrEqual(4);
    expect(emu.log.requests('servers.list').at(-1)).toMatchObject({ status: 429, fault: 'throttled', errorCode: 'overLimit' });
  });

  it('refuses a share of calls, replayable by seed', async () => {
    const run = async (): Promise<number[]> => {
      emu.faults.throttle(0.5, { operations: ['flavors.list'], seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await nova('/flavors/detail')).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(429);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });
});

describe('dropResponse', () => {
  it('creates the server and resets the connection; the next create answers', async () => {
    emu.faults.dropResponse('servers.create');
    expect(await reset(createServer('dropped-1'))).toMatch(/ECONNRESET|socket hang up/);
    expect(serversNamed('dropped-1')).toHaveLength(1);
    expect(emu.log.requests('servers.create').at(-1)?.status).toBe(0);
    expect((await createServer('dropped-2')).status).toBe(202);
  });

  it('deletes the server although the answer is lost', async () => {
    const id = (await createServer('drop-delete')).json().server.id;
    emu.faults.dropResponse('servers.delete');
    await reset(nova(`/servers/${id}`, { method: 'DELETE' }));
    expect((await nova(`/servers/${id}`)).status).toBe(404);
  });

  it('allocates the floating IP although the answer is lost', async () => {
    const before = emu.state.floatingIps().length;
    emu.faults.dropResponse('floatingips.create');
    await reset(neutron('/floatingips', { method: 'POST', body: { floatingip: { floating_network_id: publicNet } } }));
    expect(emu.state.floatingIps()).toHaveLength(before + 1);
  });

  it('stores the uploaded image data although the answer is lost', async () => {
    const made = (await send(emu, '/image/v2/images', { method: 'POST', headers: { 'x-auth-token': token }, body: { name: 'drop-upload', disk_format: 'raw', container_format: 'bare' } })).json();
    emu.faults.dropResponse('images.upload');
    await reset(send(emu, `/image/v2/images/${made.id}/file`, { method: 'PUT', headers: { 'x-auth-token': token, 'content-type': 'application/octet-stream' }, body: Readable.from([Buffer.from('abc'), Buffer.from('def')]) }));
    expect(emu.state.image(made.id)).toMatchObject({ status: 'active', size: 6 });
    expect(emu.state.imageData(made.id)?.toString()).toBe('abcdef');
  });

  it('issues the token although the answer is lost', async () => {
    const issued = emu.stats.tokensIssued();
    emu.faults.dropResponse('auth.tokens');
    await reset(send(emu, '/identity/v3/auth/tokens', { method: 'POST', body: passwordAuth(emu) }));
    expect(emu.stats.tokensIssued()).toBe(issued + 1);
  });

  it('loses no answer of a call that failed', async () => {
    emu.faults.dropResponse('servers.get');
    expect((await nova('/servers/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });
});

describe('hang', () => {
  it('never answers until the client gives up, then serves again once lifted', async () => {
    emu.faults.hang('servers.list');
    const controller = new AbortController();
    const pending = nova('/servers/detail', { signal: controller.signal });
    const raced = await Promise.race([pending.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 150))]);
    expect(raced).toBe('waiting');
    controller.abort();
    await expect(pending).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 20));
    expect(emu.log.requests('servers.list').at(-1)?.status).toBe(0);
    emu.faults.hang('servers.list', false);
    expect((await nova('/servers/detail')).status).toBe(200);
  });
});

describe('failNext', () => {
  it('answers exactly the planned status and body, and nothing takes effect', async () => {
    const body = { computeFault: { code: 500, message: 'Unexpected API Error.' } };
    emu.faults.failNext('servers.create', 500, body);
    const res = await createServer('planned-500');
    expect(res.status).toBe(500);
    expect(res.json()).toEqual(body);
    expect(serversNamed('planned-500')).toHaveLength(0);
    expect((await createServer('planned-500')).status).toBe(202);
  });

  it('says a status without a body, or a fault kind, in the service’s words', async () => {
    emu.faults.failNext('servers.get', 503);
    const unavailable = await nova('/servers/x');
    expect(unavailable.status).toBe(503);
    expect(unavailable.json().serviceUnavailable.code).toBe(503);
    emu.faults.failNext('ports.create', { kind: 'quota' });
    const quota = await neutron('/ports', { method: 'POST', body: { port: { network_id: privateNet } } });
    expect(quota.status).toBe(409);
    expect(quota.json()).toEqual({ NeutronError: { type: 'OverQuota', message: "Quota exceeded for resources: ['floatingip'].", detail: '' } });
    emu.faults.failNext('images.get', { kind: 'not-found', message: 'gone' }, { times: 2 });
    for (let i = 0; i < 2; i++) expect((await send(emu, `/image/v2/images/${imageRef}`, { headers: { 'x-auth-token': token } })).json()).toMatchObject({ code: '404 Not Found', message: 'gone' });
    expect((await send(emu, `/image/v2/images/${imageRef}`, { headers: { 'x-auth-token': token } })).status).toBe(200);
    emu.faults.failNext('servers.create', 429, undefined, { retryAfterMs: 3000 });
    const limited = await createServer('limited');
    expect(limited.headers['retry-after']).toBe('3');
    expect(limited.json().overLimit).toMatchObject({ code: 429, retryAfter: '3' });
  });
});

describe('capacity and quotas', () => {
  it('capacity: accepted, then ERROR with No valid host, for that flavor only', async () => {
    emu.faults.capacity({ zone: 'az-1', type: 'm1.small' }, 1);
    const fits = (await createServer('cap-1', '2', 'az-1')).json().server.id;
    const over = (await createServer('cap-2', '2', 'az-1')).json().server.id;
    const other = (await createServer('cap-3', '3', 'az-1')).json().server.id;
    const status = async (id: string): Promise<Record<string, any>> => (await nova(`/servers/${id}`)).json().server;
    expect((await status(fits)).status).toBe('ACTIVE');
    expect(await status(over)).toMatchObject({ status: 'ERROR', fault: { code: 500, message: 'No valid host was found. There are not enough hosts available.' }, 'OS-EXT-AZ:availability_zone': 'az-1' });
    expect((await status(other)).status).toBe('ACTIVE');
    emu.faults.reset();
  });

  it('capacity is per zone: a full az-1 refuses creates that ask for it, the others go to az-2', async () => {
    emu.faults.capacity({ zone: 'az-1' }, 0);
    const status = async (id: string): Promise<Record<string, any>> => (await nova(`/servers/${id}`)).json().server;
    const asked = (await createServer('zone-asked', '2', 'az-1')).json().server.id;
    const free = (await createServer('zone-free')).json().server.id;
    const second = (await createServer('zone-second', '2', 'az-2')).json().server.id;
    expect(await status(asked)).toMatchObject({ status: 'ERROR', 'OS-EXT-AZ:availability_zone': 'az-1' });
    expect(await status(free)).toMatchObject({ status: 'ACTIVE', 'OS-EXT-AZ:availability_zone': 'az-2' });
    expect(await status(second)).toMatchObject({ status: 'ACTIVE', 'OS-EXT-AZ:availability_zone': 'az-2' });
    expect((await createServer('zone-unknown', '2', 'az-9')).status).toBe(400);
    emu.faults.capacity({ zone: 'az-2' }, 0);
    expect(await status((await createServer('zone-none')).json().server.id)).toMatchObject({ status: 'ERROR', fault: { message: 'No valid host was found. There are not enough hosts available.' } });
    emu.faults.reset();
  });

  it('quota: instances in Nova words, floating IPs as Neutron OverQuota', async () => {
    const used = emu.state.servers().filter((s) => s.status !== 'DELETED').length;
    emu.faults.quota('instances', used);
    const refused = await createServer('over-quota');
    expect(refused.json()).toEqual({ forbidden: { code: 403, message: `Quota exceeded for instances: Requested 1, but already used ${used} of ${used} instances` } });
    emu.faults.quota('floatingip', emu.state.floatingIps().length);
    const fip = await neutron('/floatingips', { method: 'POST', body: { floatingip: { floating_network_id: publicNet } } });
    expect(fip.status).toBe(409);
    expect(fip.json()).toEqual({ NeutronError: { type: 'OverQuota', message: "Quota exceeded for resources: ['floatingip'].", detail: '' } });
    emu.faults.quota('vcpus', 0);
    expect((await createServer('no-cores')).json().forbidden.message).toMatch(/^Quota exceeded for instances, cores/);
  });
});

describe('expireCredentials and delay', () => {
  it('refuses every call with 401 until restored, Keystone included', async () => {
    emu.faults.expireCredentials();
    const n = await nova('/flavors/detail');
    expect(n.status).toBe(401);
    expect(n.json().error).toMatchObject({ code: 401, title: 'Unauthorized' });
    expect((await send(emu, '/identity/v3/auth/tokens', { method: 'POST', body: passwordAuth(emu) })).status).toBe(401);
    emu.faults.restoreCredentials();
    expect((await nova('/flavors/detail')).status).toBe(200);
    expect(emu.stats.refused('auth')).toBeGreaterThanOrEqual(2);
  });

  it('answers a delayed call', async () => {
    emu.faults.delay('limits.get', 30);
    expect((await nova('/limits')).status).toBe(200);
  });
});

describe('counts and records', () => {
  it('counts calls per operation and records service, interface and microversion, never secrets', async () => {
    emu.stats.reset();
    await nova('/flavors/detail');
    await nova('/flavors/detail');
    await neutron('/ports');
    expect(emu.stats.byOperation()).toEqual({ 'flavors.list': 2, 'ports.list': 1 });
    expect(emu.stats.count('flavors.list')).toBe(2);
    expect(emu.requests('flavors.list')[0]).toMatchObject({ service: 'compute', interface: 'public', microversion: '2.79', status: 200 });
    expect(emu.requests('ports.list')[0]).toMatchObject({ service: 'network', microversion: undefined });
    expect(JSON.stringify(emu.requests())).not.toContain(token);
  });
});
