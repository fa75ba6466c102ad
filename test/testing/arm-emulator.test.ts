/**
 * The ARM emulator against the real Azure SDK clients (`@azure/arm-compute` 25, `@azure/arm-network`
 * 39, `@azure/identity` 4): the SDKs must deserialize every answer and their pollers must finish,
 * and the emulator must store what ARM would, refuse what ARM refuses, and page like ARM.
 * Fault kinds are proven in `arm-emulator-faults.test.ts`.
 */
import { execFile } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { ComputeManagementClient, restorePoller, type VirtualMachine } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator } from '../../src/testing/emulators/azure/index.js';
import { hasVhdFooter } from '../../src/testing/emulators/azure/vhd-blobs.js';

let emu: ArmEmulator;
let compute: ComputeManagementClient;
let network: NetworkManagementClient;
const poll = { updateIntervalInMs: 10 };

beforeAll(async () => {
  emu = await startArmEmulator({ operationMs: 40 });
  const { credential, subscriptionId } = emu.providerOptions;
  compute = new ComputeManagementClient(credential, subscriptionId, { ...emu.sdkClientOptions });
  network = new NetworkManagementClient(credential, subscriptionId, { ...emu.sdkClientOptions });
});
afterAll(async () => emu.close());
beforeEach(() => emu.faults.reset());

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json: () => { error?: { code: string; message: string; target?: string }; [k: string]: unknown };
}

/** One https request to the emulator, trusting its CA. */
function raw(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  return rawTo(emu, method, path, options);
}

/** One https request to an emulator, trusting its CA. */
function rawTo(target: ArmEmulator, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers };
    const req = httpsRequest(`${target.endpoint}${path}`, { method, ca: target.providerOptions.caCertificate, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, json: () => JSON.parse(buf.toString('utf8')) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function bearer(): Promise<string> {
  return (await emu.providerOptions.credential.getToken('https://management.azure.com/.default'))!.token;
}

async function armGet(path: string): Promise<RawAnswer> {
  return raw('GET', path, { headers: { authorization: `Bearer ${await bearer()}` } });
}

function rgPath(rest: string): string {
  const { subscriptionId, resourceGroup } = emu.providerOptions;
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${rest}`;
}

async function caught(promise: Promise<unknown>): Promise<{ statusCode: number | undefined; code: string | undefined; message: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; message: string };
    return { statusCode: err.statusCode, code: err.code, message: err.message };
  }
  throw new Error('expected a failure');
}

async function createNic(name: string, options: { publicIp?: boolean; location?: string } = {}): Promise<{ nicId: string; ipId: string | undefined }> {
  const { resourceGroup } = emu.providerOptions;
  const location = options.location ?? emu.providerOptions.location;
  const net = emu.network(location);
  let ipId: string | undefined;
  if (options.publicIp) {
    const ip = await network.publicIPAddresses.createOrUpdate(resourceGroup, `${name}-ip`, { location, sku: { name: 'Standard' }, publicIPAllocationMethod: 'Static' }, poll);
    ipId = ip.id;
  }
  const nic = await network.networkInterfaces.createOrUpdate(
    resourceGroup,
    `${name}-nic`,
    { location, networkSecurityGroup: { id: net.networkSecurityGroupId }, ipConfigurations: [{ name: 'ipconfig1', subnet: { id: net.subnetId }, ...(ipId ? { publicIPAddress: { id: ipId } } : {}) }] },
    poll,
  );
  return { nicId: nic.id!, ipId };
}

const UBUNTU = { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2', version: 'latest' };

function vmParams(nicId: string, extra: Partial<VirtualMachine> = {}): VirtualMachine {
  const { location, defaults } = emu.providerOptions;
  return {
    location,
    hardwareProfile: { vmSize: 'Standard_D2s_v5' },
    storageProfile: { imageReference: UBUNTU, osDisk: { createOption: 'FromImage', managedDisk: { storageAccountType: 'Premium_LRS' } } },
    osProfile: {
      adminUsername: defaults.adminUsername,
      linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: `/home/${defaults.adminUsername}/.ssh/authorized_keys`, keyData: defaults.sshPublicKey }] } },
    },
    networkProfile: { networkInterfaces: [{ id: nicId, primary: true }] },
    ...extra,
  };
}

async function createVm(name: string, extra: Partial<VirtualMachine> = {}, nic?: { publicIp?: boolean }): Promise<VirtualMachine> {
  const { nicId } = await createNic(name, nic);
  return compute.virtualMachines.createOrUpdate(emu.providerOptions.resourceGroup, name, vmParams(nicId, extra), poll);
}

describe('providerOptions and the seeded subscription', () => {
  it('has the agreed shape, a resource group, and a vnet/subnet/NSG per location', async () => {
    const o = emu.providerOptions;
    expect(o.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(o.subscriptionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(o.location).toBe('westeurope');
    expect(o.locations).toEqual(['westeurope', 'eastus']);
    expect(o.caCertificate).toContain('BEGIN CERTIFICATE');
    expect(o.defaults.sshPublicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+=* /);
    const group = await armGet(`/subscriptions/${o.subscriptionId}/resourceGroups/${o.resourceGroup}?api-version=2021-04-01`);
    expect(group.status).toBe(200);
    expect(group.json()).toMatchObject({ name: o.resourceGroup, location: 'westeurope', properties: { provisioningState: 'Succeeded' } });
    const vnet = await network.virtualNetworks.get(o.resourceGroup, o.defaults.virtualNetwork);
    expect(vnet.subnets?.map((s) => s.name)).toEqual([o.defaults.subnet]);
    expect((await network.subnets.get(o.resourceGroup, o.defaults.virtualNetwork, o.defaults.subnet)).networkSecurityGroup?.id).toBe(emu.network().networkSecurityGroupId);
    expect((await network.virtualNetworks.get(o.resourceGroup, `${o.defaults.virtualNetwork}-eastus`)).location).toBe('eastus');
    expect((await network.networkSecurityGroups.get(o.resourceGroup, o.defaults.networkSecurityGroup)).defaultSecurityRules?.map((r) => r.name)).toContain('DenyAllInBound');
  });

  it('serves the Retail Prices API beside it', async () => {
    const res = await fetch(`${emu.providerOptions.retailPricesEndpoint}/api/retail/prices?$filter=${encodeURIComponent("armRegionName eq 'westeurope' and armSkuName eq 'Standard_D2s_v5'")}`);
    const body = (await res.json()) as { Items: { type: string }[] };
    expect(body.Items.some((i) => i.type === 'Consumption')).toBe(true);
  });
});

describe('virtual machines through the SDK', () => {
  it('creates a public IP, NIC and VM, and stores the wire bodies ARM would return', async () => {
    const customData = Buffer.from('#cloud-config\nruncmd: [echo hi]\n').toString('base64');
    const vm = await createVm(
      'web-1',
      {
        zones: ['2'],
        tags: { app: 'web', 'novacron-managed': 'true' },
        storageProfile: { imageReference: UBUNTU, osDisk: { name: 'web-1-os', createOption: 'FromImage', diskSizeGB: 64, deleteOption: 'Delete', managedDisk: { storageAccountType: 'StandardSSD_LRS' } } },
        osProfile: { computerName: 'web-1', adminUsername: 'azureuser', adminPassword: 'Sup3r-Secret-pw', customData, linuxConfiguration: { disablePasswordAuthentication: false } },
      },
      { publicIp: true },
    );
    expect(vm.provisioningState).toBe('Succeeded');
    const stored = emu.state.virtualMachine('web-1')!;
    expect(stored.properties.hardwareProfile.vmSize).toBe('Standard_D2s_v5');
    expect(stored.zones).toEqual(['2']);
    expect(stored.tags).toEqual({ app: 'web', 'novacron-managed': 'true' });
    expect(stored.properties.storageProfile.osDisk).toMatchObject({ name: 'web-1-os', diskSizeGB: 64, deleteOption: 'Delete', managedDisk: { storageAccountType: 'StandardSSD_LRS' } });
    expect(stored.properties.instanceView?.statuses.map((s) => s.code)).toEqual(['ProvisioningState/succeeded', 'PowerState/running']);
    expect(JSON.stringify(stored)).not.toContain('Sup3r-Secret-pw');
    expect(JSON.stringify(stored)).not.toContain(customData);
    const write = emu.state.virtualMachineWrite('web-1')!;
    expect(write.customData).toBe(customData);
    expect(write.passwordSet).toBe(true);
    expect(JSON.stringify(write.body)).not.toContain('Sup3r-Secret-pw');
    const disk = emu.state.disk('web-1-os')!;
    expect(disk).toMatchObject({ sku: { name: 'StandardSSD_LRS' }, zones: ['2'], managedBy: stored.id, properties: { diskSizeGB: 64, osType: 'Linux', diskState: 'Attached' } });
    const nic = emu.state.networkInterface('web-1-nic')!;
    expect(nic.properties.virtualMachine?.id).toBe(stored.id);
    expect(nic.properties.ipConfigurations[0]!.properties.privateIPAddress).toMatch(/^10\.0\.0\.\d+$/);
    expect(emu.state.publicIPAddress('web-1-ip')!.properties.ipConfiguration?.id).toBe(nic.properties.ipConfigurations[0]!.id);
    const fetched = await compute.virtualMachines.get(emu.providerOptions.resourceGroup, 'web-1');
    expect(fetched.osProfile?.adminPassword).toBeUndefined();
    expect(fetched.osProfile?.customData).toBeUndefined();
    expect(fetched.storageProfile?.imageReference?.exactVersion).toMatch(/^22\.04\./);
  });

  it('answers a create with 201 and Azure-AsyncOperation, InProgress then Succeeded', async () => {
    let now = Date.now();
    const manual = await startArmEmulator({ operationMs: 1000, clock: () => now });
    try {
      const o = manual.providerOptions;
      const n = new NetworkManagementClient(o.credential, o.subscriptionId, { ...manual.sdkClientOptions });
      const nic = await n.networkInterfaces.beginCreateOrUpdate(o.resourceGroup, 'lro-nic', { location: o.location, ipConfigurations: [{ name: 'c', subnet: { id: manual.network().subnetId } }] });
      now += 1000;
      const nicId = (await nic.pollUntilDone()).id!;
      const auth = { authorization: `Bearer ${(await o.credential.getToken('https://management.azure.com/.default'))!.token}` };
      const wire = {
        location: o.location,
        properties: {
          hardwareProfile: { vmSize: 'Standard_D2s_v5' },
          storageProfile: { imageReference: UBUNTU, osDisk: { createOption: 'FromImage' } },
          osProfile: { adminUsername: o.defaults.adminUsername, linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ keyData: o.defaults.sshPublicKey }] } } },
          networkProfile: { networkInterfaces: [{ id: nicId }] },
        },
      };
      const at = (path: string, method = 'GET', body?: unknown): Promise<RawAnswer> => rawTo(manual, method, path, { body, headers: auth });
      const put = await at(`/subscriptions/${o.subscriptionId}/resourceGroups/${o.resourceGroup}/providers/Microsoft.Compute/virtualMachines/lro-1?api-version=2026-04-01`, 'PUT', wire);
      expect(put.status).toBe(201);
      expect(put.json()).toMatchObject({ properties: { provisioningState: 'Creating' } });
      expect(put.headers.location).toBeUndefined();
      expect(put.headers['x-ms-request-id']).toBeTruthy();
      const opUrl = new URL(String(put.headers['azure-asyncoperation']));
      expect(opUrl.pathname).toMatch(/\/providers\/Microsoft\.Compute\/locations\/westeurope\/operations\//);
      expect((await at(`${opUrl.pathname}${opUrl.search}`)).json()).toMatchObject({ status: 'InProgress' });
      expect(manual.state.virtualMachine('lro-1')!.properties.provisioningState).toBe('Creating');
      now += 1000;
      expect((await at(`${opUrl.pathname}${opUrl.search}`)).json()).toMatchObject({ status: 'Succeeded', name: opUrl.pathname.split('/').pop() });
      expect(manual.state.virtualMachine('lro-1')!.properties.provisioningState).toBe('Succeeded');
    } finally {
      await manual.close();
    }
  });

  it('resumes a create from a serialized poller, in this process and in a new one', async () => {
    let now = Date.now();
    const manual = await startArmEmulator({ operationMs: 10_000, clock: () => now });
    try {
      const o = manual.providerOptions;
      const c = new ComputeManagementClient(o.credential, o.subscriptionId, { ...manual.sdkClientOptions });
      const n = new NetworkManagementClient(o.credential, o.subscriptionId, { ...manual.sdkClientOptions });
      const nicFor = async (name: string): Promise<string> => {
        const p = await n.networkInterfaces.beginCreateOrUpdate(o.resourceGroup, `${name}-nic`, { location: o.location, ipConfigurations: [{ name: 'c', subnet: { id: manual.network().subnetId } }] });
        now += 10_000;
        return (await p.pollUntilDone()).id!;
      };
      const vm = (nicId: string): VirtualMachine => ({ ...vmParams(nicId), location: o.location });
      const first = c.virtualMachines.createOrUpdate(o.resourceGroup, 'resume-1', vm(await nicFor('resume-1')), poll);
      await first.submitted();
      const serialized = await first.serialize();
      expect(manual.state.operations().at(-1)?.status).toBe('InProgress');
      const restored = restorePoller(c, serialized, c.virtualMachines.createOrUpdate, poll);
      now += 10_000;
      expect((await restored.pollUntilDone()).provisioningState).toBe('Succeeded');

      const second = c.virtualMachines.createOrUpdate(o.resourceGroup, 'resume-2', vm(await nicFor('resume-2')), poll);
      await second.submitted();
      const state = await second.serialize();
      // The operation finishes only once the new process has polled it: proof that it resumed the wait.
      const stop = manual.log.subscribe((entry) => {
        if (entry.operation === 'computeOperations.get') now += 10_000;
      });
      const child = `
        import { ComputeManagementClient, restorePoller } from '@azure/arm-compute';
        const token = process.env.ARM_TOKEN;
        const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
        const client = new ComputeManagementClient(credential, process.env.ARM_SUB, { endpoint: process.env.ARM_ENDPOINT, tlsOptions: { ca: process.env.ARM_CA } });
        const poller = restorePoller(client, process.env.ARM_STATE, client.virtualMachines.createOrUpdate, { updateIntervalInMs: 10 });
        const vm = await poller.pollUntilDone();
        console.log(JSON.stringify({ name: vm.name, provisioningState: vm.provisioningState }));
      `;
      const token = (await o.credential.getToken('https://management.azure.com/.default'))!.token;
      const env = { ...process.env, ARM_TOKEN: token, ARM_SUB: o.subscriptionId, ARM_ENDPOINT: manual.endpoint, ARM_CA: o.caCertificate, ARM_STATE: state };
      try {
        const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', child], { env, cwd: process.cwd() });
        expect(JSON.parse(stdout.trim())).toEqual({ name: 'resume-2', provisioningState: 'Succeeded' });
      } finally {
        stop();
      }
      expect(manual.state.virtualMachines().map((v) => v.name)).toEqual(['resume-1', 'resume-2']);
    } finally {
      await manual.close();
    }
  });

  it('starts, powers off, deallocates and restarts, keeping "stopped" and "deallocated" apart', async () => {
    const { resourceGroup } = emu.providerOptions;
    await createVm('power-1');
    const power = (): string | undefined => emu.state.virtualMachine('power-1')!.properties.instanceView!.statuses.find((s) => s.code.startsWith('PowerState/'))?.code;
    await compute.virtualMachines.powerOff(resourceGroup, 'power-1', { ...poll, skipShutdown: true });
    expect(power()).toBe('PowerState/stopped');
    expect(emu.state.disk(emu.state.virtualMachine('power-1')!.properties.storageProfile.osDisk.name)!.properties.diskState).toBe('Attached');
    await compute.virtualMachines.start(resourceGroup, 'power-1', poll);
    expect(power()).toBe('PowerState/running');
    await compute.virtualMachines.deallocate(resourceGroup, 'power-1', poll);
    expect(power()).toBe('PowerState/deallocated');
    expect(emu.state.disk(emu.state.virtualMachine('power-1')!.properties.storageProfile.osDisk.name)!.properties.diskState).toBe('Reserved');
    const refused = await caught(compute.virtualMachines.restart(resourceGroup, 'power-1', poll).pollUntilDone());
    expect(refused).toMatchObject({ statusCode: 409, code: 'OperationNotAllowed' });
    await compute.virtualMachines.start(resourceGroup, 'power-1', poll);
    await compute.virtualMachines.restart(resourceGroup, 'power-1', poll);
    expect(power()).toBe('PowerState/running');
    const view = await compute.virtualMachines.instanceView(resourceGroup, 'power-1');
    expect(view.statuses?.[1]?.displayStatus).toBe('VM running');
  });

  it('answers POST actions with 202, Location and Azure-AsyncOperation', async () => {
    await createVm('post-1');
    emu.faults.slowOperations(600_000, { operations: ['virtualMachines.powerOff'] });
    const token = await bearer();
    const res = await raw('POST', `${rgPath('Microsoft.Compute/virtualMachines/post-1/powerOff')}?api-version=2026-04-01`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(202);
    expect(String(res.headers.location)).toContain('monitor=true');
    expect(res.headers['azure-asyncoperation']).toBeTruthy();
    const monitor = new URL(String(res.headers.location));
    expect((await raw('GET', `${monitor.pathname}${monitor.search}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(202);
  });

  it('deletes a VM with its OS disk and delete-option NICs, and detaches the rest', async () => {
    const { resourceGroup } = emu.providerOptions;
    const { nicId } = await createNic('del-1');
    await compute.virtualMachines.createOrUpdate(
      resourceGroup,
      'del-1',
      vmParams(nicId, { storageProfile: { imageReference: UBUNTU, osDisk: { name: 'del-1-os', createOption: 'FromImage', deleteOption: 'Delete' } }, networkProfile: { networkInterfaces: [{ id: nicId, primary: true, deleteOption: 'Detach' }] } }),
      poll,
    );
    const raw204 = await raw('DELETE', `${rgPath('Microsoft.Compute/virtualMachines/never-was')}?api-version=2026-04-01`, { headers: { authorization: `Bearer ${await bearer()}` } });
    expect(raw204.status).toBe(204);
    await compute.virtualMachines.delete(resourceGroup, 'del-1', { ...poll, forceDeletion: true });
    expect(emu.state.virtualMachine('del-1')).toBeUndefined();
    expect(emu.state.disk('del-1-os')).toBeUndefined();
    expect(emu.state.networkInterface('del-1-nic')!.properties.virtualMachine).toBeUndefined();
    const missing = await caught(compute.virtualMachines.get(resourceGroup, 'del-1'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('refuses a changed immutable property with 409 PropertyChangeNotAllowed, and honours If-None-Match', async () => {
    const { resourceGroup } = emu.providerOptions;
    const vm = await createVm('immut-1');
    const nicId = vm.networkProfile!.networkInterfaces![0]!.id!;
    const changed = await caught(compute.virtualMachines.createOrUpdate(resourceGroup, 'immut-1', vmParams(nicId, { osProfile: { ...vmParams(nicId).osProfile, computerName: 'renamed' } }), poll).pollUntilDone());
    expect(changed).toMatchObject({ statusCode: 409, code: 'PropertyChangeNotAllowed' });
    expect(changed.message).toContain("Changing property 'osProfile.computerName' is not allowed.");
    const zone = await caught(compute.virtualMachines.createOrUpdate(resourceGroup, 'immut-1', vmParams(nicId, { zones: ['1'] }), poll).pollUntilDone());
    expect(zone.code).toBe('PropertyChangeNotAllowed');
    const again = await caught(compute.virtualMachines.createOrUpdate(resourceGroup, 'immut-1', vmParams(nicId), { ...poll, ifNoneMatch: '*' }).pollUntilDone());
    expect(again).toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
    const resized = await compute.virtualMachines.createOrUpdate(resourceGroup, 'immut-1', vmParams(nicId, { hardwareProfile: { vmSize: 'Standard_D4s_v5' } }), poll);
    expect(resized.hardwareProfile?.vmSize).toBe('Standard_D4s_v5');
  });

  it('checks the body as the compute RP does: image, customData, password, SSH path, NIC in use', async () => {
    const { resourceGroup } = emu.providerOptions;
    const { nicId } = await createNic('bad-1');
    const put = (params: VirtualMachine): Promise<unknown> => compute.virtualMachines.createOrUpdate(resourceGroup, 'bad-1', params, poll).pollUntilDone();
    const image = await caught(put(vmParams(nicId, { storageProfile: { imageReference: { ...UBUNTU, sku: 'no-such-sku' }, osDisk: { createOption: 'FromImage' } } })));
    expect(image).toMatchObject({ statusCode: 404, code: 'PlatformImageNotFound' });
    const custom = await caught(put(vmParams(nicId, { osProfile: { ...vmParams(nicId).osProfile, customData: 'not base64!' } })));
    expect(custom).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
    expect(custom.message).toContain('87380');
    const tooLong = await caught(put(vmParams(nicId, { osProfile: { ...vmParams(nicId).osProfile, customData: 'A'.repeat(87_384) } })));
    expect(tooLong.code).toBe('InvalidParameter');
    const weak = await caught(put(vmParams(nicId, { osProfile: { adminUsername: 'azureuser', adminPassword: 'password', linuxConfiguration: { disablePasswordAuthentication: false } } })));
    expect(weak.message).toContain('password complexity');
    const root = await caught(put(vmParams(nicId, { osProfile: { ...vmParams(nicId).osProfile, adminUsername: 'root' } })));
    expect(root.message).toContain('The Admin Username specified is not allowed.');
    const path = await caught(
      put(vmParams(nicId, { osProfile: { adminUsername: 'azureuser', linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: '/root/.ssh/authorized_keys', keyData: emu.providerOptions.defaults.sshPublicKey }] } } } })),
    );
    expect(path.message).toContain('Destination path for SSH public keys');
    const noNic = await caught(put(vmParams(`${nicId.replace(/bad-1-nic$/, 'ghost-nic')}`)));
    expect(noNic.statusCode).toBe(404);
    const size = await caught(put(vmParams(nicId, { hardwareProfile: { vmSize: 'Standard_Nope_v9' } })));
    expect(size).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
    const premiumV2 = await caught(put(vmParams(nicId, { storageProfile: { imageReference: UBUNTU, osDisk: { createOption: 'FromImage', managedDisk: { storageAccountType: 'PremiumV2_LRS' } } } })));
    expect(premiumV2.code).toBe('InvalidParameter');
    const arm = await caught(put(vmParams(nicId, { hardwareProfile: { vmSize: 'Standard_D2ps_v5' } })));
    expect(arm).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    await compute.virtualMachines.createOrUpdate(resourceGroup, 'owner-1', vmParams(nicId), poll);
    const inUse = await caught(compute.virtualMachines.createOrUpdate(resourceGroup, 'thief-1', vmParams(nicId), poll).pollUntilDone());
    expect(inUse).toMatchObject({ statusCode: 400, code: 'NicInUse' });
    expect(emu.state.virtualMachine('bad-1')).toBeUndefined();
  });

  it('applies the tag rules: 50 tags, 512-character names, 256-character values, no <>%&\\?/', async () => {
    const { resourceGroup } = emu.providerOptions;
    const { nicId } = await createNic('tags-1');
    const put = (tags: Record<string, string>): Promise<unknown> => compute.virtualMachines.createOrUpdate(resourceGroup, 'tags-1', vmParams(nicId, { tags }), poll).pollUntilDone();
    expect((await caught(put({ 'a/b': 'x' }))).code).toBe('InvalidTagNameCharacters');
    expect((await caught(put({ 'a%b': 'x' }))).code).toBe('InvalidTagNameCharacters');
    expect((await caught(put({ ['n'.repeat(513)]: 'x' }))).code).toBe('InvalidTagName');
    expect((await caught(put({ k: 'v'.repeat(257) }))).code).toBe('InvalidTagValueLength');
    expect((await caught(put(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'x']))))).code).toBe('InvalidTags');
    const ok = await compute.virtualMachines.createOrUpdate(resourceGroup, 'tags-1', vmParams(nicId, { tags: { ['n'.repeat(512)]: 'v'.repeat(256) } }), poll);
    expect(Object.keys(ok.tags ?? {})[0]).toHaveLength(512);
    const nicTags = await caught(network.networkInterfaces.createOrUpdate(resourceGroup, 'tags-1-nic', { location: 'westeurope', tags: { 'x?y': '1' }, ipConfigurations: [{ name: 'ipconfig1', subnet: { id: emu.network().subnetId } }] }, poll).pollUntilDone());
    expect(nicTags.code).toBe('InvalidTagNameCharacters');
  });

  it('validates spot: eviction policy, max price against the current spot price, B-series refused', async () => {
    const { resourceGroup } = emu.providerOptions;
    const { nicId } = await createNic('spot-1');
    const put = (extra: Partial<VirtualMachine>): Promise<VirtualMachine> => compute.virtualMachines.createOrUpdate(resourceGroup, 'spot-1', vmParams(nicId, extra), poll).pollUntilDone();
    expect((await caught(put({ evictionPolicy: 'Delete' }))).code).toBe('EvictionPolicyCanBeSetOnlyOnAzureSpotVirtualMachines');
    expect((await caught(put({ priority: 'Spot', billingProfile: { maxPrice: 0 } }))).code).toBe('MaxPriceValueInvalid');
    emu.setSpotPrice('Standard_D2s_v5', 'westeurope', 0.05);
    const low = await caught(put({ priority: 'Spot', evictionPolicy: 'Deallocate', billingProfile: { maxPrice: 0.01 } }));
    expect(low).toMatchObject({ statusCode: 409, code: 'SpotPriceGreaterThanProvidedMaxPrice' });
    expect((await caught(put({ priority: 'Spot', hardwareProfile: { vmSize: 'Standard_B2s' } }))).code).toBe('SkuNotAvailable');
    const spot = await put({ priority: 'Spot', evictionPolicy: 'Delete', billingProfile: { maxPrice: 0.06 } });
    expect(spot).toMatchObject({ priority: 'Spot', evictionPolicy: 'Delete', billingProfile: { maxPrice: 0.06 } });
    const defaulted = await compute.virtualMachines.createOrUpdate(resourceGroup, 'spot-2', vmParams((await createNic('spot-2')).nicId, { priority: 'Spot' }), poll);
    expect(defaulted).toMatchObject({ evictionPolicy: 'Deallocate', billingProfile: { maxPrice: -1 } });
    emu.evictSpot('spot-2');
    expect(emu.state.virtualMachineWrite('spot-2')).toMatchObject({ powerState: 'deallocated', evicted: true });
    emu.evictSpot('spot-1');
    expect(emu.state.virtualMachine('spot-1')).toBeUndefined();
  });

  it('refuses a size restricted in a zone or location with 409 SkuNotAvailable, as Resource SKUs says', async () => {
    const skus = [];
    for await (const s of compute.resourceSkus.list({ filter: "location eq 'westeurope'" })) skus.push(s);
    const e2 = skus.find((s) => s.name === 'Standard_E2s_v5' && s.resourceType === 'virtualMachines')!;
    expect(e2.restrictions).toEqual([expect.objectContaining({ type: 'Zone', reasonCode: 'NotAvailableForSubscription', restrictionInfo: expect.objectContaining({ zones: ['3'] }) })]);
    const cap = (name: string): string | undefined => e2.capabilities?.find((c) => c.name === name)?.value;
    expect([cap('vCPUs'), cap('MemoryGB'), cap('CpuArchitectureType')]).toEqual(['2', '16', 'x64']);
    const arm64 = skus.find((s) => s.name === 'Standard_D2ps_v5')!;
    expect(arm64.capabilities?.find((c) => c.name === 'CpuArchitectureType')?.value).toBe('Arm64');
    expect(skus.find((s) => s.name === 'Standard_NC4as_T4_v3')?.capabilities?.find((c) => c.name === 'GPUs')?.value).toBe('1');
    expect(skus.some((s) => s.resourceType === 'disks')).toBe(true);
    const { resourceGroup } = emu.providerOptions;
    const { nicId } = await createNic('zone-1');
    const refused = await caught(compute.virtualMachines.createOrUpdate(resourceGroup, 'zone-1', vmParams(nicId, { hardwareProfile: { vmSize: 'Standard_E2s_v5' }, zones: ['3'] }), poll).pollUntilDone());
    expect(refused).toMatchObject({ statusCode: 409, code: 'SkuNotAvailable' });
    expect(refused.message).toContain("zones '3'");
    const ok = await compute.virtualMachines.createOrUpdate(resourceGroup, 'zone-1', vmParams(nicId, { hardwareProfile: { vmSize: 'Standard_E2s_v5' }, zones: ['1'] }), poll);
    expect(ok.zones).toEqual(['1']);
  });
});

describe('listing', () => {
  it('pages 1,000 VMs by nextLink with their power states inline, in pages, not per VM', async () => {
    const ids = emu.seedVirtualMachines(1000, { location: 'eastus', tags: { fleet: 'bench' } });
    expect(ids).toHaveLength(1000);
    emu.stats.reset();
    let pages = 0;
    let seen = 0;
    let powered = 0;
    for await (const page of compute.virtualMachines.listAll({ statusOnly: 'true' }).byPage()) {
      pages++;
      for (const vm of page) {
        seen++;
        if (vm.instanceView?.statuses?.some((s) => s.code === 'PowerState/running')) powered++;
      }
    }
    expect(seen).toBeGreaterThanOrEqual(1000);
    expect(powered).toBeGreaterThanOrEqual(1000);
    expect(pages).toBe(Math.ceil(seen / 50));
    expect(emu.stats.count('virtualMachines.listAll')).toBe(pages);
    expect(emu.stats.count('virtualMachines.get')).toBe(0);
  });

  it('binds a $skiptoken to its query', async () => {
    const { subscriptionId } = emu.providerOptions;
    const first = await armGet(`/subscriptions/${subscriptionId}/providers/Microsoft.Compute/virtualMachines?api-version=2026-04-01&statusOnly=true`);
    const next = new URL(String(first.json().nextLink));
    expect(next.searchParams.get('$skiptoken')).toBeTruthy();
    const token = next.searchParams.get('$skiptoken')!;
    const other = await armGet(`/subscriptions/${subscriptionId}/providers/Microsoft.Compute/virtualMachines?api-version=2026-04-01&$skiptoken=${encodeURIComponent(token)}`);
    expect(other.status).toBe(400);
    expect(other.json().error?.target).toBe('$skiptoken');
  });
});

describe('api-versions and authentication', () => {
  it('refuses api-versions the resource type does not have, as ARM words it', async () => {
    await createVm('ver-1');
    await compute.resourceSkus.list().next();
    const path = rgPath('Microsoft.Compute/virtualMachines');
    const missing = await armGet(path);
    expect([missing.status, missing.json().error?.code]).toEqual([400, 'MissingApiVersionParameter']);
    const unknown = await armGet(`${path}?api-version=2015-01-01`);
    expect([unknown.status, unknown.json().error?.code]).toEqual([400, 'NoRegisteredProviderFound']);
    expect(unknown.json().error?.message).toContain('2026-04-01');
    const malformed = await armGet(`${path}?api-version=latest`);
    expect(malformed.json().error?.code).toBe('InvalidApiVersionParameter');
    const networkVersion = await armGet(`${rgPath('Microsoft.Network/networkInterfaces')}?api-version=2026-04-01`);
    expect(networkVersion.json().error?.code).toBe('NoRegisteredProviderFound');
    const rg = await armGet(`/subscriptions/${emu.providerOptions.subscriptionId}/resourceGroups/${emu.providerOptions.resourceGroup}?api-version=1999-01-01`);
    expect(rg.json().error?.code).toBe('InvalidApiVersionParameter');
    const versions = new Set(emu.requests('virtualMachines.createOrUpdate').map((r) => r.apiVersion));
    expect([...versions]).toEqual(['2026-04-01']);
    expect(new Set(emu.requests('networkInterfaces.createOrUpdate').map((r) => r.apiVersion))).toEqual(new Set(['2026-01-01']));
    expect(new Set(emu.requests('resourceSkus.list').map((r) => r.apiVersion))).toEqual(new Set(['2021-07-01']));
  });

  it('answers 401 AuthenticationFailed, InvalidAuthenticationToken, ExpiredAuthenticationToken with WWW-Authenticate', async () => {
    const path = `${rgPath('Microsoft.Compute/virtualMachines')}?api-version=2026-04-01`;
    const none = await raw('GET', path);
    expect([none.status, none.json().error?.code]).toEqual([401, 'AuthenticationFailed']);
    expect(String(none.headers['www-authenticate'])).toMatch(/^Bearer authorization_uri="https:\/\/login\.windows\.net\/.+", error="invalid_token"/);
    const bogus = await raw('GET', path, { headers: { authorization: 'Bearer not.a.token' } });
    expect([bogus.status, bogus.json().error?.code]).toEqual([401, 'InvalidAuthenticationToken']);
    const other = await startArmEmulator({ operationMs: 10 });
    try {
      const foreign = (await other.providerOptions.credential.getToken('https://management.azure.com/.default'))!.token;
      expect((await raw('GET', path, { headers: { authorization: `Bearer ${foreign}` } })).json().error?.code).toBe('InvalidAuthenticationToken');
    } finally {
      await other.close();
    }
    emu.faults.expireCredentials();
    const expired = await caught(compute.virtualMachines.get(emu.providerOptions.resourceGroup, 'web-1'));
    expect(expired).toMatchObject({ statusCode: 401, code: 'ExpiredAuthenticationToken' });
    emu.faults.restoreCredentials();
  });

  it('issues tokens to @azure/identity ClientSecretCredential pointed at the emulator', async () => {
    const { tenantId, clientId, clientSecret, authorityHost } = emu.clientCredentials;
    const ca = emu.providerOptions.caCertificate;
    const credential = new ClientSecretCredential(tenantId, clientId, clientSecret, { authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca } });
    const client = new ComputeManagementClient(credential, emu.providerOptions.subscriptionId, { ...emu.sdkClientOptions });
    const skus = await client.resourceSkus.list({ filter: "location eq 'eastus'" }).next();
    expect(skus.value?.locations).toEqual(['eastus']);
    const wrong = new ClientSecretCredential(tenantId, clientId, 'wrong-secret', { authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca } });
    await expect(wrong.getToken('https://management.azure.com/.default')).rejects.toThrow(/AADSTS7000215/);
  });
});

describe('networking rules', () => {
  it('refuses references that do not resolve, and resources in use', async () => {
    const { resourceGroup, location } = emu.providerOptions;
    const ghostSubnet = `${emu.network().subnetId.replace(/subnets\/.*$/, 'subnets/ghost')}`;
    const bad = await caught(network.networkInterfaces.createOrUpdate(resourceGroup, 'ref-1', { location, ipConfigurations: [{ name: 'c', subnet: { id: ghostSubnet } }] }, poll).pollUntilDone());
    expect(bad).toMatchObject({ statusCode: 400, code: 'InvalidResourceReference' });
    const crossRegion = await caught(network.networkInterfaces.createOrUpdate(resourceGroup, 'ref-1', { location, ipConfigurations: [{ name: 'c', subnet: { id: emu.network('eastus').subnetId } }] }, poll).pollUntilDone());
    expect(crossRegion.code).toBe('InvalidResourceReference');
    const basic = await caught(network.publicIPAddresses.createOrUpdate(resourceGroup, 'basic-ip', { location, sku: { name: 'Basic' } }, poll).pollUntilDone());
    expect(basic.code).toBe('IPv4BasicSkuPublicIpCountLimitReached');
    const dynamic = await caught(network.publicIPAddresses.createOrUpdate(resourceGroup, 'dyn-ip', { location, sku: { name: 'Standard' }, publicIPAllocationMethod: 'Dynamic' }, poll).pollUntilDone());
    expect(dynamic.code).toBe('StandardAndStandardV2SkuPublicIPAddressesMustBeStatic');

    await createVm('inuse-1', {}, { publicIp: true });
    const nicInUse = await caught(network.networkInterfaces.delete(resourceGroup, 'inuse-1-nic', poll).pollUntilDone());
    expect(nicInUse).toMatchObject({ statusCode: 400, code: 'NicInUse' });
    const ipInUse = await caught(network.publicIPAddresses.delete(resourceGroup, 'inuse-1-ip', poll).pollUntilDone());
    expect(ipInUse).toMatchObject({ statusCode: 400, code: 'PublicIPAddressCannotBeDeleted' });
    const stolen = await caught(
      network.networkInterfaces.createOrUpdate(resourceGroup, 'thief-nic', { location, ipConfigurations: [{ name: 'c', subnet: { id: emu.network().subnetId }, publicIPAddress: { id: emu.state.publicIPAddress('inuse-1-ip')!.id } }] }, poll).pollUntilDone(),
    );
    expect(stolen.code).toBe('PublicIPAddressInUse');
    const subnetInUse = await caught(network.subnets.delete(resourceGroup, emu.providerOptions.defaults.virtualNetwork, emu.providerOptions.defaults.subnet, poll).pollUntilDone());
    expect(subnetInUse.code).toBe('InUseSubnetCannotBeDeleted');

    await compute.virtualMachines.delete(resourceGroup, 'inuse-1', poll);
    await network.networkInterfaces.delete(resourceGroup, 'inuse-1-nic', poll);
    await network.publicIPAddresses.delete(resourceGroup, 'inuse-1-ip', poll);
    expect(emu.state.networkInterface('inuse-1-nic')).toBeUndefined();
    expect(emu.state.publicIPAddress('inuse-1-ip')).toBeUndefined();
  });

  it('keeps a NIC reserved for its deleted VM while nicReservationMs runs', async () => {
    const reserved = await startArmEmulator({ operationMs: 10, nicReservationMs: 60_000 });
    try {
      const o = reserved.providerOptions;
      const c = new ComputeManagementClient(o.credential, o.subscriptionId, { ...reserved.sdkClientOptions });
      const n = new NetworkManagementClient(o.credential, o.subscriptionId, { ...reserved.sdkClientOptions });
      const nic = await n.networkInterfaces.createOrUpdate(o.resourceGroup, 'r-nic', { location: o.location, ipConfigurations: [{ name: 'c', subnet: { id: reserved.network().subnetId } }] }, poll);
      const params: VirtualMachine = {
        location: o.location,
        hardwareProfile: { vmSize: 'Standard_D2s_v5' },
        storageProfile: { imageReference: UBUNTU },
        osProfile: { adminUsername: 'azureuser', linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ keyData: o.defaults.sshPublicKey }] } } },
        networkProfile: { networkInterfaces: [{ id: nic.id }] },
      };
      await c.virtualMachines.createOrUpdate(o.resourceGroup, 'r-vm', params, poll);
      await c.virtualMachines.delete(o.resourceGroup, 'r-vm', poll);
      expect((await caught(n.networkInterfaces.delete(o.resourceGroup, 'r-nic', poll).pollUntilDone())).code).toBe('NicReservedForAnotherVm');
      expect((await caught(c.virtualMachines.createOrUpdate(o.resourceGroup, 'r-vm-2', params, poll).pollUntilDone())).code).toBe('NicReservedForAnotherVm');
    } finally {
      await reserved.close();
    }
  });
});

describe('disks and snapshots', () => {
  it('snapshots an OS disk, grants a SAS that serves a VHD, and imports a disk from it', async () => {
    const { resourceGroup, location } = emu.providerOptions;
    await createVm('exp-1', { storageProfile: { imageReference: UBUNTU, osDisk: { name: 'exp-1-os', createOption: 'FromImage', diskSizeGB: 40 } } });
    const source = emu.state.disk('exp-1-os')!;
    const snapshot = await compute.snapshots.createOrUpdate(resourceGroup, 'exp-1-snap', { location, creationData: { createOption: 'Copy', sourceResourceId: source.id } }, poll);
    expect(snapshot).toMatchObject({ diskSizeGB: 40, osType: 'Linux', creationData: { createOption: 'Copy', sourceResourceId: source.id, sourceUniqueId: source.properties.uniqueId } });
    const access = await compute.snapshots.grantAccess(resourceGroup, 'exp-1-snap', { access: 'Read', durationInSeconds: 600 }, poll);
    const sas = new URL(access.accessSAS!);
    expect(sas.protocol).toBe('https:');
    expect([...sas.searchParams.keys()]).toEqual(expect.arrayContaining(['sv', 'sr', 'sig', 'se', 'sp']));
    expect(emu.state.snapshot('exp-1-snap')!.properties.diskState).toBe('ActiveSAS');
    const blob = await raw('GET', `${sas.pathname}${sas.search}`);
    expect(blob.status).toBe(200);
    expect(hasVhdFooter(blob.body)).toBe(true);
    const ranged = await raw('GET', `${sas.pathname}${sas.search}`, { headers: { range: 'bytes=0-9' } });
    expect([ranged.status, ranged.body.length]).toEqual([206, 10]);
    const tampered = await raw('GET', `${sas.pathname}${sas.search.replace(/sig=[^&]+/, 'sig=forged')}`);
    expect(tampered.status).toBe(403);

    const imported = await compute.disks.createOrUpdate(resourceGroup, 'imp-1', { location, sku: { name: 'Premium_LRS' }, osType: 'Linux', creationData: { createOption: 'Import', sourceUri: access.accessSAS!, storageAccountId: `/subscriptions/${emu.providerOptions.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/novacronimages` } }, poll);
    expect(imported).toMatchObject({ provisioningState: 'Succeeded', diskSizeGB: 40, creationData: { createOption: 'Import', sourceUri: access.accessSAS } });
    emu.registerBlob('http://127.0.0.1:10000/devstoreaccount1/images/disk.vhd', 1024 * 1024 + 512);
    const fromAzurite = await compute.disks.createOrUpdate(resourceGroup, 'imp-2', { location, creationData: { createOption: 'Import', sourceUri: 'http://127.0.0.1:10000/devstoreaccount1/images/disk.vhd?sv=x' } }, poll);
    expect(fromAzurite.diskSizeGB).toBe(1);
    emu.registerBlob('http://127.0.0.1:10000/devstoreaccount1/images/broken.vhd', 1000, { vhd: false });
    const broken = await caught(compute.disks.createOrUpdate(resourceGroup, 'imp-3', { location, creationData: { createOption: 'Import', sourceUri: 'http://127.0.0.1:10000/devstoreaccount1/images/broken.vhd' } }, poll).pollUntilDone());
    expect(broken.message).toContain("cookie value 'conectix'");
    const nowhere = await caught(compute.disks.createOrUpdate(resourceGroup, 'imp-4', { location, creationData: { createOption: 'Import', sourceUri: 'https://127.0.0.1:1/nothing.vhd' } }, poll).pollUntilDone());
    expect(nowhere.code).toBe('InvalidParameter');

    await compute.snapshots.revokeAccess(resourceGroup, 'exp-1-snap', poll);
    expect((await raw('GET', `${sas.pathname}${sas.search}`)).status).toBe(403);
    const attached = await caught(compute.disks.delete(resourceGroup, 'exp-1-os', poll).pollUntilDone());
    expect(attached).toMatchObject({ statusCode: 409, code: 'OperationNotAllowed' });
    const running = await caught(compute.disks.grantAccess(resourceGroup, 'exp-1-os', { access: 'Read', durationInSeconds: 60 }, poll).pollUntilDone());
    expect(running.code).toBe('OperationNotAllowed');
  });

  it('boots a VM from an imported disk (createOption Attach)', async () => {
    const { resourceGroup, location } = emu.providerOptions;
    emu.registerBlob('http://127.0.0.1:10000/devstoreaccount1/images/boot.vhd', 30 * 1024 ** 3 + 512);
    const disk = await compute.disks.createOrUpdate(resourceGroup, 'boot-1', { location, osType: 'Linux', hyperVGeneration: 'V2', creationData: { createOption: 'Import', sourceUri: 'http://127.0.0.1:10000/devstoreaccount1/images/boot.vhd' } }, poll);
    const { nicId } = await createNic('boot-1');
    const vm = await compute.virtualMachines.createOrUpdate(resourceGroup, 'boot-1', { location, hardwareProfile: { vmSize: 'Standard_D2s_v5' }, storageProfile: { osDisk: { createOption: 'Attach', osType: 'Linux', managedDisk: { id: disk.id } } }, networkProfile: { networkInterfaces: [{ id: nicId }] } }, poll);
    expect(vm.storageProfile?.osDisk).toMatchObject({ createOption: 'Attach', name: 'boot-1', diskSizeGB: 30 });
    expect(emu.state.disk('boot-1')!.managedBy).toBe(vm.id);
    const withProfile = await caught(compute.virtualMachines.createOrUpdate(resourceGroup, 'boot-2', { location, hardwareProfile: { vmSize: 'Standard_D2s_v5' }, osProfile: { adminUsername: 'azureuser', adminPassword: 'Abcdef12345!' }, storageProfile: { osDisk: { createOption: 'Attach', osType: 'Linux', managedDisk: { id: disk.id } } }, networkProfile: { networkInterfaces: [{ id: (await createNic('boot-2')).nicId }] } }, poll).pollUntilDone());
    expect(withProfile.message).toContain("Parameter 'osProfile' is not allowed.");
  });
});
