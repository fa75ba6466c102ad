/** The pure mappings: states, errors, images, machine types and the insert body. */
import { describe, expect, it } from 'vitest';
import { AuthError, CapacityError, ConflictError, InvalidSpecError, NotFoundError, ProviderUnavailableError, QuotaError, ThrottledError, TimeoutError } from '../../../src/provider/errors.js';
import { parseVMSpec } from '../../../src/provider/spec-schema.js';
import { gceDiskTypeOf } from '../../../src/providers/gcp/disk-types.js';
import { GceOperationError, specFieldOf, toNovacronError } from '../../../src/providers/gcp/error-mapping.js';
import { isImageRefusal, resolveGcpImage } from '../../../src/providers/gcp/image-aliases.js';
import { toInstanceBody, type InstanceBodyInput } from '../../../src/providers/gcp/instance-mapping.js';
import { customShapeFor, gpuModelOfAccelerator, needsHyperdisk } from '../../../src/providers/gcp/machine-types.js';
import { gceInstanceToVM, vmStateOf } from '../../../src/providers/gcp/state-mapping.js';

const ctx = { provider: 'gcp-test', operation: 'createVM', region: 'us-central1', zone: 'us-central1-a', instanceType: 'n2-standard-2', mutating: true };

/** An error as google-gax's REST transport makes it from a GCE error body. */
function gaxError(httpStatusCode: number, grpc: number, message: string, reason?: string): Error {
  const error = Object.assign(new Error(message), { code: grpc, httpStatusCode });
  if (reason) Object.defineProperty(error, Symbol.for('google-gax.rawHttpResponsePayload'), { value: JSON.stringify({ error: { code: httpStatusCode, message, errors: [{ reason, message, domain: 'global' }] } }) });
  return error;
}

describe('state mapping', () => {
  it.each([
    ['PROVISIONING', 'pending'],
    ['STAGING', 'pending'],
    ['RUNNING', 'running'],
    ['STOPPING', 'stopping'],
    ['SUSPENDING', 'stopping'],
    ['SUSPENDED', 'stopped'],
    ['TERMINATED', 'stopped'],
    ['REPAIRING', 'unknown'],
    ['SOMETHING_NEW', 'unknown'],
  ])('%s → %s', (status, state) => {
    expect(vmStateOf(status)).toBe(state);
  });

  it('reads an instance: id path, zone and region, addresses, spot, labels without novacron\'s own', () => {
    const vm = gceInstanceToVM(
      {
        name: 'nc-1',
        zone: 'https://www.googleapis.com/compute/v1/projects/p/zones/europe-west1-b',
        status: 'TERMINATED',
        machineType: 'https://www.googleapis.com/compute/v1/projects/p/zones/europe-west1-b/machineTypes/n2-custom-4-8192',
        networkInterfaces: [{ networkIP: '10.0.0.2', accessConfigs: [{ natIP: '34.1.2.3' }] }],
        scheduling: { provisioningModel: 'SPOT' },
        labels: { env: 'prod', 'novacron-name': 'web', 'novacron-image': 'debian-12' },
        creationTimestamp: '2026-12-01T00:00:00Z',
      },
      { provider: 'gcp-test', project: 'p' },
    );
    expect(vm).toMatchObject({ id: 'projects/p/zones/europe-west1-b/instances/nc-1', name: 'web', region: 'europe-west1', zone: 'europe-west1-b', state: 'stopped', rawState: 'TERMINATED', spot: true, cpu: 4, memoryGiB: 8, privateIps: ['10.0.0.2'], publicIps: ['34.1.2.3'], labels: { env: 'prod' }, image: 'debian-12' });
  });
});

describe('error mapping', () => {
  it('classifies call errors by GCE reason and status', () => {
    expect(ThrottledError.isInstance(toNovacronError(gaxError(403, 7, 'Rate Limit Exceeded', 'rateLimitExceeded'), ctx))).toBe(true);
    expect(ThrottledError.isInstance(toNovacronError(gaxError(429, 8, 'Too many requests'), ctx))).toBe(true);
    expect(QuotaError.isInstance(toNovacronError(gaxError(403, 7, "Quota 'CPUS' exceeded. Limit: 8.0 in region us-central1.", 'quotaExceeded'), ctx))).toBe(true);
    expect(AuthError.isInstance(toNovacronError(gaxError(401, 16, 'Request had invalid authentication credentials.'), ctx))).toBe(true);
    expect(AuthError.isInstance(toNovacronError(gaxError(403, 7, 'Required compute.instances.create permission', 'forbidden'), ctx))).toBe(true);
    expect(ConflictError.isInstance(toNovacronError(gaxError(409, 10, "The resource 'projects/p/zones/z/instances/nc-1' already exists", 'alreadyExists'), ctx))).toBe(true);
    expect(ProviderUnavailableError.isInstance(toNovacronError(gaxError(503, 14, 'Backend Error'), ctx))).toBe(true);
    expect(TimeoutError.isInstance(toNovacronError(Object.assign(new Error('Total timeout exceeded'), { code: 4 }), ctx))).toBe(true);
  });

  it('names the spec field of a create that refers to something missing or invalid', () => {
    const missing = toNovacronError(gaxError(404, 5, "The resource 'projects/debian-cloud/global/images/family/debian-99' was not found", 'notFound'), ctx);
    expect(InvalidSpecError.isInstance(missing) && missing.issues[0]!.field).toBe('image');
    const invalid = toNovacronError(gaxError(400, 3, "Invalid value for field 'resource.machineType': 'zones/us-central1-a/machineTypes/n9-huge'.", 'invalid'), ctx);
    expect(InvalidSpecError.isInstance(invalid) && invalid.issues[0]!.field).toBe('instanceType');
    expect(specFieldOf("The resource 'projects/p/zones/us-central1-a/acceleratorTypes/nvidia-tesla-k80' was not found")).toBe('gpu');
    expect(specFieldOf("Invalid value for field 'resource.networkInterfaces[0].subnetwork'")).toBe('network.subnet');
    const read = toNovacronError(gaxError(404, 5, "The resource 'projects/p/zones/z/instances/nc-1' was not found", 'notFound'), { ...ctx, operation: 'getVM' });
    expect(NotFoundError.isInstance(read)).toBe(true);
  });

  it('classifies a DONE operation\'s errors like call errors, with the zone', () => {
    const capacity = toNovacronError(new GceOperationError([{ code: 'ZONE_RESOURCE_POOL_EXHAUSTED', message: "The zone 'projects/p/zones/us-central1-b' does not have enough resources available to fulfill the request." }], { operationName: 'op-1' }), ctx);
    expect(CapacityError.isInstance(capacity) && capacity.zone).toBe('us-central1-b');
    // The operation's code is said once, not twice.
    expect(capacity.message).toMatch(/^\[novacron\] \[gcp-test\] createVM: ZONE_RESOURCE_POOL_EXHAUSTED: The zone 'projects\/p\/zones\/us-central1-b' does not have enough resources available to fulfill the request\. \(operation op-1\)$/);
    const withDetails = toNovacronError(new GceOperationError([{ code: 'ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS', message: 'no room' }], {}), ctx);
    expect(CapacityError.isInstance(withDetails) && withDetails.zone).toBe('us-central1-a');
    const quota = toNovacronError(new GceOperationError([{ code: 'QUOTA_EXCEEDED', message: "Quota 'NVIDIA_T4_GPUS' exceeded. Limit: 0.0 in region us-central1." }], {}), ctx);
    expect(QuotaError.isInstance(quota) && quota.quotaName).toBe('NVIDIA_T4_GPUS');
  });
});

describe('images, machine types and disks', () => {
  it('resolves aliases per architecture and refuses unknown ones', () => {
    const ubuntu = resolveGcpImage('ubuntu-24.04');
    expect(!isImageRefusal(ubuntu) && [ubuntu.sourceImage('x86_64'), ubuntu.sourceImage('arm64')]).toEqual(['projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64', 'projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-arm64']);
    const windows = resolveGcpImage('windows-2022');
    expect(!isImageRefusal(windows) && windows.architectures).toEqual(['x86_64']);
    expect(isImageRefusal(resolveGcpImage('ubuntu-99.04'))).toBe(true);
    expect(isImageRefusal(resolveGcpImage('amazon-linux-2023'))).toBe(true);
    expect(isImageRefusal(resolveGcpImage('projects/my-proj/global/images/golden-1'))).toBe(false);
  });

  it('makes custom machine types within the family rules', () => {
    expect(customShapeFor('n2', 3, 5)).toMatchObject({ name: 'n2-custom-4-5120', vcpus: 4, memoryGiB: 5 });
    expect(customShapeFor('n1', 1, 0.5)).toMatchObject({ name: 'custom-1-1024', vcpus: 1 });
    expect(customShapeFor('e2', 2, 40)).toMatchObject({ vcpus: 6 });
    expect(customShapeFor('c2', 2, 4)).toBeUndefined();
    expect(gpuModelOfAccelerator('nvidia-tesla-t4')).toBe('t4');
    expect(gpuModelOfAccelerator('nvidia-a100-80gb')).toBe('a100-80gb');
  });

  it('maps disk classes, with Hyperdisk on the families that need it', () => {
    expect(gceDiskTypeOf('ssd')).toBe('pd-balanced');
    expect(gceDiskTypeOf('hdd')).toBe('pd-standard');
    expect(gceDiskTypeOf('premium-ssd')).toBe('pd-ssd');
    expect(needsHyperdisk('c4')).toBe(true);
    expect(gceDiskTypeOf('ssd', true)).toBe('hyperdisk-balanced');
    expect(() => gceDiskTypeOf('gp3')).toThrow(/disk.type|Compute Engine disk type/);
  });
});

describe('the insert body', () => {
  const base: InstanceBodyInput = {
    name: 'nc-1',
    zone: 'us-central1-a',
    machineType: 'n1-standard-4',
    attachedGpu: undefined,
    hasGpu: false,
    sourceImage: 'projects/debian-cloud/global/images/family/debian-12',
    diskType: 'pd-balanced',
    diskGiB: 30,
    network: 'projects/p/global/networks/default',
    subnetwork: undefined,
    labels: { env: 'prod' },
  };

  it('has no external address unless asked, and user data in metadata', () => {
    const body = toInstanceBody(parseVMSpec({ name: 'a', cpu: 1, memory: 1, userData: '#cloud-config' }), base);
    expect(body.networkInterfaces![0]!.accessConfigs).toEqual([]);
    expect(body.metadata?.items).toEqual([{ key: 'user-data', value: '#cloud-config' }]);
    const open = toInstanceBody(parseVMSpec({ name: 'a', cpu: 1, memory: 1, network: { publicIp: true } }), base);
    expect(open.networkInterfaces![0]!.accessConfigs).toEqual([{ type: 'ONE_TO_ONE_NAT', name: 'External NAT', networkTier: 'PREMIUM' }]);
  });

  it('asks for spot with its termination action, and TERMINATE on host maintenance for GPUs', () => {
    const spot = toInstanceBody(parseVMSpec({ name: 'a', cpu: 1, memory: 1, spot: true }), { ...base, spotTerminationAction: 'DELETE' });
    expect(spot.scheduling).toEqual({ provisioningModel: 'SPOT', instanceTerminationAction: 'DELETE', automaticRestart: false, onHostMaintenance: 'TERMINATE' });
    const gpu = toInstanceBody(parseVMSpec({ name: 'a', cpu: 4, memory: 15, gpu: { count: 1, type: 't4' } }), { ...base, hasGpu: true, attachedGpu: { acceleratorType: 'nvidia-tesla-t4', count: 1 } });
    expect(gpu.scheduling?.onHostMaintenance).toBe('TERMINATE');
    expect(gpu.guestAccelerators).toEqual([{ acceleratorType: 'zones/us-central1-a/acceleratorTypes/nvidia-tesla-t4', acceleratorCount: 1 }]);
  });
});
