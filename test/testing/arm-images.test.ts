/**
 * The ARM emulator's disks carry real guest bytes, through the real `@azure/arm-compute` client
 * and Azurite: a VM's OS disk holds its image's synthetic disk, a snapshot shares it, the export
 * SAS URL serves it as a real fixed VHD (qemu-img reads it; Range, HEAD, revoke), and a disk
 * `Import` reads a page blob from a linked Azurite account, refusing what Azure refuses (a
 * dynamic VHD, a virtual size that is not whole MiB, a block blob, no footer, a missing or wrong
 * `storageAccountId`) with nothing left behind and no SAS in any message.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComputeManagementClient, type VirtualMachine } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureBlobArtifactStore, type AzureBlobArtifactStore } from '../../src/artifacts/azure-blob/index.js';
import { startArmEmulator, type ArmEmulator } from '../../src/testing/emulators/azure/index.js';
import { startAzurite, type RunningAzurite } from '../../src/testing/emulators/azurite.js';
import { makeRawDisk, qemuConvert, qemuInfo, sha256File, sha256Of, vhdFooter, type TestDisk } from '../artifacts/disk-images.js';

const MiB = 1024 * 1024;
const UBUNTU = { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2', version: 'latest' };
const poll = { updateIntervalInMs: 10 };

let dir: string;
let emu: ArmEmulator;
let azurite: RunningAzurite;
let compute: ComputeManagementClient;
let network: NetworkManagementClient;
let pages: AzureBlobArtifactStore;
let blocks: AzureBlobArtifactStore;
let image: TestDisk;
let accountId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-arm-images-'));
  azurite = await startAzurite();
  emu = await startArmEmulator({ operationMs: 30, storageAccounts: [{ name: azurite.accountName, blobEndpoint: azurite.blobEndpoint, accountKey: azurite.accountKey }] });
  accountId = `/subscriptions/${emu.providerOptions.subscriptionId}/resourceGroups/${emu.providerOptions.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${azurite.accountName}`;
  const { credential, subscriptionId } = emu.providerOptions;
  compute = new ComputeManagementClient(credential, subscriptionId, { ...emu.sdkClientOptions });
  network = new NetworkManagementClient(credential, subscriptionId, { ...emu.sdkClientOptions });
  const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  await service.getContainerClient('vhds').createIfNotExists();
  pages = createAzureBlobArtifactStore({ ...azurite.storeOptions('vhds'), name: 'vhds', blobType: 'page' });
  blocks = createAzureBlobArtifactStore({ ...azurite.storeOptions('vhds'), name: 'vhds-block', blobType: 'block', prefix: 'block/' });
  image = await makeRawDisk(dir, 'image.raw', { mib: 3, randomBytes: 600 * 1024, seed: 'arm images' });
}, 60_000);

afterAll(async () => {
  await emu?.close();
  await azurite?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Raw {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** One https request to an emulator URL, trusting its CA. */
function get(url: string, method = 'GET', headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, ca: emu.providerOptions.caCertificate, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function caught(promise: Promise<unknown>): Promise<{ statusCode: number | undefined; code: string | undefined; message: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; message: string };
    return { statusCode: err.statusCode, code: err.code, message: err.message };
  }
  throw new Error('expected a rejection');
}

async function createVm(name: string): Promise<VirtualMachine> {
  const { resourceGroup, location, defaults } = emu.providerOptions;
  const nic = await network.networkInterfaces.createOrUpdate(resourceGroup, `${name}-nic`, { location, ipConfigurations: [{ name: 'c', subnet: { id: emu.network().subnetId } }] }, poll);
  return compute.virtualMachines.createOrUpdate(
    resourceGroup,
    name,
    {
      location,
      hardwareProfile: { vmSize: 'Standard_D2s_v5' },
      storageProfile: { imageReference: UBUNTU, osDisk: { name: `${name}-os`, createOption: 'FromImage' } },
      osProfile: { adminUsername: 'azureuser', linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: '/home/azureuser/.ssh/authorized_keys', keyData: defaults.sshPublicKey }] } } },
      networkProfile: { networkInterfaces: [{ id: nic.id }] },
    },
    poll,
  );
}

async function* fileBody(path: string): AsyncIterable<Uint8Array> {
  yield* createReadStream(path) as AsyncIterable<Uint8Array>;
}

/** Uploads a local file as a page (or block) blob at `key`; returns its URL. */
async function upload(path: string, key: string, store: AzureBlobArtifactStore = pages): Promise<string> {
  const { size } = await stat(path);
  return (await store.write(key, fileBody(path), { sizeBytes: size, partSizeBytes: 512 * 1024 })).location;
}

/** `qemu-img info -f vpc`: the file read as a VHD. */
function vpcInfo(path: string): { format: string; 'virtual-size': number } {
  return JSON.parse(execFileSync('qemu-img', ['info', '--output=json', '-f', 'vpc', path], { encoding: 'utf8' })) as { format: string; 'virtual-size': number };
}

/** Fixed VHD of a raw file, as Azure wants it (qemu-img `subformat=fixed,force_size=on`). */
function fixedVhd(raw: string, target: string): string {
  qemuConvert(raw, 'raw', target, 'vhd', ['subformat=fixed', 'force_size=on']);
  return target;
}

describe('guest disks of VMs, snapshots and exports', () => {
  it("gives a VM's OS disk its image's synthetic disk, and a snapshot of it the same bytes", async () => {
    const a = await createVm('img-a');
    const b = await createVm('img-b');
    const diskA = await emu.guestDiskOf('img-a');
    expect(diskA).toMatchObject({ sizeBytes: MiB, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    expect((await emu.guestDiskOf(b.id!))!.sha256).toBe(diskA!.sha256); // same image version, same public bytes
    expect(sha256Of(await readFile(diskA!.path))).toBe(diskA!.sha256);
    const snapshot = await compute.snapshots.createOrUpdate(emu.providerOptions.resourceGroup, 'img-a-snap', { location: emu.providerOptions.location, creationData: { createOption: 'Copy', sourceResourceId: a.storageProfile!.osDisk!.managedDisk!.id! } }, poll);
    expect((await emu.guestDiskOf(snapshot.id!))!.sha256).toBe(diskA!.sha256);
    expect(await emu.guestDiskOf('no-such-vm')).toBeUndefined();
  });

  it('serves a granted snapshot as a real fixed VHD of the guest bytes, with ranges, and stops at revoke', async () => {
    const { resourceGroup } = emu.providerOptions;
    const guest = (await emu.guestDiskOf(`${(await compute.snapshots.get(resourceGroup, 'img-a-snap')).id}`))!;
    const access = await compute.snapshots.grantAccess(resourceGroup, 'img-a-snap', { access: 'Read', durationInSeconds: 600, fileFormat: 'VHD' }, poll);
    const whole = await get(access.accessSAS!);
    expect(whole.status).toBe(200);
    expect(whole.headers).toMatchObject({ 'x-ms-blob-type': 'PageBlob', 'content-length': String(guest.sizeBytes + 512) });
    expect(whole.body.length).toBe(guest.sizeBytes + 512);
    const file = join(dir, 'exported.vhd');
    await writeFile(file, whole.body);
    expect(qemuInfo(file).format).toBe('raw'); // a fixed VHD has no header: only its footer says what it is
    expect(vpcInfo(file)).toMatchObject({ format: 'vpc', 'virtual-size': guest.sizeBytes });
    expect(await vhdFooter(file)).toMatchObject({ cookie: 'conectix', diskType: 2, currentSize: guest.sizeBytes });
    expect(sha256Of(whole.body.subarray(0, guest.sizeBytes))).toBe(guest.sha256);

    const part = await get(access.accessSAS!, 'GET', { range: `bytes=${guest.sizeBytes}-` });
    expect([part.status, part.headers['content-range'], part.body.length]).toEqual([206, `bytes ${guest.sizeBytes}-${guest.sizeBytes + 511}/${guest.sizeBytes + 512}`, 512]);
    expect(part.body.subarray(0, 8).toString('latin1')).toBe('conectix');
    const head = await get(access.accessSAS!, 'HEAD');
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, String(guest.sizeBytes + 512), 0]);
    expect((await get(access.accessSAS!, 'GET', { range: `bytes=${guest.sizeBytes + 512}-` })).status).toBe(416);

    await compute.snapshots.revokeAccess(resourceGroup, 'img-a-snap', poll);
    expect((await get(access.accessSAS!)).status).toBe(403);
  });
});

describe('disk import from Azurite page blobs', () => {
  it('imports a fixed VHD page blob: the disk holds the VHD without its footer, and a VM boots from it', async () => {
    const { resourceGroup, location } = emu.providerOptions;
    const url = await upload(fixedVhd(image.path, join(dir, 'image.vhd')), 'image.vhd');
    const disk = await compute.disks.createOrUpdate(resourceGroup, 'from-azurite', { location, osType: 'Linux', hyperVGeneration: 'V2', creationData: { createOption: 'Import', sourceUri: url } }, poll);
    expect(disk).toMatchObject({ provisioningState: 'Succeeded', diskSizeGB: 1, creationData: { createOption: 'Import', sourceUri: url } });
    expect(await emu.guestDiskOf(disk.id!)).toMatchObject({ sizeBytes: image.sizeBytes, sha256: image.sha256 });

    const nic = await network.networkInterfaces.createOrUpdate(resourceGroup, 'booted-nic', { location, ipConfigurations: [{ name: 'c', subnet: { id: emu.network().subnetId } }] }, poll);
    await compute.virtualMachines.createOrUpdate(resourceGroup, 'booted', { location, hardwareProfile: { vmSize: 'Standard_D2s_v5' }, storageProfile: { osDisk: { createOption: 'Attach', osType: 'Linux', managedDisk: { id: disk.id } } }, networkProfile: { networkInterfaces: [{ id: nic.id }] } }, poll);
    expect((await emu.guestDiskOf('booted'))!.sha256).toBe(image.sha256);

    // The same blob with the storage account's id, as a blob of another subscription needs it.
    const withId = await compute.disks.createOrUpdate(resourceGroup, 'from-azurite-2', { location, creationData: { createOption: 'Import', sourceUri: url, storageAccountId: accountId } }, poll);
    expect((await emu.guestDiskOf(withId.id!))!.sha256).toBe(image.sha256);
  });

  it('reads a blob of no linked account through its SAS URL, and never shows the SAS', async () => {
    const { resourceGroup, location } = emu.providerOptions;
    const key = 'sas/image.vhd';
    await upload(join(dir, 'image.vhd'), key);
    const sas = await pages.presignRead(key, { expiresInSeconds: 600 });
    const other = await startArmEmulator({ operationMs: 30 }); // links no account: reads the URL as it stands
    try {
      const c = new ComputeManagementClient(other.providerOptions.credential, other.providerOptions.subscriptionId, { ...other.sdkClientOptions });
      const disk = await c.disks.createOrUpdate(other.providerOptions.resourceGroup, 'via-sas', { location: other.providerOptions.location, creationData: { createOption: 'Import', sourceUri: sas } }, poll);
      expect(await other.guestDiskOf(disk.id!)).toMatchObject({ sha256: image.sha256 });
      const unsigned = await caught(c.disks.createOrUpdate(other.providerOptions.resourceGroup, 'no-sas', { location: other.providerOptions.location, creationData: { createOption: 'Import', sourceUri: pages.locationOf(key) } }, poll));
      expect(unsigned).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
    } finally {
      await other.close();
    }
    const missing = await caught(compute.disks.createOrUpdate(resourceGroup, 'gone', { location, creationData: { createOption: 'Import', sourceUri: `${pages.locationOf('nothing-here.vhd')}?sv=2024&sig=SecretSignatureValue%3D` } }, poll));
    expect(missing).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
    expect(missing.message).not.toContain('SecretSignatureValue');
  });

  it('refuses what Azure refuses, and leaves no disk behind', async () => {
    const { resourceGroup, location } = emu.providerOptions;
    const importing = (name: string, sourceUri: string, storageAccountId?: string) =>
      caught(compute.disks.createOrUpdate(resourceGroup, name, { location, creationData: { createOption: 'Import', sourceUri, ...(storageAccountId ? { storageAccountId } : {}) } }, poll));

    const dynamic = join(dir, 'dynamic.vhd');
    qemuConvert(image.path, 'raw', dynamic, 'vhd', ['subformat=dynamic']);
    expect(await importing('bad-dynamic', await upload(dynamic, 'dynamic.vhd'))).toMatchObject({ statusCode: 400, code: 'BadRequest', message: 'Only blobs formatted as VHDs can be imported.' });

    const odd = join(dir, 'odd.raw');
    await writeFile(odd, await readFile(image.path));
    const handle = await open(odd, 'r+');
    await handle.truncate(3 * MiB + 64 * 1024);
    await handle.close();
    const oddUrl = await upload(fixedVhd(odd, join(dir, 'odd.vhd')), 'odd.vhd');
    const unaligned = await importing('bad-size', oddUrl);
    expect(unaligned).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(unaligned.message).toBe(`The VHD ${oddUrl} has an unsupported virtual size of ${3 * MiB + 64 * 1024} bytes. The size must be a whole number (in MBs).`);

    const blockUrl = await upload(join(dir, 'image.vhd'), 'image.vhd', blocks);
    expect(await importing('bad-block', blockUrl)).toMatchObject({ statusCode: 400, code: 'BadRequest' });

    const noFooter = await importing('bad-raw', await upload(image.path, 'image.raw'));
    expect(noFooter).toMatchObject({ statusCode: 400, code: 'InvalidVhd' });
    expect(noFooter.message).toContain("Disk is expected to have cookie value 'conectix'");

    const wrongAccount = accountId.replace(/[^/]+$/, 'someotheraccount');
    expect(await importing('bad-account', await upload(join(dir, 'image.vhd'), 'ok.vhd'), wrongAccount)).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });

    const names = ['bad-dynamic', 'bad-size', 'bad-block', 'bad-raw', 'bad-account'];
    for (const name of names) expect(emu.state.disk(name)).toBeUndefined();
  });

  it('wants storageAccountId for a blob of an account in another subscription', async () => {
    const foreignSub = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
    const foreignId = emu.linkStorageAccount({ name: azurite.accountName, blobEndpoint: azurite.blobEndpoint, accountKey: azurite.accountKey, subscriptionId: foreignSub, resourceGroup: 'images-rg' });
    try {
      const { resourceGroup, location } = emu.providerOptions;
      const url = pages.locationOf('image.vhd');
      const missing = await caught(compute.disks.createOrUpdate(resourceGroup, 'foreign-1', { location, creationData: { createOption: 'Import', sourceUri: url } }, poll));
      expect(missing).toMatchObject({ statusCode: 400, code: 'InvalidParameter', message: "Required parameter 'storageAccountId' is missing (null)." });
      const disk = await compute.disks.createOrUpdate(resourceGroup, 'foreign-2', { location, creationData: { createOption: 'Import', sourceUri: url, storageAccountId: foreignId } }, poll);
      expect((await emu.guestDiskOf(disk.id!))!.sha256).toBe(image.sha256);
    } finally {
      emu.linkStorageAccount({ name: azurite.accountName, blobEndpoint: azurite.blobEndpoint, accountKey: azurite.accountKey });
    }
  });

  it('keeps the guest bytes through import → export → import', async () => {
    const { resourceGroup, location } = emu.providerOptions;
    const access = await compute.disks.grantAccess(resourceGroup, 'from-azurite-2', { access: 'Read', durationInSeconds: 600 }, poll);
    const exported = await get(access.accessSAS!);
    const file = join(dir, 'round.vhd');
    await writeFile(file, exported.body);
    expect(await vhdFooter(file)).toMatchObject({ diskType: 2, currentSize: image.sizeBytes });
    const again = await compute.disks.createOrUpdate(resourceGroup, 'round-trip', { location, creationData: { createOption: 'Import', sourceUri: await upload(file, 'round.vhd') } }, poll);
    expect((await emu.guestDiskOf(again.id!))!.sha256).toBe(image.sha256);
    expect(await sha256File(image.path)).toBe(image.sha256);
    await compute.disks.revokeAccess(resourceGroup, 'from-azurite-2', poll);
  });
});
