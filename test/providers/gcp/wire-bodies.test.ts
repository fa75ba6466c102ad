/**
 * What the adapter sends, read back from the emulator's stored insert bodies: machine type, GPU
 * scheduling, spot model, labels, disk type and size, external IP or not, metadata, service account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatedGcp, type EmulatedGcp } from './emulated-gcp.js';

let env: EmulatedGcp;
beforeAll(async () => {
  env = await startEmulatedGcp({ provider: { defaults: { serviceAccount: 'runner@novacron-emulator.iam.gserviceaccount.com', sshKeys: 'ops:ssh-ed25519 AAAAC3Nz ops' } } });
});
afterAll(() => env?.close());

type Body = Record<string, any>;

function insertOf(vmId: string): Body {
  const name = vmId.split('/').pop()!;
  const body = env.emu.state.instanceInsert(name);
  expect(body, `insert body of ${name}`).toBeDefined();
  return body as Body;
}

describe('insert bodies', () => {
  it('a plain VM: the cheapest fitting type, a pd-balanced boot disk of the asked size, no external IP, labels, user data, ssh keys, service account', async () => {
    const vm = await env.gcp.createVM({ name: 'plain', cpu: 2, memory: 4, disk: 30, labels: { team: 'web' }, userData: '#cloud-config\n' }, { idempotencyKey: 'wire-plain' });
    const body = insertOf(vm.id);
    expect(body.machineType).toMatch(new RegExp(`machineTypes/${vm.instanceType}$`));
    const disk = body.disks[0].initializeParams;
    expect(disk.diskType).toMatch(/diskTypes\/pd-balanced$/);
    expect(Number(disk.diskSizeGb)).toBe(30);
    expect(disk.sourceImage).toBe('projects/ubuntu-os-cloud/global/images/family/ubuntu-2204-lts');
    expect(body.networkInterfaces[0].accessConfigs ?? []).toEqual([]);
    expect(vm.publicIps).toEqual([]);
    expect(body.labels).toMatchObject({ team: 'web', 'novacron-managed': 'true', 'novacron-name': 'plain', 'novacron-image': 'ubuntu-22_2e04' });
    expect(body.labels['novacron-key']).toMatch(/^[0-9a-f]{40}$/);
    expect(body.metadata.items).toEqual(expect.arrayContaining([{ key: 'user-data', value: '#cloud-config\n' }, { key: 'ssh-keys', value: 'ops:ssh-ed25519 AAAAC3Nz ops' }]));
    expect(body.serviceAccounts).toEqual([{ email: 'runner@novacron-emulator.iam.gserviceaccount.com', scopes: ['https://www.googleapis.com/auth/cloud-platform'] }]);
    expect(body.scheduling.provisioningModel).toBe('STANDARD');
    expect(vm.labels).toEqual({ team: 'web' });
  });

  it('spot: provisioningModel SPOT with instanceTerminationAction STOP', async () => {
    const vm = await env.gcp.createVM({ name: 'spotty', cpu: 2, memory: 8, spot: true }, { idempotencyKey: 'wire-spot' });
    expect(insertOf(vm.id).scheduling).toMatchObject({ provisioningModel: 'SPOT', instanceTerminationAction: 'STOP', automaticRestart: false });
    expect(vm.spot).toBe(true);
  });

  it('an external IP only when asked, and premium-ssd as pd-ssd', async () => {
    const vm = await env.gcp.createVM({ name: 'open', cpu: 2, memory: 4, network: { publicIp: true }, disk: { size: 50, type: 'premium-ssd' } }, { idempotencyKey: 'wire-ip' });
    const body = insertOf(vm.id);
    expect(body.networkInterfaces[0].accessConfigs).toEqual([expect.objectContaining({ type: 'ONE_TO_ONE_NAT' })]);
    expect(body.disks[0].initializeParams.diskType).toMatch(/pd-ssd$/);
    expect(vm.publicIps.length).toBe(1);
  });

  it('a T4: guestAccelerators on N1 with onHostMaintenance TERMINATE', async () => {
    const vm = await env.gcp.createVM({ name: 'gpu', cpu: 4, memory: 15, gpu: { count: 1, type: 't4' } }, { idempotencyKey: 'wire-gpu' });
    const body = insertOf(vm.id);
    expect(body.machineType).toMatch(/machineTypes\/n1-/);
    expect(body.guestAccelerators).toEqual([{ acceleratorType: expect.stringMatching(/acceleratorTypes\/nvidia-tesla-t4$/), acceleratorCount: 1 }]);
    expect(body.scheduling.onHostMaintenance).toBe('TERMINATE');
  });

  it('an arm64 spec boots the arm64 family of the alias', async () => {
    const vm = await env.gcp.createVM({ name: 'arm', cpu: 2, memory: 8, arch: 'arm64', image: 'debian-12' }, { idempotencyKey: 'wire-arm' }).catch((e: unknown) => e);
    if (vm instanceof Error) {
      // The emulated catalog may have no Arm machine types: then the refusal names arch.
      expect(String(vm)).toMatch(/arch|cpu/);
      return;
    }
    expect((insertOf((vm as { id: string }).id).disks[0].initializeParams.sourceImage as string)).toBe('projects/debian-cloud/global/images/family/debian-12-arm64');
  });

  it('the requestId is the key\'s UUID, the same in every process', async () => {
    const records = env.emu.requests('instances.insert');
    const ids = records.map((r) => r.requestId);
    expect(ids.every((id) => typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
