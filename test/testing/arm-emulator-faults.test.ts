/**
 * Every fault kind of the kit, as the ARM emulator says it to the real Azure SDK clients:
 * capacity (zonal, regional, spot), quota, throttling with Retry-After and rate-limit headers,
 * expired credentials, lost responses after a PUT was applied, slow operations, failed
 * provisioning, hangs, and one-off failures.
 */
import { request as httpsRequest } from 'node:https';
import { ComputeManagementClient, type VirtualMachine } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator } from '../../src/testing/emulators/azure/index.js';

let emu: ArmEmulator;
let compute: ComputeManagementClient;
let strict: ComputeManagementClient;
let network: NetworkManagementClient;
const poll = { updateIntervalInMs: 10 };
const UBUNTU = { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' };

beforeAll(async () => {
  emu = await startArmEmulator({ operationMs: 30 });
  const { credential, subscriptionId } = emu.providerOptions;
  compute = new ComputeManagementClient(credential, subscriptionId, { ...emu.sdkClientOptions, retryOptions: { maxRetries: 10, retryDelayInMs: 5, maxRetryDelayInMs: 20 } });
  strict = new ComputeManagementClient(credential, subscriptionId, { ...emu.sdkClientOptions, retryOptions: { maxRetries: 0 } });
  network = new NetworkManagementClient(credential, subscriptionId, { ...emu.sdkClientOptions, retryOptions: { maxRetries: 10, retryDelayInMs: 5, maxRetryDelayInMs: 20 } });
});
afterAll(async () => emu.close());
beforeEach(() => emu.faults.reset());

async function caught(promise: Promise<unknown>): Promise<{ statusCode: number | undefined; code: string | undefined; message: string; name: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; message: string; name: string };
    return { statusCode: err.statusCode, code: err.code, message: err.message, name: err.name };
  }
  throw new Error('expected a failure');
}

function raw(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: () => { error?: { code: string; message: string; details?: { code: string; target?: string }[] } } }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${emu.endpoint}${path}`, { method, ca: emu.providerOptions.caCertificate, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: () => JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function authHeader(): Promise<Record<string, string>> {
  return { authorization: `Bearer ${(await emu.providerOptions.credential.getToken('https://management.azure.com/.default'))!.token}` };
}

async function nicFor(name: string): Promise<string> {
  const { resourceGroup, location } = emu.providerOptions;
  const nic = await network.networkInterfaces.createOrUpdate(resourceGroup, `${name}-nic`, { location, ipConfigurations: [{ name: 'ipconfig1', subnet: { id: emu.network().subnetId } }] }, poll);
  return nic.id!;
}

function params(nicId: string, extra: Partial<VirtualMachine> = {}): VirtualMachine {
  const { location, defaults } = emu.providerOptions;
  return {
    location,
    hardwareProfile: { vmSize: 'Standard_D2s_v5' },
    storageProfile: { imageReference: UBUNTU },
    osProfile: { adminUsername: defaults.adminUsername, linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ keyData: defaults.sshPublicKey }] } } },
    networkProfile: { networkInterfaces: [{ id: nicId }] },
    ...extra,
  };
}

async function create(name: string, extra: Partial<VirtualMachine> = {}, client = compute): Promise<VirtualMachine> {
  return client.virtualMachines.createOrUpdate(emu.providerOptions.resourceGroup, name, params(await nicFor(name), extra), poll).pollUntilDone();
}

describe('capacity', () => {
  it('accepts a zonal create beyond capacity and fails its operation with ZonalAllocationFailed, leaving the VM Failed', async () => {
    emu.faults.capacity({ zone: 'westeurope-1', type: 'Standard_D2s_v5' }, 0);
    const failed = await caught(create('cap-1', { zones: ['1'] }));
    expect(failed.message).toContain('ZonalAllocationFailed');
    const vm = emu.state.virtualMachine('cap-1')!;
    expect(vm.properties.provisioningState).toBe('Failed');
    expect(vm.properties.instanceView?.statuses[0]).toMatchObject({ code: 'ProvisioningState/failed/ZonalAllocationFailed', level: 'Error' });
    expect(emu.state.disk(vm.properties.storageProfile.osDisk.name)).toBeDefined();
    expect(emu.state.operations().at(-1)).toMatchObject({ status: 'Failed', error: { code: 'ZonalAllocationFailed' } });
    expect((await create('cap-1b', { zones: ['2'] })).provisioningState).toBe('Succeeded');
    emu.faults.capacity({ zone: 'westeurope-1', type: 'Standard_D2s_v5' }, undefined);
    const retried = await compute.virtualMachines.createOrUpdate(emu.providerOptions.resourceGroup, 'cap-1', params(vm.properties.networkProfile.networkInterfaces[0]!.id, { zones: ['1'] }), poll);
    expect(retried.provisioningState).toBe('Succeeded');
  });

  it('fails a regional create with AllocationFailed, and refuses spot at once with SkuNotAvailable', async () => {
    emu.faults.capacity({ zone: 'westeurope' }, 0);
    expect((await caught(create('cap-2'))).message).toContain('AllocationFailed');
    const spot = await caught(create('cap-3', { priority: 'Spot' }));
    expect(spot).toMatchObject({ statusCode: 409, code: 'SkuNotAvailable' });
    expect(emu.state.virtualMachine('cap-3')).toBeUndefined();
  });

  it('counts capacity down, and fails a start of a deallocated VM when its zone is full', async () => {
    emu.faults.capacity({ zone: 'westeurope-3', type: 'Standard_D2s_v5' }, 1);
    await create('cap-4', { zones: ['3'] });
    expect((await caught(create('cap-5', { zones: ['3'] }))).message).toContain('ZonalAllocationFailed');
    const { resourceGroup } = emu.providerOptions;
    await compute.virtualMachines.deallocate(resourceGroup, 'cap-4', poll);
    const start = await caught(compute.virtualMachines.start(resourceGroup, 'cap-4', poll).pollUntilDone());
    expect(start.message).toContain('ZonalAllocationFailed');
    expect(emu.state.virtualMachineWrite('cap-4')!.powerState).toBe('deallocated');
  });

  it('fails the next provisioning with what the plan says (OverconstrainedAllocationRequest)', async () => {
    emu.faults.failNextProvisioning({ code: 'OverconstrainedAllocationRequest', message: 'Allocation failed. VM(s) with the following constraints cannot be allocated, because the condition is too restrictive.' });
    expect((await caught(create('over-1'))).message).toContain('OverconstrainedAllocationRequest');
    expect((await create('over-2')).provisioningState).toBe('Succeeded');
  });
});

describe('quota', () => {
  it('refuses cores beyond the regional, family and spot quotas with OperationNotAllowed; deallocated VMs do not count', async () => {
    const quotaEmu = await startArmEmulator({ operationMs: 10, quotas: { cores: 4 } });
    try {
      const o = quotaEmu.providerOptions;
      const c = new ComputeManagementClient(o.credential, o.subscriptionId, { ...quotaEmu.sdkClientOptions });
      const n = new NetworkManagementClient(o.credential, o.subscriptionId, { ...quotaEmu.sdkClientOptions });
      const vm = async (name: string, extra: Partial<VirtualMachine> = {}): Promise<VirtualMachine> => {
        const nic = await n.networkInterfaces.createOrUpdate(o.resourceGroup, `${name}-nic`, { location: o.location, ipConfigurations: [{ name: 'c', subnet: { id: quotaEmu.network().subnetId } }] }, poll);
        return c.virtualMachines.createOrUpdate(o.resourceGroup, name, { ...params(nic.id!), location: o.location, osProfile: { adminUsername: 'azureuser', linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ keyData: o.defaults.sshPublicKey }] } } }, ...extra }, poll).pollUntilDone();
      };
      await vm('q-1', { hardwareProfile: { vmSize: 'Standard_D4s_v5' } });
      const over = await caught(vm('q-2'));
      expect(over).toMatchObject({ statusCode: 409, code: 'OperationNotAllowed' });
      expect(over.message).toContain('exceeding approved Total Regional Cores quota');
      expect(over.message).toContain('Current Limit: 4, Current Usage: 4, Additional Required: 2');
      await c.virtualMachines.deallocate(o.resourceGroup, 'q-1', poll);
      await vm('q-2');
      expect((await caught(c.virtualMachines.start(o.resourceGroup, 'q-1', poll).pollUntilDone())).code).toBe('OperationNotAllowed');
      quotaEmu.faults.quota('cores', undefined);
      quotaEmu.faults.quota('westeurope/standardDSv5Family', 2);
      expect((await caught(vm('q-3'))).message).toContain('standardDSv5Family Cores quota');
      quotaEmu.faults.quota('lowPriorityCores', 0);
      expect((await caught(vm('q-4', { priority: 'Spot', hardwareProfile: { vmSize: 'Standard_E2s_v5' } }))).message).toContain('Low Priority Cores quota');
    } finally {
      await quotaEmu.close();
    }
  });
});

describe('throttling', () => {
  it('answers 429 with Retry-After and rate-limit headers, in the compute RP and ARM words', async () => {
    emu.faults.throttle(1, { retryAfterMs: 3000 });
    const { subscriptionId, resourceGroup } = emu.providerOptions;
    const vmList = await raw('GET', `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines?api-version=2026-04-01`, await authHeader());
    expect(vmList.status).toBe(429);
    expect(vmList.headers['retry-after']).toBe('3');
    expect(vmList.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('0');
    expect(vmList.json().error).toMatchObject({ code: 'OperationNotAllowed', details: [{ code: 'TooManyRequests' }] });
    const nics = await raw('GET', `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/networkInterfaces?api-version=2026-01-01`, await authHeader());
    expect([nics.status, nics.json().error?.code]).toEqual([429, 'SubscriptionRequestsThrottled']);
    const refused = await caught(strict.virtualMachines.get(resourceGroup, 'none'));
    expect(refused.statusCode).toBe(429);
    emu.faults.throttle(0);
    const ok = await raw('GET', `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines?api-version=2026-04-01`, await authHeader());
    expect(Number(ok.headers['x-ms-ratelimit-remaining-subscription-reads'])).toBeGreaterThan(0);
  });

  it('puts the compute policy in x-ms-ratelimit-remaining-resource on VM writes', async () => {
    await create('rate-1');
    const { subscriptionId } = emu.providerOptions;
    expect(emu.requests('virtualMachines.createOrUpdate').length).toBeGreaterThan(0);
    const res = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      void authHeader().then((auth) => {
        const body = JSON.stringify({ location: 'westeurope', properties: {} });
        const req = httpsRequest(`${emu.endpoint}/subscriptions/${subscriptionId}/resourceGroups/${emu.providerOptions.resourceGroup}/providers/Microsoft.Compute/virtualMachines/rate-x?api-version=2026-04-01`, { method: 'PUT', ca: emu.providerOptions.caCertificate, headers: { ...auth, 'content-type': 'application/json' } }, (r) => {
          r.resume();
          resolve(r.headers);
        });
        req.on('error', reject);
        req.end(body);
      });
    });
    expect(String(res['x-ms-ratelimit-remaining-resource'])).toMatch(/^Microsoft\.Compute\/PutVM3Min;\d+,Microsoft\.Compute\/PutVM30Min;\d+$/);
  });

  it('with 30 % throttling and the SDK retry policy, 10 creates give exactly 10 VMs', async () => {
    emu.faults.throttle(0.3, { seed: 7 });
    const before = emu.state.virtualMachines().length;
    for (let i = 0; i < 10; i++) await create(`thr-${i}`);
    emu.faults.throttle(0);
    expect(emu.state.virtualMachines().length).toBe(before + 10);
    expect(emu.stats.throttled()).toBeGreaterThan(0);
  });
});

describe('credentials, lost answers, slow and hanging operations', () => {
  it('refuses every call while credentials are expired, the token endpoint included', async () => {
    emu.faults.expireCredentials();
    const refused = await caught(strict.virtualMachines.list(emu.providerOptions.resourceGroup).next());
    expect(refused).toMatchObject({ statusCode: 401, code: 'ExpiredAuthenticationToken' });
    const { tenantId, clientId, clientSecret } = emu.clientCredentials;
    const token = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'https://management.azure.com/.default' }).toString();
      const req = httpsRequest(`${emu.endpoint}/${tenantId}/oauth2/v2.0/token`, { method: 'POST', ca: emu.providerOptions.caCertificate, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(token.status).toBe(401);
    expect(token.text).toContain('AADSTS7000222');
    emu.faults.restoreCredentials();
    expect((await compute.virtualMachines.list(emu.providerOptions.resourceGroup).next()).done).toBeDefined();
  });

  it('expires tokens by their lifetime', async () => {
    let now = Date.now();
    const timed = await startArmEmulator({ operationMs: 10, clock: () => now, tokenLifetimeSeconds: 600 });
    try {
      const o = timed.providerOptions;
      const token = (await o.credential.getToken('https://management.azure.com/.default'))!.token;
      const path = `/subscriptions/${o.subscriptionId}/resourceGroups/${o.resourceGroup}?api-version=2024-03-01`;
      const get = (): Promise<{ status: number; code: string | undefined }> =>
        new Promise((resolve, reject) => {
          const req = httpsRequest(`${timed.endpoint}${path}`, { ca: o.caCertificate, headers: { authorization: `Bearer ${token}` } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: { code: string } }).error?.code }));
          });
          req.on('error', reject);
          req.end();
        });
      expect((await get()).status).toBe(200);
      now += 601_000;
      expect(await get()).toEqual({ status: 401, code: 'ExpiredAuthenticationToken' });
    } finally {
      await timed.close();
    }
  });

  it('applies a PUT whose answer is lost; the SDK retry finds one VM', async () => {
    const nicId = await nicFor('drop-1');
    emu.faults.dropResponse('virtualMachines.createOrUpdate');
    const before = emu.stats.count('virtualMachines.createOrUpdate');
    const vm = await compute.virtualMachines.createOrUpdate(emu.providerOptions.resourceGroup, 'drop-1', params(nicId), poll);
    expect(vm.provisioningState).toBe('Succeeded');
    expect(emu.stats.count('virtualMachines.createOrUpdate') - before).toBe(2);
    expect(emu.requests('virtualMachines.createOrUpdate').some((r) => r.status === 0)).toBe(true);
    expect(emu.state.virtualMachines().filter((v) => v.name === 'drop-1')).toHaveLength(1);
    expect(emu.state.disks().filter((d) => d.name.startsWith('drop-1_OsDisk'))).toHaveLength(1);
  });

  it('keeps slowed operations InProgress longer', async () => {
    let now = Date.now();
    const manual = await startArmEmulator({ operationMs: 100, clock: () => now });
    try {
      const o = manual.providerOptions;
      const c = new ComputeManagementClient(o.credential, o.subscriptionId, { ...manual.sdkClientOptions });
      const n = new NetworkManagementClient(o.credential, o.subscriptionId, { ...manual.sdkClientOptions });
      const nic = await n.networkInterfaces.beginCreateOrUpdate(o.resourceGroup, 'slow-nic', { location: o.location, ipConfigurations: [{ name: 'c', subnet: { id: manual.network().subnetId } }] });
      now += 100;
      const nicId = (await nic.pollUntilDone()).id!;
      manual.faults.slowOperations(5_000, { operations: ['virtualMachines.createOrUpdate'] });
      const poller = c.virtualMachines.createOrUpdate(o.resourceGroup, 'slow-1', { ...params(nicId), location: o.location, osProfile: { adminUsername: 'azureuser', linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ keyData: o.defaults.sshPublicKey }] } } } }, poll);
      await poller.submitted();
      now += 1_000;
      expect(manual.state.operations().at(-1)).toMatchObject({ kind: 'virtualMachines.createOrUpdate', status: 'InProgress' });
      now += 5_000;
      expect((await poller.pollUntilDone()).provisioningState).toBe('Succeeded');
    } finally {
      await manual.close();
    }
  });

  it('hangs until the caller gives up, and delays when told', async () => {
    emu.faults.hang('virtualMachines.get');
    const hung = await caught(strict.virtualMachines.get(emu.providerOptions.resourceGroup, 'none', { abortSignal: AbortSignal.timeout(100) }));
    expect(hung.name).toBe('AbortError');
    emu.faults.hang('virtualMachines.get', false);
    emu.faults.delay('virtualMachines.get', 50);
    expect((await caught(strict.virtualMachines.get(emu.providerOptions.resourceGroup, 'none'))).code).toBe('ResourceNotFound');
  });

  it('fails the next calls as the plan says, in ARM words', async () => {
    emu.faults.failNext('virtualMachines.get', { kind: 'internal' });
    expect(await caught(strict.virtualMachines.get(emu.providerOptions.resourceGroup, 'x'))).toMatchObject({ statusCode: 500, code: 'InternalExecutionError' });
    emu.faults.failNext('networkInterfaces.get', { kind: 'unavailable', retryAfterMs: 2000 });
    const { subscriptionId, resourceGroup } = emu.providerOptions;
    const res = await raw('GET', `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/networkInterfaces/x?api-version=2026-01-01`, await authHeader());
    expect([res.status, res.headers['retry-after'], res.json().error?.code]).toEqual([503, '2', 'ServiceUnavailable']);
    emu.faults.failNext('virtualMachines.createOrUpdate', { kind: 'capacity' });
    expect(await caught(create('fail-1', {}, strict))).toMatchObject({ statusCode: 409, code: 'SkuNotAvailable' });
  });
});
