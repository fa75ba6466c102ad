/**
 * exportVM → a snapshot of the OS disk with time-limited read access (a VHD SAS URL);
 * importVM → a managed disk imported from that VHD and a VM that boots from it. Read from the
 * emulator's stored disks and snapshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSpecError, UnsupportedError } from '../../../src/provider/errors.js';
import { resourceNamesFor } from '../../../src/providers/azure/naming.js';
import { NOVACRON_TAG } from '../../../src/providers/azure/tags.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

let env: EmulatedAzure;
beforeAll(async () => {
  env = await startEmulatedAzure();
});
afterAll(() => env.close());

describe('Azure export and import', () => {
  it('exports a VHD SAS URL of a snapshot and imports it as a managed disk a new VM boots from', async () => {
    const source = await env.azure.createVM({ name: 'exported', cpu: 1, memory: 1, disk: 40 }, { idempotencyKey: 'export-src' });
    const artifact = await env.azure.exportVM(source.id);
    expect(artifact).toMatchObject({ format: 'vhd', sourceVmId: source.id, sourceProviderKind: 'azure', baseImage: 'ubuntu-22.04', sizeBytes: 40 * 1024 ** 3 });
    expect(artifact.location).toMatch(/^https:\/\/.*sig=/);
    const snapshot = env.emu.state.snapshots().find((s) => s.name.startsWith(`${resourceNamesFor('export-src').vm}-export-`))!;
    expect(snapshot.properties.creationData).toMatchObject({ createOption: 'Copy', sourceResourceId: expect.stringContaining(resourceNamesFor('export-src').osDisk) as unknown });
    expect(snapshot.tags).toMatchObject({ [NOVACRON_TAG.ownerVm]: resourceNamesFor('export-src').vm });

    const imported = await env.azure.importVM(artifact, { name: 'imported', cpu: 1, memory: 1, disk: 30 }, { idempotencyKey: 'import-1' });
    expect(imported.state).toBe('running');
    const names = resourceNamesFor('import-1');
    const disk = env.emu.state.disk(names.osDisk)!;
    expect(disk.properties.creationData).toMatchObject({ createOption: 'Import', sourceUri: artifact.location });
    expect(disk.properties.diskSizeGB).toBe(40); // at least the VHD's size
    expect(disk.tags).toMatchObject({ [NOVACRON_TAG.ownerVm]: names.vm });
    const vm = env.emu.state.virtualMachine(names.vm)!;
    expect(vm.properties.storageProfile.osDisk).toMatchObject({ createOption: 'Attach', osType: 'Linux' });
    expect(vm.properties.storageProfile.osDisk.managedDisk.id.toLowerCase()).toBe(disk.id.toLowerCase());
    expect(vm.properties.osProfile).toBeUndefined();
    expect((await env.azure.importVM(artifact, { name: 'imported', cpu: 1, memory: 1, disk: 30 }, { idempotencyKey: 'import-1' })).id).toBe(imported.id);

    await env.azure.deleteVM(imported.id);
    expect(env.emu.state.disk(names.osDisk)).toBeUndefined();

    // The SAS signature is a bearer secret: an import refused over it never shows it.
    const forged = { ...artifact, location: artifact.location.replace(/sig=[^&]+/, 'sig=Forged0Signature0Value%3D') };
    const error = await rejectionOf(env.azure.importVM(forged, { name: 'forged', cpu: 1, memory: 1 }, { idempotencyKey: 'import-forged' }));
    expect(JSON.stringify({ message: (error as Error).message, cause: String((error as { cause?: unknown }).cause) })).not.toContain('Forged0Signature0Value');
  });

  it('refuses formats other than VHD, and locations that are not https blob URLs', async () => {
    const artifact = { format: 'qcow2', location: 'https://example.invalid/disk.qcow2', sizeBytes: 1, checksum: { algorithm: 'sha256', value: '0'.repeat(64) }, sourceProvider: 'x', sourceProviderKind: 'openstack', sourceVmId: 'x', baseImage: undefined, createdAt: new Date().toISOString() } as const;
    expect(UnsupportedError.isInstance(await rejectionOf(env.azure.importVM(artifact, { name: 'x', cpu: 1, memory: 1 })))).toBe(true);
    const s3 = await rejectionOf(env.azure.importVM({ ...artifact, format: 'vhd', location: 's3://bucket/disk.vhd' }, { name: 'x', cpu: 1, memory: 1 }));
    expect(InvalidSpecError.isInstance(s3) && s3.field === 'artifact.location').toBe(true);
  });
});
