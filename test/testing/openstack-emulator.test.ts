/**
 * The OpenStack emulator over its wire, with plain https requests: Keystone auth (password and
 * application credential, scoping, expiry, revocation) and its catalog; Nova's microversions,
 * flavors, server lifecycle on the emulator clock, paging, validation, "No valid host", quotas,
 * actions and metadata; Neutron's ports and floating IPs around server delete; Glance's upload
 * and download with checksums; and server snapshots as Glance images.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../src/testing/emulators/index.js';
import { computeHeaders, login, passwordAuth, send, type HttpsAnswer } from './openstack-https.js';

let now = Date.parse('2026-12-04T10:00:00Z');
const clock = (): number => now;
const advance = (ms: number): void => {
  now += ms;
};

let emu: OpenStackEmulator;
let token: string;
let compute: string;
let network: string;
let image: string;

beforeAll(async () => {
  emu = await startOpenStackEmulator({ clock, timings: { buildMs: 1000, stopMs: 500, startMs: 500, rebootMs: 500, deleteMs: 300, snapshotMs: 2000 } });
  token = await login(emu);
  compute = `${emu.endpoint}/compute/v2.1`;
  network = `${emu.endpoint}/network/v2.0`;
  image = `${emu.endpoint}/image/v2`;
});
afterAll(() => emu.close());

const nova = (path: string, init: { method?: string; body?: unknown; version?: string } = {}): Promise<HttpsAnswer> => send(emu, `${compute}${path}`, { method: init.method, body: init.body, headers: computeHeaders(token, init.version) });
const neutron = (path: string, init: { method?: string; body?: unknown } = {}): Promise<HttpsAnswer> => send(emu, `${network}${path}`, { ...init, headers: { 'x-auth-token': token } });
const glance = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpsAnswer> => send(emu, `${image}${path}`, { ...init, headers: { 'x-auth-token': token, ...init.headers } });

async function networkId(name: string): Promise<string> {
  return (await neutron(`/networks?name=${name}`)).json().networks[0].id as string;
}

async function imageId(name: string): Promise<string> {
  return (await glance(`/images?name=${name}`)).json().images[0].id as string;
}

async function bootServer(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await nova('/servers', { method: 'POST', body: { server: { name, flavorRef: '3', imageRef: await imageId('ubuntu-22.04'), networks: [{ uuid: await networkId('private') }], ...extra } } });
  expect(res.status, res.text).toBe(202);
  return res.json().server.id as string;
}

async function server(id: string, version?: string): Promise<Record<string, any>> {
  const res = await nova(`/servers/${id}`, { version });
  expect(res.status, res.text).toBe(200);
  return res.json().server as Record<string, any>;
}

describe('Keystone', () => {
  it('issues a project-scoped token for a password, in X-Subject-Token, with user, project, expiry and catalog', async () => {
    const res = await send(emu, `${emu.providerOptions.authUrl}/auth/tokens`, { method: 'POST', body: passwordAuth(emu) });
    expect(res.status).toBe(201);
    expect(res.headers['x-subject-token']).toMatch(/^gAAAAAB/);
    const t = res.json().token;
    expect(t.methods).toEqual(['password']);
    expect(t.user).toMatchObject({ name: 'demo', domain: { id: 'default', name: 'Default' }, id: emu.user.id });
    expect(t.project).toEqual({ id: emu.project.id, name: 'novacron', domain: { id: 'default', name: 'Default' } });
    expect(Date.parse(t.expires_at) - Date.parse(t.issued_at)).toBe(3_600_000);
    expect(t.catalog.map((s: { type: string; name: string }) => `${s.type}:${s.name}`).sort()).toEqual(['compute:nova', 'identity:keystone', 'image:glance', 'network:neutron']);
    const nova = t.catalog.find((s: { type: string }) => s.type === 'compute');
    const url = (region: string, iface: string): string => nova.endpoints.find((e: { region: string; interface: string }) => e.region === region && e.interface === iface).url;
    expect(url('RegionOne', 'public')).toBe(`${emu.endpoint}/compute/v2.1`);
    expect(url('RegionOne', 'internal')).toBe(`${emu.endpoint}/internal/compute/v2.1`);
    expect(nova.endpoints.every((e: { region: string; region_id: string; id: string }) => e.region === e.region_id && /^[0-9a-f]{32}$/.test(e.id))).toBe(true);
    // The other region is listed but does not answer; the internal interface does.
    expect((await send(emu, `${url('RegionTwo', 'public')}/flavors/detail`, { headers: computeHeaders(token) })).status).toBe(404);
    const internal = await send(emu, `${url('RegionOne', 'internal')}/flavors/detail`, { headers: computeHeaders(token) });
    expect(internal.status).toBe(200);
    expect(internal.json().flavors[0].links[0].href).toContain('/internal/compute/v2.1/flavors/');
    expect(emu.requests('flavors.list').at(-1)?.interface).toBe('internal');
  });

  it('scopes by project id, by project name with a domain id, and refuses a project without a role', async () => {
    const byId = await send(emu, `${emu.providerOptions.authUrl}/auth/tokens`, { method: 'POST', body: passwordAuth(emu, { scope: { project: { id: emu.project.id } } }) });
    expect(byId.status).toBe(201);
    const byDomainId = await send(emu, `${emu.providerOptions.authUrl}/auth/tokens`, { method: 'POST', body: passwordAuth(emu, { scope: { project: { name: 'novacron', domain: { id: 'default' } } } }) });
    expect(byDomainId.json().token.project.id).toBe(emu.project.id);
    const noRole = await send(emu, `${emu.providerOptions.authUrl}/auth/tokens`, { method: 'POST', body: passwordAuth(emu, { scope: { project: { name: 'admin', domain: { name: 'Default' } } } }) });
    expect(noRole.status).toBe(401);
  });

  it('answers wrong credentials with 401 in Keystone words, and the other services refuse an unscoped token', async () => {
    const wrong = await send(emu, `${emu.providerOptions.authUrl}/auth/tokens`, { method: 'POST', body: passwordAuth(emu, { password: 'nope' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toEqual({ error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });
    const unscoped = await send(emu, `${emu.providerOptions.authUrl}/auth/tokens`, { method: 'POST', body: passwordAuth(emu, { scope: undefined }) });
    expect(unscoped.status).toBe(201);
    expect(unscoped.json().token.catalog).toBeUndefined();
    const refused = await send(emu, `${compute}/flavors/detail`, { headers: computeHeaders(unscoped.headers['x-subject-token'] as string) });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe(`Keystone uri="${emu.endpoint}/identity"`);
  });

  it('authenticates an application credential, already scoped, and refuses one with a scope', async () => {
    const { id, secret } = emu.applicationCredential;
    const body = { auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } } };
    const res = await send(emu, `${emu.providerOptions.authUrl}/auth/tokens`, { method: 'POST', body });
    expect(res.status).toBe(201);
    expect(res.json().token).toMatchObject({ methods: ['application_credential'], project: { id: emu.project.id }, application_credential: { id } });
    expect((await nova('/flavors/detail')).status).toBe(200);
    const scoped = await send(emu, `${emu.providerOptions.authUrl}/auth/tokens`, { method: 'POST', body: { auth: { ...body.auth, scope: { project: { id: emu.project.id } } } } });
    expect(scoped.status).toBe(401);
    expect(scoped.json().error.message).toContain('Application credentials cannot request a scope');
    const badSecret = await send(emu, `${emu.providerOptions.authUrl}/auth/tokens`, { method: 'POST', body: { auth: { identity: { methods: ['application_credential'], application_credential: { id, secret: 'x' } } } } });
    expect(badSecret.status).toBe(401);
  });

  it('expires tokens after tokenTtlMs on the emulator clock, revokes them all, and counts what it issued', async () => {
    const local = await startOpenStackEmulator({ clock, tokenTtlMs: 60_000 });
    try {
      const issuedBefore = local.stats.tokensIssued();
      const t = await login(local);
      expect(local.stats.tokensIssued()).toBe(issuedBefore + 1);
      const flavors = (): Promise<HttpsAnswer> => send(local, `${local.endpoint}/compute/v2.1/flavors/detail`, { headers: computeHeaders(t) });
      expect((await flavors()).status).toBe(200);
      advance(60_001);
      const expired = await flavors();
      expect(expired.status).toBe(401);
      expect(expired.json().error.code).toBe(401);
      const fresh = await login(local);
      expect(local.state.tokens()).toBe(1);
      local.revokeTokens();
      expect(local.state.tokens()).toBe(0);
      expect((await send(local, `${local.endpoint}/network/v2.0/networks`, { headers: { 'x-auth-token': fresh } })).status).toBe(401);
      expect((await send(local, `${local.endpoint}/image/v2/images`, { headers: {} })).status).toBe(401);
      expect(local.stats.tokensIssued()).toBe(issuedBefore + 2);
    } finally {
      await local.close();
    }
  });

  it('keeps passwords, secrets and tokens out of every log and record', async () => {
    const { id, secret } = emu.applicationCredential;
    await send(emu, `${emu.providerOptions.authUrl}/auth/tokens`, { method: 'POST', body: { auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } } } });
    const logged = JSON.stringify([emu.log.requests(), emu.requests(), emu.state.servers(), emu.state.ports()]);
    expect(logged).not.toContain(emu.providerOptions.auth.password);
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain(token);
    expect(emu.requests('auth.tokens').length).toBeGreaterThan(0);
  });
});

describe('Nova microversions', () => {
  it('uses 2.1 without a header, echoes the version asked for with Vary, takes latest, refuses unsupported ones with 406', async () => {
    const none = await send(emu, `${compute}/flavors/1`, { headers: { 'x-auth-token': token } });
    expect(none.headers['openstack-api-version']).toBe('compute 2.1');
    expect(none.json().flavor.extra_specs).toBeUndefined();
    const asked = await nova('/flavors/1');
    expect(asked.headers['openstack-api-version']).toBe('compute 2.79');
    expect(asked.headers.vary).toContain('OpenStack-API-Version');
    expect(asked.json().flavor).toMatchObject({ name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1, swap: 0, extra_specs: {} });
    const legacy = await send(emu, `${compute}/flavors/1`, { headers: { 'x-auth-token': token, 'x-openstack-nova-api-version': '2.60' } });
    expect(legacy.headers['x-openstack-nova-api-version']).toBe('2.60');
    expect(legacy.json().flavor.extra_specs).toBeUndefined();
    expect((await nova('/flavors/1', { version: 'latest' })).headers['openstack-api-version']).toBe('compute 2.96');
    const unsupported = await nova('/flavors/1', { version: '2.200' });
    expect(unsupported.status).toBe(406);
    expect(unsupported.json()).toEqual({ computeFault: { code: 406, message: 'Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.96.' } });
    expect((await nova('/flavors/1', { version: 'two' })).status).toBe(400);
    expect(emu.requests('flavors.get').some((r) => r.microversion === '2.79')).toBe(true);
  });

  it('embeds the flavor from 2.47 and links it before', async () => {
    const id = await bootServer('mv-flavor');
    expect((await server(id, '2.47')).flavor).toEqual({ disk: 40, ephemeral: 0, extra_specs: {}, original_name: 'm1.medium', ram: 4096, swap: 0, vcpus: 2 });
    expect((await server(id, '2.46')).flavor).toMatchObject({ id: '3', links: [{ rel: 'bookmark' }] });
  });
});

describe('Nova flavors', () => {
  it('pages flavors with limit and marker until an empty page, in MiB and GiB, with the GPU alias', async () => {
    const names: string[] = [];
    let url: string | undefined = `${compute}/flavors/detail?limit=4`;
    let pages = 0;
    while (url) {
      const res = await send(emu, url, { headers: computeHeaders(token) });
      const body = res.json();
      names.push(...body.flavors.map((f: { name: string }) => f.name));
      url = body.flavors_links?.find((l: { rel: string }) => l.rel === 'next')?.href;
      pages++;
    }
    // 12 flavors, 4 a page: Nova links every full page, so the fourth page is empty.
    expect(pages).toBe(4);
    expect(names.sort()).toEqual(['c1.2xlarge', 'c1.large', 'c1.xlarge', 'g1.a100', 'm1.large', 'm1.medium', 'm1.small', 'm1.tiny', 'm1.xlarge', 'r1.2xlarge', 'r1.large', 'r1.xlarge']);
    const all = (await nova('/flavors/detail')).json().flavors as { name: string; ram: number; extra_specs: Record<string, string> }[];
    expect(all.find((f) => f.name === 'm1.xlarge')?.ram).toBe(16384);
    expect(all.find((f) => f.name === 'g1.a100')?.extra_specs).toEqual({ 'pci_passthrough:alias': 'a100:1' });
    const unknown = await nova('/flavors/detail?marker=nope');
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toEqual({ badRequest: { code: 400, message: 'marker [nope] not found' } });
  });
});

describe('Nova servers', () => {
  it('runs BUILD → ACTIVE, stop, start, soft and hard reboot, and delete → DELETED → 404, on the emulator clock', async () => {
    const id = await bootServer('life-1', { metadata: { role: 'web' } });
    let s = await server(id);
    expect(s).toMatchObject({ status: 'BUILD', 'OS-EXT-STS:vm_state': 'building', 'OS-EXT-STS:task_state': 'spawning', 'OS-EXT-STS:power_state': 0, metadata: { role: 'web' }, tenant_id: emu.project.id, user_id: emu.user.id });
    advance(1000);
    s = await server(id);
    expect(s).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:vm_state': 'active', 'OS-EXT-STS:task_state': null, 'OS-EXT-STS:power_state': 1, 'OS-EXT-AZ:availability_zone': 'az-1', key_name: null });
    expect(s.addresses.private).toEqual([{ addr: expect.stringMatching(/^10\.0\.0\.\d+$/), version: 4, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': expect.stringMatching(/^fa:16:3e:/) }]);
    const port = (await neutron(`/ports?device_id=${id}`)).json().ports[0];
    expect(port).toMatchObject({ device_owner: 'compute:az-1', status: 'ACTIVE', mac_address: s.addresses.private[0]['OS-EXT-IPS-MAC:mac_addr'] });

    expect((await nova(`/servers/${id}/action`, { method: 'POST', body: { 'os-stop': null } })).status).toBe(202);
    expect(await server(id)).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:task_state': 'powering-off' });
    const busy = await nova(`/servers/${id}/action`, { method: 'POST', body: { 'os-stop': null } });
    expect(busy.json()).toEqual({ conflictingRequest: { code: 409, message: `Cannot 'stop' instance ${id} while it is in task_state powering-off` } });
    advance(500);
    expect(await server(id)).toMatchObject({ status: 'SHUTOFF', 'OS-EXT-STS:vm_state': 'stopped', 'OS-EXT-STS:power_state': 4 });
    expect((await nova(`/servers/${id}/action`, { method: 'POST', body: { 'os-stop': null } })).json().conflictingRequest.message).toContain('vm_state stopped');
    expect((await nova(`/servers/${id}/action`, { method: 'POST', body: { 'os-start': null } })).status).toBe(202);
    advance(500);
    expect((await server(id)).status).toBe('ACTIVE');
    await nova(`/servers/${id}/action`, { method: 'POST', body: { reboot: { type: 'SOFT' } } });
    expect(await server(id)).toMatchObject({ status: 'REBOOT', 'OS-EXT-STS:task_state': 'rebooting' });
    advance(500);
    await nova(`/servers/${id}/action`, { method: 'POST', body: { reboot: { type: 'HARD' } } });
    expect((await server(id)).status).toBe('HARD_REBOOT');
    advance(500);
    expect((await server(id)).status).toBe('ACTIVE');
    expect((await nova(`/servers/${id}/action`, { method: 'POST', body: { reboot: { type: 'GENTLE' } } })).status).toBe(400);
    expect((await nova(`/servers/${id}/action`, { method: 'POST', body: { pause: null } })).json().badRequest.message).toBe('There is no such action: pause');
    expect(emu.stats.count('servers.os-stop')).toBe(3);

    expect((await nova(`/servers/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await server(id)).status).toBe('DELETED');
    expect((await nova('/servers/detail')).json().servers.map((x: { id: string }) => x.id)).not.toContain(id);
    advance(300);
    const gone = await nova(`/servers/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.json()).toEqual({ itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } });
  });

  it('lists newest first in pages of limit with servers_links, filters by name regex and status, refuses an unknown marker and, from 2.75, unknown parameters', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await bootServer(`page-${i}`));
      advance(10);
    }
    advance(1000);
    await nova(`/servers/${ids[0]}/action`, { method: 'POST', body: { 'os-stop': null } });
    advance(500);
    const seen: string[] = [];
    let url: string | undefined = `${compute}/servers/detail?name=${encodeURIComponent('^page-')}&limit=2`;
    while (url) {
      const body: Record<string, any> = (await send(emu, url, { headers: computeHeaders(token) })).json();
      seen.push(...body.servers.map((s: { id: string }) => s.id));
      url = body.servers_links?.[0]?.href;
      if (url) expect(url).toContain('name=%5Epage-');
    }
    expect(seen).toEqual([...ids].reverse());
    const shutoff = (await nova('/servers/detail?status=SHUTOFF')).json().servers.map((s: { id: string }) => s.id);
    expect(shutoff).toEqual([ids[0]]);
    expect((await nova('/servers?name=page-[34]')).json().servers.map((s: { name: string }) => s.name).sort()).toEqual(['page-3', 'page-4']);
    expect((await nova('/servers/detail?marker=00000000-0000-0000-0000-000000000000')).status).toBe(400);
    const unknown = await nova('/servers/detail?metadata=x');
    expect(unknown.status).toBe(400);
    expect(unknown.json().badRequest.message).toContain("Additional properties are not allowed ('metadata' was unexpected)");
    expect((await nova('/servers/detail?metadata=x', { version: '2.74' })).status).toBe(200);
  });

  it('validates the create body in Nova words, never echoing user data', async () => {
    const img = await imageId('ubuntu-22.04');
    const net = await networkId('private');
    const create = (server: Record<string, unknown>, version?: string): Promise<HttpsAnswer> => nova('/servers', { method: 'POST', version, body: { server: { name: 'v', flavorRef: '2', imageRef: img, networks: [{ uuid: net }], ...server } } });
    const secret = 'not base64 ### SECRET';
    const badUserData = await create({ user_data: secret });
    expect(badUserData.status).toBe(400);
    expect(badUserData.text).not.toContain('SECRET');
    expect((await create({ user_data: Buffer.from('#!/bin/sh\necho hi\n').toString('base64') })).status).toBe(202);
    expect((await create({ user_data: 'A'.repeat(65536) })).json().badRequest.message).toContain('too long');
    const tooMany = await create({ metadata: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v'])) });
    expect(tooMany.json()).toEqual({ forbidden: { code: 403, message: 'Maximum number of metadata items exceeds 128' } });
    expect((await create({ metadata: { k: 1 } })).status).toBe(400);
    expect((await create({ key_name: 'missing' })).json().badRequest.message).toBe('Invalid key_name provided.');
    expect((await create({ flavorRef: '99' })).json().badRequest.message).toBe('Flavor 99 could not be found.');
    expect((await create({ imageRef: '0e12087a-7c87-476a-8f84-7398e991cecc' })).json().badRequest.message).toBe('Can not find requested image');
    expect((await create({ networks: undefined })).json().badRequest.message).toContain("'networks' is a required property");
    expect((await create({ networks: undefined }, '2.36')).status).toBe(202);
    expect((await create({ networks: [{ uuid: await networkId('public') }] })).json().forbidden.message).toContain('not allowed to create an interface on external network');
    expect((await create({ colour: 'red' })).json().badRequest.message).toContain("('colour' was unexpected)");
    expect((await create({ availability_zone: 'mars' })).status).toBe(400);
    // m1.tiny has a 1 GB disk; the Ubuntu image asks for at least 3.
    expect((await create({ flavorRef: '1' })).json().badRequest.message).toContain("Flavor's disk is smaller than the minimum size specified in image metadata");
    expect((await create({ networks: 'none' })).status).toBe(202);
    expect((await create({ networks: 'auto' })).status).toBe(202);
  });

  it('boots from a volume made from an image: image "" and the volume attached; refuses a volume smaller than the image asks', async () => {
    const uuid = await imageId('rocky-9');
    const bdm = (size: number): Record<string, unknown> => ({ imageRef: '', block_device_mapping_v2: [{ boot_index: 0, uuid, source_type: 'image', destination_type: 'volume', volume_size: size, delete_on_termination: true }] });
    expect((await nova('/servers', { method: 'POST', body: { server: { name: 'bfv-small', flavorRef: '1', networks: 'none', ...bdm(5) } } })).json().badRequest.message).toContain('Volume is smaller than the minimum size');
    const res = await nova('/servers', { method: 'POST', body: { server: { name: 'bfv', flavorRef: '1', networks: 'none', ...bdm(50) } } });
    expect(res.status).toBe(202);
    const s = await server(res.json().server.id);
    expect(s.image).toBe('');
    expect(s['os-extended-volumes:volumes_attached']).toEqual([{ id: expect.any(String), delete_on_termination: true }]);
  });

  it('keeps server metadata: PUT replaces, POST merges', async () => {
    const id = await bootServer('meta-1', { metadata: { a: '1', b: '2' } });
    expect((await nova(`/servers/${id}/metadata`)).json()).toEqual({ metadata: { a: '1', b: '2' } });
    expect((await nova(`/servers/${id}/metadata`, { method: 'PUT', body: { metadata: { c: '3' } } })).json()).toEqual({ metadata: { c: '3' } });
    expect((await nova(`/servers/${id}/metadata`, { method: 'POST', body: { metadata: { d: '4' } } })).json()).toEqual({ metadata: { c: '3', d: '4' } });
    expect((await server(id)).metadata).toEqual({ c: '3', d: '4' });
  });

  it('imports and generates key pairs, used by key_name', async () => {
    const pub = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq9Sx6hPmxH9gXrH9Y0e9d6t3O2p8v4c1k5m7n9q0r2 test';
    const made = await nova('/os-keypairs', { method: 'POST', body: { keypair: { name: 'k1', public_key: pub } } });
    expect(made.status).toBe(201);
    expect(made.json().keypair).toMatchObject({ name: 'k1', public_key: pub, type: 'ssh', fingerprint: expect.stringMatching(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/) });
    expect((await nova('/os-keypairs', { method: 'POST', body: { keypair: { name: 'k1', public_key: pub } } })).status).toBe(409);
    const generated = await nova('/os-keypairs', { method: 'POST', body: { keypair: { name: 'k2' } } });
    expect(generated.json().keypair.private_key).toContain('PRIVATE KEY');
    expect((await nova('/os-keypairs', { method: 'POST', version: '2.92', body: { keypair: { name: 'k3' } } })).status).toBe(400);
    expect((await nova('/os-keypairs')).json().keypairs.map((k: { keypair: { name: string } }) => k.keypair.name)).toEqual(['k1', 'k2']);
    const id = await bootServer('keyed', { key_name: 'k1' });
    expect((await server(id)).key_name).toBe('k1');
    expect((await nova('/os-availability-zone')).json()).toEqual({
      availabilityZoneInfo: [
        { zoneName: 'az-1', zoneState: { available: true }, hosts: null },
        { zoneName: 'az-2', zoneState: { available: true }, hosts: null },
      ],
    });
  });

  it('shows forced states with their vm_state and power_state, and ERROR with its fault', async () => {
    const id = await bootServer('forced');
    const expected: Record<string, [string, number]> = { PAUSED: ['paused', 3], SUSPENDED: ['suspended', 7], SHELVED: ['shelved', 4], SHELVED_OFFLOADED: ['shelved_offloaded', 4], RESIZE: ['active', 1], VERIFY_RESIZE: ['resized', 1], ERROR: ['error', 0] };
    for (const [status, [vmState, power]] of Object.entries(expected)) {
      emu.setServerStatus(id, status as 'PAUSED', { code: 400, message: 'Something broke', details: 'why' });
      expect(await server(id)).toMatchObject({ status, 'OS-EXT-STS:vm_state': vmState, 'OS-EXT-STS:power_state': power });
    }
    expect((await server(id)).fault).toEqual({ code: 400, message: 'Something broke', details: 'why', created: expect.any(String) });
    emu.setServerStatus(id, 'ACTIVE');
    expect((await server(id)).fault).toBeUndefined();
  });
});

describe('capacity and quotas', () => {
  it('accepts a create beyond the host pool and puts the server in ERROR with "No valid host", without ports', async () => {
    const local = await startOpenStackEmulator({ clock, availabilityZones: ['nova'], hostPool: { vcpus: 4, ramMiB: 65536 }, timings: { buildMs: 100 } });
    try {
      const t = await login(local);
      const net = (await send(local, `${local.endpoint}/network/v2.0/networks?name=private`, { headers: { 'x-auth-token': t } })).json().networks[0].id;
      const img = (await send(local, `${local.endpoint}/image/v2/images?name=debian-12`, { headers: { 'x-auth-token': t } })).json().images[0].id;
      const boot = async (name: string): Promise<string> => {
        const res = await send(local, `${local.endpoint}/compute/v2.1/servers`, { method: 'POST', headers: computeHeaders(t), body: { server: { name, flavorRef: '4', imageRef: img, networks: [{ uuid: net }] } } });
        expect(res.status).toBe(202);
        return res.json().server.id;
      };
      const fits = await boot('fits');
      const over = await boot('over');
      advance(100);
      const get = async (id: string): Promise<Record<string, any>> => (await send(local, `${local.endpoint}/compute/v2.1/servers/${id}`, { headers: computeHeaders(t) })).json().server;
      expect((await get(fits)).status).toBe('ACTIVE');
      const failed = await get(over);
      expect(failed.status).toBe('ERROR');
      expect(failed.fault).toEqual({ code: 500, message: 'No valid host was found. There are not enough hosts available.', created: expect.any(String) });
      expect(failed.addresses).toEqual({});
      expect(local.state.ports().filter((p) => p.device_id === over)).toEqual([]);
    } finally {
      await local.close();
    }
  });

  it('refuses a create beyond the cores quota with 403 in Nova words, and reports limits', async () => {
    const local = await startOpenStackEmulator({ clock, quotas: { cores: 8, instances: 10, ram: 1_000_000 } });
    try {
      const t = await login(local);
      const img = (await send(local, `${local.endpoint}/image/v2/images?name=debian-12`, { headers: { 'x-auth-token': t } })).json().images[0].id;
      const boot = (name: string): Promise<HttpsAnswer> => send(local, `${local.endpoint}/compute/v2.1/servers`, { method: 'POST', headers: computeHeaders(t), body: { server: { name, flavorRef: '4', imageRef: img, networks: 'auto' } } });
      expect((await boot('q1')).status).toBe(202);
      expect((await boot('q2')).status).toBe(202);
      const refused = await boot('q3');
      expect(refused.status).toBe(403);
      expect(refused.json()).toEqual({ forbidden: { code: 403, message: 'Quota exceeded for cores: Requested 4, but already used 8 of 8 cores' } });
      const limits = (await send(local, `${local.endpoint}/compute/v2.1/limits`, { headers: computeHeaders(t) })).json().limits.absolute;
      expect(limits).toMatchObject({ maxTotalCores: 8, totalCoresUsed: 8, maxTotalInstances: 10, totalInstancesUsed: 2, totalRAMUsed: 16384 });
      expect(local.state.servers()).toHaveLength(2);
    } finally {
      await local.close();
    }
  });
});

describe('Neutron ports and floating IPs around a server', () => {
  it('deletes the ports Nova made, unbinds the ports passed in, and leaves floating IPs allocated but unassociated', async () => {
    const privateNet = await networkId('private');
    const publicNet = await networkId('public');
    const group = (await neutron('/security-groups?name=default')).json().security_groups[0];
    expect(group.security_group_rules.length).toBe(4);
    const userPort = (await neutron('/ports', { method: 'POST', body: { port: { network_id: privateNet, name: 'mine', security_groups: [group.id], fixed_ips: [{ ip_address: '10.0.0.200' }] } } })).json().port;
    expect(userPort).toMatchObject({ name: 'mine', device_id: '', status: 'DOWN', fixed_ips: [{ ip_address: '10.0.0.200' }] });
    expect((await neutron('/ports', { method: 'POST', body: { port: { network_id: privateNet, fixed_ips: [{ ip_address: '10.0.0.200' }] } } })).json().NeutronError.type).toBe('IpAddressAlreadyAllocated');
    const id = await bootServer('ports-1', { networks: [{ port: userPort.id }, { uuid: privateNet }] });
    advance(1000);
    const attached = (await neutron(`/ports?device_id=${id}`)).json().ports as { id: string; name: string; device_owner: string }[];
    expect(attached).toHaveLength(2);
    expect(attached.every((p) => p.device_owner === 'compute:az-1')).toBe(true);
    const novaPort = attached.find((p) => p.id !== userPort.id)!;
    const steal = await nova('/servers', { method: 'POST', body: { server: { name: 'ports-steal', flavorRef: '3', imageRef: await imageId('ubuntu-22.04'), networks: [{ port: userPort.id }] } } });
    expect(steal.json()).toEqual({ conflictingRequest: { code: 409, message: `Port ${userPort.id} is still in use.` } });

    const fip = (await neutron('/floatingips', { method: 'POST', body: { floatingip: { floating_network_id: publicNet, port_id: novaPort.id } } })).json().floatingip;
    expect(fip).toMatchObject({ port_id: novaPort.id, status: 'ACTIVE', fixed_ip_address: expect.stringMatching(/^10\.0\.0\./), floating_ip_address: expect.stringMatching(/^172\.24\.4\./), router_id: expect.any(String) });
    const addresses = (await server(id)).addresses.private as { addr: string; 'OS-EXT-IPS:type': string }[];
    expect(addresses.filter((a) => a['OS-EXT-IPS:type'] === 'floating').map((a) => a.addr)).toEqual([fip.floating_ip_address]);
    expect((await neutron(`/floatingips?port_id=${novaPort.id}`)).json().floatingips.map((f: { id: string }) => f.id)).toEqual([fip.id]);
    expect((await neutron(`/floatingips?floating_ip_address=${fip.floating_ip_address}`)).json().floatingips).toHaveLength(1);
    expect((await neutron('/floatingips', { method: 'POST', body: { floatingip: { floating_network_id: privateNet } } })).status).toBe(400);

    await nova(`/servers/${id}`, { method: 'DELETE' });
    advance(300);
    expect((await nova(`/servers/${id}`)).status).toBe(404);
    expect((await neutron(`/ports/${novaPort.id}`)).json()).toEqual({ NeutronError: { type: 'PortNotFound', message: `Port ${novaPort.id} could not be found.`, detail: '' } });
    expect((await neutron(`/ports/${userPort.id}`)).json().port).toMatchObject({ device_id: '', device_owner: '', status: 'DOWN' });
    expect((await neutron(`/floatingips/${fip.id}`)).json().floatingip).toMatchObject({ port_id: null, fixed_ip_address: null, status: 'DOWN', router_id: null });

    // The adapter's clean-up: associate, disassociate, release.
    const reassociated = await neutron(`/floatingips/${fip.id}`, { method: 'PUT', body: { floatingip: { port_id: userPort.id } } });
    expect(reassociated.json().floatingip.port_id).toBe(userPort.id);
    expect((await neutron(`/floatingips/${fip.id}`, { method: 'PUT', body: { floatingip: { port_id: null } } })).json().floatingip.port_id).toBeNull();
    expect((await neutron(`/floatingips/${fip.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await neutron(`/ports/${userPort.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(emu.state.floatingIps().some((f) => f.id === fip.id)).toBe(false);
  });

  it('filters, selects fields, pages with networks_links, and refuses unknown filter attributes', async () => {
    const nets = (await neutron('/networks?router:external=true')).json().networks;
    expect(nets.map((n: { name: string }) => n.name)).toEqual(['public']);
    const privateNet = (await neutron('/networks?name=private')).json().networks[0];
    expect(privateNet).toMatchObject({ 'router:external': false, status: 'ACTIVE', subnets: [expect.any(String)] });
    expect((await neutron(`/subnets?network_id=${privateNet.id}`)).json().subnets[0]).toMatchObject({ cidr: '10.0.0.0/24', gateway_ip: '10.0.0.1', ip_version: 4 });
    const page = (await neutron('/networks?limit=1&fields=id&fields=name')).json();
    expect(Object.keys(page.networks[0]).sort()).toEqual(['id', 'name']);
    const next = await send(emu, page.networks_links[0].href, { headers: { 'x-auth-token': token } });
    const second = next.json();
    expect(second.networks).toHaveLength(1);
    expect(second.networks_links).toBeUndefined();
    expect((await neutron('/networks?colour=red')).json().NeutronError).toEqual({ type: 'HTTPBadRequest', message: '[colour] is invalid attribute for filtering', detail: '' });
    const made = (await neutron('/security-groups', { method: 'POST', body: { security_group: { name: 'web', description: 'web servers' } } })).json().security_group;
    expect((await neutron('/security-groups?name=web')).json().security_groups.map((g: { id: string }) => g.id)).toEqual([made.id]);
    expect((await bootServer('sg', { security_groups: [{ name: 'web' }] }).then(server)).security_groups).toEqual([{ name: 'web' }]);
  });
});

describe('Glance images', () => {
  it('lists the seeded public images with their properties and filters by any property', async () => {
    const all = (await glance('/images')).json();
    expect(all.first).toBe('/v2/images');
    expect(all.images.map((i: { name: string }) => i.name).sort()).toEqual(expect.arrayContaining(['debian-12', 'rocky-9', 'ubuntu-22.04', 'ubuntu-22.04-arm64']));
    const arm = (await glance('/images?os_distro=ubuntu&architecture=aarch64')).json().images;
    expect(arm.map((i: { name: string }) => i.name)).toEqual(['ubuntu-22.04-arm64']);
    expect(arm[0]).toMatchObject({ status: 'active', visibility: 'public', disk_format: 'qcow2', container_format: 'bare', os_hash_algo: 'sha512', os_version: '22.04', hw_architecture: 'aarch64', self: `/v2/images/${arm[0].id}`, file: `/v2/images/${arm[0].id}/file` });
    const data = (await glance(`/images/${arm[0].id}/file`)).bytes;
    expect(data.subarray(0, 4).toString('latin1')).toBe('QFI\xfb');
    expect(createHash('md5').update(data).digest('hex')).toBe(arm[0].checksum);
    expect((await glance('/images?visibility=public&status=active')).json().images.length).toBeGreaterThanOrEqual(4);
  });

  it('creates a record, streams data in (queued → active) with md5, sha512 and size, and streams it back with Content-MD5', async () => {
    const made = await glance('/images', { method: 'POST', body: { name: 'upload-1', disk_format: 'raw', container_format: 'bare', min_disk: 1, os_distro: 'custom' } });
    expect(made.status).toBe(201);
    const record = made.json();
    expect(record).toMatchObject({ status: 'queued', checksum: null, size: null, os_distro: 'custom', visibility: 'shared' });
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(50_000, 2), Buffer.from('end')];
    const whole = Buffer.concat(chunks);
    expect((await glance(`/images/${record.id}/file`, { method: 'PUT', body: whole, headers: { 'content-type': 'application/json' } })).status).toBe(415);
    const uploaded = await glance(`/images/${record.id}/file`, { method: 'PUT', body: Readable.from(chunks), headers: { 'content-type': 'application/octet-stream' } });
    expect(uploaded.status).toBe(204);
    const active = (await glance(`/images/${record.id}`)).json();
    expect(active).toMatchObject({
      status: 'active',
      size: whole.length,
      checksum: createHash('md5').update(whole).digest('hex'),
      os_hash_algo: 'sha512',
      os_hash_value: createHash('sha512').update(whole).digest('hex'),
    });
    const download = await glance(`/images/${record.id}/file`);
    expect(download.status).toBe(200);
    expect(download.headers['content-md5']).toBe(active.checksum);
    expect(download.bytes.equals(whole)).toBe(true);
    expect(emu.state.imageData(record.id)?.equals(whole)).toBe(true);
    expect((await glance(`/images/${record.id}/file`, { method: 'PUT', body: whole, headers: { 'content-type': 'application/octet-stream' } })).status).toBe(409);
  });

  it('refuses data before formats are set, read-only attributes and public visibility; 204 for an image without data', async () => {
    const bare = (await glance('/images', { method: 'POST', body: { name: 'no-formats' } })).json();
    expect((await glance(`/images/${bare.id}/file`)).status).toBe(204);
    const early = await glance(`/images/${bare.id}/file`, { method: 'PUT', body: Buffer.from('x'), headers: { 'content-type': 'application/octet-stream' } });
    expect(early.status).toBe(400);
    expect(early.json()).toMatchObject({ code: '400 Bad Request', title: 'Bad Request', message: expect.stringContaining('disk_format, container_format must be set') });
    expect((await glance('/images', { method: 'POST', body: { name: 'x', size: 5 } })).status).toBe(403);
    expect((await glance('/images', { method: 'POST', body: { name: 'x', visibility: 'public' } })).status).toBe(403);
    expect((await glance('/images', { method: 'POST', body: { name: 'x', disk_format: 'floppy' } })).status).toBe(400);
  });

  it('patches properties with a JSON patch, pages with a relative next link, refuses an unknown marker, deletes', async () => {
    const made = (await glance('/images', { method: 'POST', body: { name: 'patch-1', disk_format: 'qcow2', container_format: 'bare' } })).json();
    const patch = [
      { op: 'add', path: '/novacron_export', value: 'yes' },
      { op: 'replace', path: '/name', value: 'patched-1' },
    ];
    expect((await glance(`/images/${made.id}`, { method: 'PATCH', body: JSON.stringify(patch), headers: { 'content-type': 'application/json' } })).status).toBe(415);
    const patched = await glance(`/images/${made.id}`, { method: 'PATCH', body: JSON.stringify(patch), headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' } });
    expect(patched.json()).toMatchObject({ name: 'patched-1', novacron_export: 'yes' });
    expect((await glance('/images?novacron_export=yes')).json().images.map((i: { id: string }) => i.id)).toEqual([made.id]);
    const removeMissing = await glance(`/images/${made.id}`, { method: 'PATCH', body: JSON.stringify([{ op: 'remove', path: '/nothing' }]), headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' } });
    expect(removeMissing.status).toBe(409);

    const first = (await glance('/images?limit=2')).json();
    expect(first.images).toHaveLength(2);
    expect(first.next).toMatch(/^\/v2\/images\?limit=2&marker=/);
    const second = (await send(emu, `${emu.endpoint}/image${first.next}`, { headers: { 'x-auth-token': token } })).json();
    expect(second.images.map((i: { id: string }) => i.id)).not.toContain(first.images[0].id);
    expect((await glance('/images?marker=0e12087a-7c87-476a-8f84-7398e991cecc')).status).toBe(400);

    expect((await glance(`/images/${made.id}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await glance(`/images/${made.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json().message).toBe(`No image found with ID ${made.id}`);
  });
});

describe('server snapshots', () => {
  it('makes a Glance image with createImage (queued → saving → active) whose bytes are those of the booted image (the guest disk as it is)', async () => {
    const id = await bootServer('snap-1');
    advance(1000);
    const res = await nova(`/servers/${id}/action`, { method: 'POST', body: { createImage: { name: 'snap-1-image', metadata: { novacron_vm: 'vm-1' } } } });
    expect(res.status).toBe(202);
    const imageIdMade = res.json().image_id as string;
    expect(res.headers.location).toBe(`${emu.endpoint}/image/v2/images/${imageIdMade}`);
    expect((await server(id))['OS-EXT-STS:task_state']).toBe('image_snapshot');
    const conflict = await nova(`/servers/${id}/action`, { method: 'POST', body: { createImage: { name: 'again' } } });
    expect(conflict.status).toBe(409);
    expect((await glance(`/images/${imageIdMade}`)).json()).toMatchObject({ status: 'queued', name: 'snap-1-image', image_type: 'snapshot', instance_uuid: id, novacron_vm: 'vm-1', os_distro: 'ubuntu', visibility: 'private' });
    advance(1000);
    expect((await glance(`/images/${imageIdMade}`)).json().status).toBe('saving');
    advance(1000);
    const active = (await glance(`/images/${imageIdMade}`)).json();
    expect(active.status).toBe('active');
    expect((await server(id))['OS-EXT-STS:task_state']).toBeNull();
    const download = await glance(`/images/${imageIdMade}/file`);
    const base = (await glance(`/images/${await imageId('ubuntu-22.04')}/file`)).bytes;
    expect(download.bytes.equals(base)).toBe(true);
    expect(createHash('md5').update(download.bytes).digest('hex')).toBe(active.checksum);
    expect(download.headers['content-md5']).toBe(active.checksum);
    // Before 2.45 the answer has no body and the image in Location.
    const old = await nova(`/servers/${await bootServer('snap-old').then(async (sid) => (advance(1000), sid))}/action`, { method: 'POST', version: '2.44', body: { createImage: { name: 'old' } } });
    expect(old.status).toBe(202);
    expect(old.text).toBe('');
    expect(old.headers.location).toMatch(/\/image\/v2\/images\/[0-9a-f-]{36}$/);
  });
});
