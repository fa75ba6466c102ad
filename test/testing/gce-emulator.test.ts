/**
 * The Compute Engine emulator as the real `@google-cloud/compute` clients (REST transport) see
 * it: insert → operation wait → RUNNING, requestId dedupe, aggregated list paging and filters,
 * GCE's refusals (GPU + MIGRATE, spot rules, labels, names, zone offers, disk types), actions,
 * machine and accelerator types, image families, export (an export worker writing its object,
 * read with the Cloud Storage JSON API) and import.
 */
import { randomUUID } from 'node:crypto';
import { AcceleratorTypesClient, DisksClient, GlobalOperationsClient, ImagesClient, InstancesClient, MachineTypesClient, ZoneOperationsClient } from '@google-cloud/compute';
import type { ClientOptions } from 'google-gax';
import type { protos } from '@google-cloud/compute';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GCE_OPERATIONS, startGceEmulator, type GceEmulator } from '../../src/testing/emulators/index.js';

type Instance = protos.google.cloud.compute.v1.IInstance;

let emu: GceEmulator;
/** The emulator's client options, typed for the Google clients (its auth client is structural, not a google-auth-library class). */
const options = (e: GceEmulator): ClientOptions => e.clientOptions as unknown as ClientOptions;
let instances: InstancesClient;
let operations: ZoneOperationsClient;
const ZONE = 'us-central1-a';
let project: string;

beforeAll(async () => {
  emu = await startGceEmulator({ operationPendingMs: 5, operationRunningMs: 30, zones: ['us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f', 'europe-west1-b'] });
  project = emu.providerOptions.project;
  instances = new InstancesClient(options(emu));
  operations = new ZoneOperationsClient(options(emu));
});
afterAll(async () => {
  await Promise.all([instances.close(), operations.close()]);
  await emu.close();
});

function body(name: string, extra: Partial<Instance> = {}, zone = ZONE): Instance {
  return {
    name,
    machineType: `zones/${zone}/machineTypes/e2-standard-2`,
    disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/debian-cloud/global/images/family/debian-12', diskSizeGb: 20, diskType: `zones/${zone}/diskTypes/pd-balanced` } }],
    networkInterfaces: [{ network: 'global/networks/default' }],
    ...extra,
  };
}

async function insertAndWait(name: string, extra: Partial<Instance> = {}, zone = ZONE, requestId?: string) {
  const [op] = await instances.insert({ project, zone, instanceResource: body(name, extra, zone), requestId });
  const [done] = await operations.wait({ project, zone, operation: op.latestResponse.name as string });
  return { accepted: op.latestResponse as protos.google.cloud.compute.v1.IOperation, done };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: number | undefined; message: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { code?: number; message: string };
    return { code: err.code, message: err.message };
  }
  throw new Error('expected a refusal');
}

describe('instances.insert', () => {
  it('returns a PENDING operation, waits to DONE, and the instance is RUNNING with what was sent', async () => {
    const { accepted, done } = await insertAndWait('web-1', {
      labels: { team: 'core', env: 'prod' },
      metadata: { items: [{ key: 'user-data', value: '#cloud-config\n' }, { key: 'ssh-keys', value: 'me:ssh-ed25519 AAAA me' }] },
      networkInterfaces: [{ network: 'global/networks/default', subnetwork: 'regions/us-central1/subnetworks/default', accessConfigs: [{ type: 'ONE_TO_ONE_NAT', name: 'External NAT' }] }],
      serviceAccounts: [{ email: 'default', scopes: ['https://www.googleapis.com/auth/cloud-platform'] }],
    });
    expect(accepted.status).toBe('PENDING');
    expect(accepted.operationType).toBe('insert');
    expect(done.status).toBe('DONE');
    expect(done.error).toBeFalsy();
    const [vm] = await instances.get({ project, zone: ZONE, instance: 'web-1' });
    expect(vm.status).toBe('RUNNING');
    expect(vm.machineType).toMatch(/\/zones\/us-central1-a\/machineTypes\/e2-standard-2$/);
    expect(vm.labels).toEqual({ team: 'core', env: 'prod' });
    expect(vm.networkInterfaces?.[0]?.accessConfigs?.[0]?.natIP).toMatch(/^34\./);
    expect(vm.disks?.[0]).toMatchObject({ boot: true, autoDelete: true, diskSizeGb: '20' });
    const sent = emu.state.instanceInsert('web-1')!;
    expect(sent.metadata).toEqual({ items: [{ key: 'user-data', value: '#cloud-config\n' }, { key: 'ssh-keys', value: 'me:ssh-ed25519 AAAA me' }] });
    expect(emu.state.disk('web-1', ZONE)?.type).toMatch(/diskTypes\/pd-balanced$/);
  });

  it('gives no external IP without accessConfigs', async () => {
    await insertAndWait('internal-1');
    expect(emu.state.instance('internal-1')?.networkInterfaces[0]?.accessConfigs).toBeUndefined();
  });

  it('dedupes by requestId: the same operation, one instance', async () => {
    const requestId = randomUUID();
    const first = await insertAndWait('dedupe-1', {}, ZONE, requestId);
    const second = await insertAndWait('dedupe-1', {}, ZONE, requestId);
    expect(second.accepted.name).toBe(first.accepted.name);
    expect(emu.state.instances().filter((i) => i.name === 'dedupe-1')).toHaveLength(1);
    expect(await refusal(instances.insert({ project, zone: ZONE, instanceResource: body('dedupe-1') }))).toMatchObject({ message: expect.stringContaining('already exists') });
    expect(await refusal(instances.insert({ project, zone: ZONE, instanceResource: body('dedupe-2'), requestId: 'not-a-uuid' }))).toMatchObject({ message: expect.stringContaining('valid UUID') });
  });

  it('refuses a GPU VM that asks for live migration with GCE words, and accepts TERMINATE', async () => {
    const gpu = { machineType: `zones/${ZONE}/machineTypes/n1-standard-4`, guestAccelerators: [{ acceleratorType: `zones/${ZONE}/acceleratorTypes/nvidia-tesla-t4`, acceleratorCount: 1 }] };
    expect(await refusal(instances.insert({ project, zone: ZONE, instanceResource: body('gpu-1', { ...gpu, scheduling: { onHostMaintenance: 'MIGRATE' } }) }))).toMatchObject({
      message: 'Instances with guest accelerators do not support live migration.',
    });
    expect((await refusal(instances.insert({ project, zone: ZONE, instanceResource: body('gpu-1', gpu) }))).message).toContain('live migration');
    await insertAndWait('gpu-1', { ...gpu, scheduling: { onHostMaintenance: 'TERMINATE', automaticRestart: true } });
    expect(emu.state.instance('gpu-1')?.guestAccelerators?.[0]?.acceleratorType).toMatch(/nvidia-tesla-t4$/);
    // A2 and G2 bring their GPUs: the rule holds without guestAccelerators.
    expect((await refusal(instances.insert({ project, zone: ZONE, instanceResource: body('g2-1', { machineType: `zones/${ZONE}/machineTypes/g2-standard-4` }) }))).message).toContain('live migration');
  });

  it('refuses an accelerator or machine type the zone does not offer', async () => {
    const l4InF = body('l4-1', { machineType: 'zones/us-central1-f/machineTypes/g2-standard-4', scheduling: { onHostMaintenance: 'TERMINATE' } }, 'us-central1-f');
    expect((await refusal(instances.insert({ project, zone: 'us-central1-f', instanceResource: l4InF }))).message).toContain("Machine type with name 'g2-standard-4' does not exist in zone 'us-central1-f'");
    const a100InC = body('a100-c', { machineType: 'zones/us-central1-c/machineTypes/n1-standard-4', guestAccelerators: [{ acceleratorType: 'zones/us-central1-c/acceleratorTypes/nvidia-tesla-a100', acceleratorCount: 1 }], scheduling: { onHostMaintenance: 'TERMINATE' } }, 'us-central1-c');
    expect((await refusal(instances.insert({ project, zone: 'us-central1-c', instanceResource: a100InC }))).message).toContain("Accelerator type 'nvidia-tesla-a100' does not exist in zone 'us-central1-c'");
    expect((await refusal(instances.insert({ project, zone: 'us-central1-z', instanceResource: body('x') }))).message).toContain('Unknown zone.');
  });

  it('validates spot: SPOT, STOP or DELETE, automaticRestart false', async () => {
    const spot = (s: Record<string, unknown>) => body('spot-1', { scheduling: s });
    expect((await refusal(instances.insert({ project, zone: ZONE, instanceResource: spot({ provisioningModel: 'SPOT', instanceTerminationAction: 'STOP' }) }))).message).toContain("'resource.scheduling.automaticRestart'");
    expect((await refusal(instances.insert({ project, zone: ZONE, instanceResource: spot({ provisioningModel: 'SPOT', automaticRestart: false, instanceTerminationAction: 'PAUSE' }) }))).message).toContain("'resource.scheduling.instanceTerminationAction'");
    expect((await refusal(instances.insert({ project, zone: ZONE, instanceResource: spot({ instanceTerminationAction: 'STOP' }) }))).message).toContain('Spot');
    await insertAndWait('spot-1', { scheduling: { provisioningModel: 'SPOT', automaticRestart: false, instanceTerminationAction: 'DELETE' } });
    expect(emu.state.instance('spot-1')?.scheduling).toMatchObject({ provisioningModel: 'SPOT', instanceTerminationAction: 'DELETE', onHostMaintenance: 'TERMINATE', automaticRestart: false });
  });

  it('applies the label and name rules', async () => {
    for (const labels of [{ Team: 'a' }, { team: 'A' }, { '1team': 'a' }, { team: 'x'.repeat(64) }, Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']))]) {
      expect((await refusal(instances.insert({ project, zone: ZONE, instanceResource: body('labels-1', { labels }) }))).message).toContain("'resource.labels'");
    }
    expect((await refusal(instances.insert({ project, zone: ZONE, instanceResource: body('Bad_Name') }))).message).toContain("'resource.name'");
    expect(emu.state.instance('labels-1')).toBeUndefined();
  });

  it('requires hyperdisk-balanced on c4 and refuses it on e2', async () => {
    const c4 = (type: string) => body('c4-1', { machineType: `zones/${ZONE}/machineTypes/c4-standard-2`, disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64', diskType: `zones/${ZONE}/diskTypes/${type}` } }] });
    expect((await refusal(instances.insert({ project, zone: ZONE, instanceResource: c4('pd-balanced') }))).message).toContain('[pd-balanced] features are not compatible');
    await insertAndWait('c4-1', c4('hyperdisk-balanced'));
    const e2 = body('e2-hd', { disks: [{ boot: true, initializeParams: { sourceImage: 'projects/debian-cloud/global/images/family/debian-12', diskType: `zones/${ZONE}/diskTypes/hyperdisk-balanced` } }] });
    expect((await refusal(instances.insert({ project, zone: ZONE, instanceResource: e2 }))).message).toContain('[hyperdisk-balanced]');
    const arm = body('arm-1', { disks: [{ boot: true, initializeParams: { sourceImage: 'projects/debian-cloud/global/images/family/debian-12-arm64' } }] });
    expect((await refusal(instances.insert({ project, zone: ZONE, instanceResource: arm }))).message).toContain('architecture');
  });
});

describe('actions', () => {
  it('stop → TERMINATED, start → RUNNING, suspend → SUSPENDED, resume, reset, setLabels, delete', async () => {
    await insertAndWait('life-1');
    const act = async (call: Promise<[{ latestResponse: unknown }, ...unknown[]]>) => {
      const [op] = await call;
      return (await operations.wait({ project, zone: ZONE, operation: (op.latestResponse as { name: string }).name }))[0];
    };
    await act(instances.stop({ project, zone: ZONE, instance: 'life-1' }));
    expect((await instances.get({ project, zone: ZONE, instance: 'life-1' }))[0].status).toBe('TERMINATED');
    expect((await refusal(instances.reset({ project, zone: ZONE, instance: 'life-1' }))).message).toContain('is not ready');
    await act(instances.start({ project, zone: ZONE, instance: 'life-1' }));
    expect(emu.state.instance('life-1')?.status).toBe('RUNNING');
    await act(instances.suspend({ project, zone: ZONE, instance: 'life-1' }));
    expect(emu.state.instance('life-1')?.status).toBe('SUSPENDED');
    await act(instances.resume({ project, zone: ZONE, instance: 'life-1' }));
    await act(instances.reset({ project, zone: ZONE, instance: 'life-1' }));
    const [vm] = await instances.get({ project, zone: ZONE, instance: 'life-1' });
    expect(vm.status).toBe('RUNNING');
    expect((await refusal(instances.setLabels({ project, zone: ZONE, instance: 'life-1', instancesSetLabelsRequestResource: { labels: { a: 'b' }, labelFingerprint: 'stale' } }))).code).toBe(9);
    await act(instances.setLabels({ project, zone: ZONE, instance: 'life-1', instancesSetLabelsRequestResource: { labels: { a: 'b' }, labelFingerprint: vm.labelFingerprint } }));
    expect(emu.state.instance('life-1')?.labels).toEqual({ a: 'b' });
    const [del] = await instances.delete({ project, zone: ZONE, instance: 'life-1' });
    expect(emu.state.instance('life-1')?.status).toBe('STOPPING');
    await operations.wait({ project, zone: ZONE, operation: del.latestResponse.name as string });
    expect((await refusal(instances.get({ project, zone: ZONE, instance: 'life-1' }))).code).toBe(5);
    expect(emu.state.disk('life-1', ZONE)).toBeUndefined();
  });

  it('lists the zone operations and returns an unfinished operation when wait times out', async () => {
    const short = await startGceEmulator({ operationRunningMs: 10_000, waitTimeoutMs: 50 });
    const client = new InstancesClient(options(short));
    const ops = new ZoneOperationsClient(options(short));
    const [op] = await client.insert({ project: short.providerOptions.project, zone: ZONE, instanceResource: body('slow-1') });
    const [waited] = await ops.wait({ project: short.providerOptions.project, zone: ZONE, operation: op.latestResponse.name as string });
    expect(waited.status).toBe('RUNNING');
    expect(short.state.instance('slow-1')?.status).toBe('STAGING');
    const [listed] = await ops.list({ project: short.providerOptions.project, zone: ZONE });
    expect(listed.map((o) => o.name)).toContain(op.latestResponse.name);
    await Promise.all([client.close(), ops.close()]);
    await short.close();
  });
});

describe('instances.aggregatedList', () => {
  it('pages across zones in one call per page and honours label and status filters', async () => {
    const big = await startGceEmulator({ zones: ['us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f', 'us-east1-b', 'us-east1-c'] });
    big.seedInstances(1000, { labels: { fleet: 'web' } });
    big.seedInstances(10, { namePrefix: 'stopped', labels: { fleet: 'batch' }, status: 'TERMINATED' });
    const client = new InstancesClient(options(big));
    const p = big.providerOptions.project;
    let count = 0;
    const scopes = new Set<string>();
    for await (const [scope, list] of client.aggregatedListAsync({ project: p, maxResults: 500 })) {
      scopes.add(scope);
      count += list.instances?.length ?? 0;
    }
    expect(count).toBe(1010);
    expect(scopes.size).toBe(6);
    expect(big.stats.count('instances.aggregatedList')).toBe(3);
    const filtered = async (filter: string): Promise<string[]> => {
      const names: string[] = [];
      for await (const [, list] of client.aggregatedListAsync({ project: p, filter })) names.push(...(list.instances ?? []).map((i) => i.name!));
      return names;
    };
    expect(await filtered('labels.fleet = batch')).toHaveLength(10);
    expect(await filtered('labels.fleet=batch status = TERMINATED')).toHaveLength(10);
    expect(await filtered('labels.fleet = web AND status = TERMINATED')).toHaveLength(0);
    expect(await filtered('(labels.fleet = "batch") OR (name = seed-1)')).toHaveLength(11);
    expect(await filtered('zone = us-east1-c AND labels.fleet = web')).toHaveLength(166);
    expect((await refusal(filtered('labels.fleet =='))).message).toContain('Invalid list filter expression');
    expect(big.requests('instances.aggregatedList').some((r) => r.filter === 'labels.fleet = batch')).toBe(true);
    await client.close();
    await big.close();
  });

  it('refuses a page token of another query', async () => {
    emu.seedInstances(4, { namePrefix: 'tok' });
    const url = `${emu.endpoint}/compute/v1/projects/${project}/aggregated/instances`;
    const first = (await (await emu.providerOptions.authClient.fetch(`${url}?maxResults=2`)).json()) as { nextPageToken?: string; items: Record<string, unknown> };
    expect(first.nextPageToken).toBeTruthy();
    expect(Object.keys(first.items)).toHaveLength(5);
    const other = await emu.providerOptions.authClient.fetch(`${url}?maxResults=2&filter=${encodeURIComponent('name = tok-1')}&pageToken=${first.nextPageToken}`, { validateStatus: () => true });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: { message: string } }).error.message).toContain('pageToken');
  });
});

describe('types, images and disks', () => {
  it('lists machine types and accelerator types per zone', async () => {
    const types = new MachineTypesClient(options(emu));
    const accelerators = new AcceleratorTypesClient(options(emu));
    const [n2] = await types.get({ project, zone: ZONE, machineType: 'n2-standard-4' });
    expect(n2).toMatchObject({ guestCpus: 4, memoryMb: 16384, zone: ZONE });
    const [custom] = await types.get({ project, zone: ZONE, machineType: 'n2-custom-4-8192' });
    expect(custom.guestCpus).toBe(4);
    const [listF] = await types.list({ project, zone: 'us-central1-f' });
    expect(listF.some((t) => t.name === 'g2-standard-4')).toBe(false);
    const [accA] = await accelerators.list({ project, zone: ZONE });
    expect(accA.map((a) => a.name)).toEqual(expect.arrayContaining(['nvidia-tesla-t4', 'nvidia-l4']));
    const [accEu] = await accelerators.list({ project, zone: 'europe-west1-b' });
    expect(accEu.map((a) => a.name)).toContain('nvidia-tesla-t4');
    const scopes = new Set<string>();
    for await (const [scope, scoped] of types.aggregatedListAsync({ project })) if (scoped.machineTypes?.length) scopes.add(scope);
    expect(scopes.size).toBe(5);
    await Promise.all([types.close(), accelerators.close()]);
  });

  it('resolves public image families to the newest non-deprecated image', async () => {
    const images = new ImagesClient(options(emu));
    for (const [p, family] of [['ubuntu-os-cloud', 'ubuntu-2204-lts'], ['ubuntu-os-cloud', 'ubuntu-2404-lts-amd64'], ['ubuntu-os-cloud', 'ubuntu-2404-lts-arm64'], ['debian-cloud', 'debian-12'], ['debian-cloud', 'debian-12-arm64'], ['rhel-cloud', 'rhel-9'], ['windows-cloud', 'windows-2022']] as const) {
      const [image] = await images.getFromFamily({ project: p, family });
      expect(image.status).toBe('READY');
      expect(image.deprecated).toBeFalsy();
      expect(image.family).toBe(family);
    }
    expect((await refusal(images.getFromFamily({ project: 'debian-cloud', family: 'debian-99' }))).code).toBe(5);
    await images.close();
  });

  it('exports a boot disk as snapshot and image, and imports an image from a raw disk archive', async () => {
    await insertAndWait('export-1');
    const disks = new DisksClient(options(emu));
    const images = new ImagesClient(options(emu));
    const global = new GlobalOperationsClient(options(emu));
    const [disk] = await disks.get({ project, zone: ZONE, disk: 'export-1' });
    expect(disk.users?.[0]).toMatch(/instances\/export-1$/);
    const [snap] = await disks.createSnapshot({ project, zone: ZONE, disk: 'export-1', snapshotResource: { name: 'export-1-snap' } });
    await operations.wait({ project, zone: ZONE, operation: snap.latestResponse.name as string });
    expect(emu.state.snapshots()[0]).toMatchObject({ name: 'export-1-snap', status: 'READY' });
    expect((await refusal(images.insert({ project, imageResource: { name: 'export-1-image', sourceDisk: `zones/${ZONE}/disks/export-1` } }))).message).toContain('already being used');
    const [fromDisk] = await images.insert({ project, forceCreate: true, imageResource: { name: 'export-1-image', sourceDisk: `zones/${ZONE}/disks/export-1` } });
    await global.wait({ project, operation: fromDisk.latestResponse.name as string });
    const source = 'https://storage.googleapis.com/novacron-images/export-1/disk.tar.gz';
    emu.registerStorageObject(source, { sizeBytes: 300_000_000, diskSizeGb: 10 });
    const [raw] = await images.insert({ project, imageResource: { name: 'imported-1', family: 'novacron-imports', rawDisk: { source } } });
    const [rawDone] = await global.wait({ project, operation: raw.latestResponse.name as string });
    expect(rawDone.error).toBeFalsy();
    const [imported] = await images.getFromFamily({ project, family: 'novacron-imports' });
    expect(imported).toMatchObject({ name: 'imported-1', status: 'READY', diskSizeGb: '10' });
    await insertAndWait('from-import', { disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'global/images/imported-1' } }] });
    expect(emu.state.instance('from-import')?.status).toBe('RUNNING');
    const [missing] = await images.insert({ project, imageResource: { name: 'imported-2', rawDisk: { source: 'https://storage.googleapis.com/novacron-images/none.tar.gz' } } });
    const [missingDone] = await global.wait({ project, operation: missing.latestResponse.name as string });
    expect(missingDone.error?.errors?.[0]?.code).toBe('RESOURCE_NOT_FOUND');
    await Promise.all([disks.close(), images.close(), global.close()]);
  });

  it('runs an export worker: RUNNING, then its object appears and it is TERMINATED; objects are read with the JSON API', async () => {
    const images = new ImagesClient(options(emu));
    const global = new GlobalOperationsClient(options(emu));
    await insertAndWait('export-2');
    const [image] = await images.insert({ project, forceCreate: true, imageResource: { name: 'export-2-image', sourceDisk: `zones/${ZONE}/disks/export-2` } });
    await global.wait({ project, operation: image.latestResponse.name as string });
    const destination = 'gs://novacron-exports/runs/export-2.tar.gz';
    const objectUrl = `${emu.providerOptions.storageEndpoint}/storage/v1/b/novacron-exports/o/${encodeURIComponent('runs/export-2.tar.gz')}`;
    const read = (url: string) => emu.providerOptions.authClient.fetch(url, { validateStatus: () => true }) as Promise<{ status: number; json(): Promise<Record<string, unknown>> }>;
    expect((await read(objectUrl)).status).toBe(404);
    await insertAndWait('export-2-worker', {
      machineType: `zones/${ZONE}/machineTypes/e2-small`,
      disks: [
        { boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/debian-cloud/global/images/family/debian-12' } },
        { autoDelete: true, mode: 'READ_ONLY', deviceName: 'novacron-export-source', initializeParams: { sourceImage: 'global/images/export-2-image' } },
      ],
      metadata: { items: [{ key: 'novacron-export-destination', value: destination }, { key: 'startup-script', value: '#!/bin/bash\npoweroff' }] },
    });
    expect(emu.state.instance('export-2-worker')?.status).toBe('RUNNING');
    for (let i = 0; i < 100 && emu.state.instance('export-2-worker')?.status !== 'TERMINATED'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(emu.state.instance('export-2-worker')?.status).toBe('TERMINATED');
    const found = await read(objectUrl);
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ kind: 'storage#object', bucket: 'novacron-exports', name: 'runs/export-2.tar.gz', size: String(20 * 1024 ** 3 / 4), md5Hash: expect.any(String) });
    // The object is what an import reads.
    const [raw] = await images.insert({ project, imageResource: { name: 'export-2-reimport', rawDisk: { source: 'https://storage.googleapis.com/novacron-exports/runs/export-2.tar.gz' } } });
    const [rawDone] = await global.wait({ project, operation: raw.latestResponse.name as string });
    expect(rawDone.error).toBeFalsy();
    expect(emu.state.images().find((i) => i.name === 'export-2-reimport')?.diskSizeGb).toBe('20');
    // A bearer token is required.
    expect((await fetch(objectUrl)).status).toBe(401);
    await Promise.all([images.close(), global.close()]);
  });

  it('names every operation it serves in GCE_OPERATIONS', () => {
    expect(Object.keys(emu.stats.byOperation()).every((op) => (GCE_OPERATIONS as readonly string[]).includes(op))).toBe(true);
  });
});
