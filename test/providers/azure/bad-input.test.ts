/**
 * Bad input gets a typed error naming the field, and nothing is created: a malformed spec, an
 * unknown location, an unknown image alias, a size not offered in the zone, an image Azure does
 * not have, a disk type that cannot be an OS disk, wrong credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, InvalidSpecError, type NovacronError } from '../../../src/provider/errors.js';
import type { VMSpecInput } from '../../../src/provider/types.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

let env: EmulatedAzure;
beforeAll(async () => {
  env = await startEmulatedAzure();
  await env.azure.estimateCost({ name: 'warm', cpu: 1, memory: 1 }); // catalog loaded: only the create's own calls count below
});
afterAll(() => env.close());

const base: VMSpecInput = { name: 'bad', cpu: 1, memory: 1 };
const writes = (): number => Object.entries(env.emu.stats.byOperation()).filter(([op]) => /createOrUpdate|delete|start|powerOff|deallocate|restart/.test(op)).reduce((n, [, c]) => n + c, 0);

describe('Azure refusals of bad input', () => {
  it.each<[string, Partial<VMSpecInput> & Record<string, unknown>, string, RegExp]>([
    ['a malformed spec', { cpu: 'lots' }, 'cpu', /vCPUs/],
    ['a typo', { memory: undefined, memroy: 4 }, 'memory', /typo/],
    ['an unknown location', { region: 'atlantis' }, 'region', /unknown Azure location "atlantis".*westeurope, eastus/],
    ['an unknown image alias', { image: 'ubuntu-99.04' }, 'image', /unknown image alias/],
    ['an alias Azure has no image for', { image: 'amazon-linux-2023' }, 'image', /no Azure image for "amazon-linux-2023"/],
    ['a size not offered in the zone', { instanceType: 'Standard_E2s_v5', zone: '3' }, 'zone', /Standard_E2s_v5 is not offered in zone 3 of westeurope; it is offered in zones 1, 2/],
    ['a size restricted in the whole location', { instanceType: 'Standard_ND96asr_v4' }, 'instanceType', /not available in westeurope for this subscription/],
    ['an unknown size', { instanceType: 'Standard_Q9_v9' }, 'instanceType', /unknown VM size/],
    ['an unknown zone', { zone: '7' }, 'zone', /unknown zone "7"/],
    ['Premium SSD v2 as the OS disk', { disk: { size: 64, type: 'PremiumV2_LRS' } }, 'disk.type', /cannot be an OS disk/],
    ['another cloud\'s disk type', { disk: { size: 64, type: 'gp3' } }, 'disk.type', /not an Azure managed-disk type/],
    ['two security groups', { network: { securityGroups: ['a', 'b'] } }, 'network.securityGroups', /one network security group/],
    ['a label name Azure reserves', { labels: { 'azure-team': 'x' } }, 'labels.azure-team', /reserves/],
    ['too many vCPUs', { cpu: 900 }, 'cpu', /at most 896/],
  ])('%s → InvalidSpecError naming the field, nothing created', async (_title, extra, field, message) => {
    env.emu.stats.reset();
    const error = await rejectionOf(env.azure.createVM({ ...base, ...extra } as VMSpecInput, { idempotencyKey: `bad-${field}` }));
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidSpecError).field).toBe(field);
    expect((error as Error).message).toMatch(message);
    expect(writes()).toBe(0);
  });

  it('an image Azure refuses (a URN it does not have) is InvalidSpecError on image, and its NIC is removed again', async () => {
    const error = await rejectionOf(env.azure.createVM({ ...base, image: 'Canonical:no-such-offer:server:latest' }, { idempotencyKey: 'bad-urn' }));
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidSpecError).field).toBe('image');
    expect(((error as NovacronError).cause as { code?: string }).code).toBe('PlatformImageNotFound');
    expect(env.emu.state.virtualMachines()).toHaveLength(0);
    expect(env.emu.state.networkInterfaces().filter((n) => n.name.startsWith('nc-'))).toHaveLength(0);
  });

  it('wrong credentials → AuthError, nothing created, and the error says nothing was sent when no token was had', async () => {
    const forged = env.provider({ credential: { getToken: async () => ({ token: 'forged-token', expiresOnTimestamp: Date.now() + 3_600_000 }) }, catalogTtlMs: 0 });
    env.emu.stats.reset();
    const error = await rejectionOf(forged.createVM(base, { idempotencyKey: 'bad-credentials' }));
    expect(AuthError.isInstance(error), String(error)).toBe(true);
    expect(((error as NovacronError).cause as { code?: string }).code).toBe('InvalidAuthenticationToken');
    expect(writes()).toBe(0);
    const broken = env.provider({ credential: { getToken: async () => Promise.reject(Object.assign(new Error('ClientSecretCredential authentication failed'), { name: 'AuthenticationError' })) } });
    const noToken = await rejectionOf(broken.createVM(base, { idempotencyKey: 'bad-credentials-2' }));
    expect(AuthError.isInstance(noToken), String(noToken)).toBe(true);
    expect((noToken as NovacronError).requestSent).toBe(false);
    expect(env.emu.state.virtualMachines()).toHaveLength(0);
  });

  it('expired credentials → AuthError with ARM\'s code', async () => {
    env.emu.faults.expireCredentials();
    try {
      const error = await rejectionOf(env.provider().getVM(`/subscriptions/${env.emu.providerOptions.subscriptionId}/resourceGroups/${env.emu.providerOptions.resourceGroup}/providers/Microsoft.Compute/virtualMachines/nc-000000000000`));
      expect(AuthError.isInstance(error), String(error)).toBe(true);
      expect(((error as NovacronError).cause as { code?: string }).code).toBe('ExpiredAuthenticationToken');
    } finally {
      env.emu.faults.restoreCredentials();
    }
  });
});
