/**
 * The OpenStack adapter's pure mappings, without a cloud: Nova statuses → VM states, error
 * answers (Nova's, Neutron's, Keystone's shapes) → the taxonomy, the token request bodies, the
 * create body, metadata limits, key-derived names and the credentials from `OS_*` variables.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthError, CapacityError, ConflictError, InvalidSpecError, NotFoundError, ProviderUnavailableError, QuotaError, ThrottledError } from '../../../src/provider/errors.js';
import { parseVMSpec } from '../../../src/provider/spec-schema.js';
import { VM_STATES } from '../../../src/provider/types.js';
import { resolveAuth } from '../../../src/providers/openstack/credentials.js';
import { parseFaultBody, quotaNameOf, retryAfterMs, specFieldOf, toNovacronError } from '../../../src/providers/openstack/error-mapping.js';
import { architectureOfImage, newestPerArchitecture } from '../../../src/providers/openstack/image-aliases.js';
import { authBody } from '../../../src/providers/openstack/keystone-session.js';
import { labelsOf, vmMetadata } from '../../../src/providers/openstack/metadata.js';
import { keyDigestOf, serverNameFor } from '../../../src/providers/openstack/naming.js';
import { toServerBody } from '../../../src/providers/openstack/server-body.js';
import { NOVA_STATUSES, novaServerToVM, vmStateOf } from '../../../src/providers/openstack/state-mapping.js';

const ctx = { provider: 'on-prem', operation: 'createVM', region: 'RegionOne', zone: 'nova', instanceType: 'm1.small' };
const fault = (status: number, body: unknown, retryAfter?: string) => {
  const parsed = parseFaultBody(typeof body === 'string' ? body : JSON.stringify(body));
  return toNovacronError({ status, ...parsed, retryAfterMs: retryAfterMs(retryAfter), requestId: 'req-1' }, ctx);
};

describe('Nova status → VM state', () => {
  it('maps every status the issue lists to a portable state', () => {
    const expected: Record<string, string> = {
      BUILD: 'pending',
      ACTIVE: 'running',
      SHUTOFF: 'stopped',
      PAUSED: 'stopped',
      SUSPENDED: 'stopped',
      RESIZE: 'pending',
      VERIFY_RESIZE: 'running',
      REVERT_RESIZE: 'pending',
      REBOOT: 'pending',
      HARD_REBOOT: 'pending',
      ERROR: 'error',
      DELETED: 'terminated',
      SHELVED: 'stopped',
      SHELVED_OFFLOADED: 'deallocated',
      MIGRATING: 'running',
      RESCUE: 'unknown',
      UNKNOWN: 'unknown',
    };
    for (const [status, state] of Object.entries(expected)) expect(vmStateOf(status), status).toBe(state);
    for (const status of NOVA_STATUSES) expect(VM_STATES).toContain(vmStateOf(status));
    expect(vmStateOf('SOMETHING_NEW')).toBe('unknown');
  });

  it('lets a task in progress say more than the status', () => {
    expect(vmStateOf('ACTIVE', 'deleting')).toBe('terminating');
    expect(vmStateOf('ACTIVE', 'powering-off')).toBe('stopping');
    expect(vmStateOf('SHUTOFF', 'powering-on')).toBe('pending');
    expect(vmStateOf('ERROR', 'deleting')).toBe('error');
  });

  it('reads a server view: flavor, fixed and floating addresses, zone, labels without novacron metadata, the fault as reason', () => {
    const vm = novaServerToVM(
      {
        id: '7b1c7c1e-0000-4000-8000-000000000001',
        name: 'nc-0123456789abcdef',
        status: 'ERROR',
        flavor: { original_name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
        addresses: { private: [{ addr: '10.0.0.5', version: 4, 'OS-EXT-IPS:type': 'fixed' }, { addr: '203.0.113.9', version: 4, 'OS-EXT-IPS:type': 'floating' }] },
        metadata: { team: 'web', 'novacron-name': 'web-1', 'novacron-key': 'k', 'novacron-image': 'ubuntu-22.04' },
        'OS-EXT-AZ:availability_zone': 'nova',
        created: '2026-12-01T00:00:00Z',
        fault: { code: 500, message: 'No valid host was found. There are not enough hosts available.' },
        image: { id: 'img' },
      },
      { provider: 'on-prem', region: 'RegionOne' },
    );
    expect(vm).toMatchObject({ name: 'web-1', state: 'error', rawState: 'ERROR', instanceType: 'm1.small', cpu: 1, memoryGiB: 2, zone: 'nova', privateIps: ['10.0.0.5'], publicIps: ['203.0.113.9'], labels: { team: 'web' }, image: 'ubuntu-22.04', providerKind: 'openstack' });
    expect(vm.stateReason).toMatch(/No valid host/);
  });
});

describe('error answers → the taxonomy', () => {
  it('classifies Nova, Neutron and Keystone shapes', () => {
    expect(CapacityError.isInstance(fault(500, { computeFault: { code: 500, message: 'No valid host was found. ' } }))).toBe(true);
    const quota = fault(403, { forbidden: { code: 403, message: 'Quota exceeded for cores: Requested 4, but already used 20 of 20 cores' } });
    expect(QuotaError.isInstance(quota)).toBe(true);
    expect((quota as QuotaError).quotaName).toBe('cores');
    const neutron = fault(409, { NeutronError: { type: 'OverQuota', message: "Quota exceeded for resources: ['floatingip'].", detail: '' } });
    expect(QuotaError.isInstance(neutron)).toBe(true);
    expect((neutron as QuotaError).quotaName).toBe('floatingip');
    expect(QuotaError.isInstance(fault(413, { overLimit: { code: 413, message: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances' } }))).toBe(true);
    const throttled = fault(429, { overLimit: { code: 429, message: 'Rate limit exceeded' } }, '3');
    expect(ThrottledError.isInstance(throttled)).toBe(true);
    expect((throttled as ThrottledError).retryAfterMs).toBe(3000);
    expect(ThrottledError.isInstance(fault(413, { overLimit: { code: 413, message: 'This request was rate-limited.' } }, '1'))).toBe(true);
    expect(AuthError.isInstance(fault(401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }))).toBe(true);
    expect(AuthError.isInstance(fault(403, { forbidden: { code: 403, message: 'Policy does not allow os_compute_api:servers:create to be performed.' } }))).toBe(true);
    expect(NotFoundError.isInstance(fault(404, { itemNotFound: { code: 404, message: 'Instance x could not be found.' } }))).toBe(true);
    expect(ConflictError.isInstance(fault(409, { conflictingRequest: { code: 409, message: "Cannot 'stop' instance while it is in vm_state stopped" } }))).toBe(true);
    const invalid = fault(400, { badRequest: { code: 400, message: 'Invalid flavorRef provided.' } });
    expect(InvalidSpecError.isInstance(invalid) && invalid.field).toBe('instanceType');
    expect(ProviderUnavailableError.isInstance(fault(503, '<html><body><h1>503 Service Unavailable</h1></body></html>'))).toBe(true);
    expect((fault(500, { computeFault: { code: 500, message: 'Unexpected API Error.' } }) as ProviderUnavailableError).retryable).toBe(true);
  });

  it('names the spec field of a 400 from its words', () => {
    expect(specFieldOf('Image 0e6ab2e7 could not be found.')).toBe('image');
    expect(specFieldOf('Network 3cb9bc59 could not be found.')).toBe('network.network');
    expect(specFieldOf('Security group web not found.')).toBe('network.securityGroups');
    expect(specFieldOf('Invalid key_name provided.')).toBe('(openstack) keyName');
    expect(specFieldOf('The requested availability zone is not available')).toBe('zone');
    expect(specFieldOf("Invalid input for field/attribute metadata. Value: {'k': 1}")).toBe('labels');
    expect(specFieldOf('Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.')).toBe('disk');
    expect(specFieldOf('User data needs to be valid base 64.')).toBe('userData');
  });

  it('keeps the status and request id in the cause, and Retry-After as seconds or a date', () => {
    const e = fault(404, { itemNotFound: { code: 404, message: 'gone' } }) as NotFoundError;
    expect(e.cause).toMatchObject({ statusCode: 404, code: 'itemNotFound', requestId: 'req-1' });
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(Date.now() + 5_000).toUTCString())).toBeGreaterThan(3_000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(quotaNameOf('Quota exceeded for ram: Requested 4096')).toBe('ram');
  });

  it('parses any body without throwing and keeps at most a bounded message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.constantFrom('{"x":', '<html>', '{"NeutronError":null}', '{"badRequest":"x"}')), (text) => {
        const parsed = parseFaultBody(text);
        expect(typeof parsed.message).toBe('string');
        for (const status of [400, 401, 403, 404, 409, 413, 429, 500, 503]) expect(toNovacronError({ status, ...parsed, retryAfterMs: undefined, requestId: undefined }, ctx)).toBeInstanceOf(Error);
      }),
    );
  });
});

describe('Keystone token requests', () => {
  it('scopes a password to a project by id, or by name and domain', () => {
    expect(authBody({ type: 'password', username: 'demo', password: 'pw', userDomainName: 'Default', projectId: 'p1' }, 'x')).toEqual({
      identity: { methods: ['password'], password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'pw' } } },
      scope: { project: { id: 'p1' } },
    });
    expect(authBody({ type: 'password', username: 'demo', password: 'pw', userDomainId: 'd1', projectName: 'novacron', projectDomainName: 'Ops' }, 'x')).toMatchObject({ scope: { project: { name: 'novacron', domain: { name: 'Ops' } } } });
    expect(authBody({ type: 'password', username: 'demo', password: 'pw', projectName: 'novacron' }, 'x')).toMatchObject({ scope: { project: { name: 'novacron', domain: { name: 'Default' } } } });
  });

  it('sends an application credential without a scope', () => {
    expect(authBody({ type: 'application_credential', id: 'ac', secret: 's' }, 'x')).toEqual({ identity: { methods: ['application_credential'], application_credential: { id: 'ac', secret: 's' } } });
  });

  it('reads OS_* variables, and takes a provider-level projectId as an id (32 hex) or a name', () => {
    expect(resolveAuth({ providerName: 'x', env: { OS_APPLICATION_CREDENTIAL_ID: 'a', OS_APPLICATION_CREDENTIAL_SECRET: 'b' } })).toEqual({ type: 'application_credential', id: 'a', secret: 'b' });
    expect(resolveAuth({ providerName: 'x', project: 'novacron', env: { OS_USERNAME: 'u', OS_PASSWORD: 'p' } })).toMatchObject({ type: 'password', username: 'u', projectName: 'novacron' });
    expect(resolveAuth({ providerName: 'x', project: 'a'.repeat(32), auth: { type: 'password', username: 'u', password: 'p' } })).toMatchObject({ projectId: 'a'.repeat(32) });
    const missing = (() => {
      try {
        return resolveAuth({ providerName: 'x', env: {} });
      } catch (error) {
        return error;
      }
    })();
    expect(AuthError.isInstance(missing)).toBe(true);
  });
});

describe('the create body and its metadata', () => {
  const spec = parseVMSpec({ name: 'web-1', cpu: 2, memory: 4, disk: 80, labels: { team: 'web' }, userData: '#cloud-config\nruncmd: [echo hi]\n' });
  const metadata = vmMetadata(spec, { providerName: 'on-prem', specHash: 'h', keyDigest: keyDigestOf('k') });

  it('boots from a volume when the disk exceeds the flavor’s, from the image otherwise; user data in base64', () => {
    const volume = toServerBody(spec, { name: 'nc-x', flavorRef: 'f1', imageId: 'img', bootFromVolume: true, diskGiB: 80, portId: 'port-1', metadata, availabilityZone: 'nova', keyName: 'ops' });
    expect(volume).toMatchObject({
      name: 'nc-x',
      flavorRef: 'f1',
      networks: [{ port: 'port-1' }],
      block_device_mapping_v2: [{ boot_index: 0, uuid: 'img', source_type: 'image', destination_type: 'volume', volume_size: 80, delete_on_termination: true }],
      availability_zone: 'nova',
      key_name: 'ops',
    });
    expect(volume.imageRef).toBeUndefined();
    expect(Buffer.from(volume.user_data as string, 'base64').toString()).toBe(spec.userData);
    const local = toServerBody(spec, { name: 'nc-x', flavorRef: 'f1', imageId: 'img', bootFromVolume: false, diskGiB: 20, portId: 'p', metadata });
    expect(local).toMatchObject({ imageRef: 'img' });
    expect(local.block_device_mapping_v2).toBeUndefined();
  });

  it('writes labels and novacron items, refuses the adapter’s own keys and more than Nova takes', () => {
    expect(metadata).toMatchObject({ team: 'web', 'novacron-name': 'web-1', 'novacron-managed': 'true', 'novacron-key': keyDigestOf('k') });
    expect(labelsOf(metadata)).toEqual({ team: 'web' });
    const own = parseVMSpec({ name: 'x', cpu: 1, memory: 1, labels: { 'novacron-key': 'x' } });
    expect(() => vmMetadata(own, { providerName: 'p', specHash: 'h' })).toThrow(InvalidSpecError);
    const many = parseVMSpec({ name: 'x', cpu: 1, memory: 1, labels: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`l${i}`, 'v'])) });
    expect(Object.keys(vmMetadata(many, { providerName: 'p', specHash: 'h' })).length).toBeLessThanOrEqual(128);
  });

  it('derives the server name and key digest from the key alone', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (key) => {
        expect(serverNameFor(key)).toMatch(/^nc-[0-9a-f]{16}$/);
        expect(serverNameFor(key)).toBe(serverNameFor(key));
        expect(keyDigestOf(key)).toMatch(/^[0-9a-f]{40}$/);
      }),
    );
    expect(serverNameFor('a')).not.toBe(serverNameFor('b'));
  });
});

describe('Glance image architectures', () => {
  it('reads the architecture property and keeps the newest active image per architecture', () => {
    expect(architectureOfImage({ architecture: 'aarch64' })).toBe('arm64');
    expect(architectureOfImage({ architecture: 'x86_64' })).toBe('x86_64');
    expect(architectureOfImage({ architecture: 'ppc64le' })).toBeUndefined();
    const chosen = newestPerArchitecture([
      { id: 'old', status: 'active', architecture: 'x86_64', created_at: '2025-01-01T00:00:00Z' },
      { id: 'new', status: 'active', architecture: 'x86_64', created_at: '2026-01-01T00:00:00Z' },
      { id: 'queued', status: 'queued', architecture: 'x86_64', created_at: '2027-01-01T00:00:00Z' },
      { id: 'arm', status: 'active', architecture: 'aarch64' },
    ]);
    expect(chosen.get('x86_64')?.id).toBe('new');
    expect(chosen.get('arm64')?.id).toBe('arm');
  });
});
