/**
 * OpenStack's refusals, said by the emulator in each service's own words, reach the caller as the
 * taxonomy's classes: 429 (and Nova's 413 overLimit with Retry-After) → retried, then a
 * ThrottledError with the delay; 404 → NotFoundError; 400 → InvalidSpecError naming the field;
 * 5xx → ProviderUnavailableError; bad input is refused before anything is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSpecError, NotFoundError, ProviderUnavailableError, ThrottledError } from '../../../src/provider/errors.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedOpenStack, type EmulatedOpenStack } from './emulated-openstack.js';

let env: EmulatedOpenStack;
beforeAll(async () => {
  env = await startEmulatedOpenStack();
});
afterAll(() => env?.close());

async function count(iterable: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

describe('errors through the emulator', () => {
  it('429 is retried after Retry-After; when it persists, a ThrottledError carries the delay', async () => {
    env.emu.faults.failNext('servers.list', 429, { overLimit: { code: 429, message: 'Rate limit exceeded' } }, { times: 2, retryAfterMs: 1000 });
    const started = Date.now();
    expect(await count(env.openstack.listVMs())).toBeGreaterThanOrEqual(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900); // two waits of the Retry-After second
    env.emu.faults.failNext('servers.list', 429, undefined, { times: 5, retryAfterMs: 2000 });
    const error = await rejectionOf(count(env.provider({ maxAttempts: 1 }).listVMs()));
    expect(ThrottledError.isInstance(error), String(error)).toBe(true);
    expect((error as ThrottledError).retryAfterMs).toBe(2000);
    env.emu.faults.reset();
  });

  it('a throttled create is retried (a 429 proves Nova did nothing) and makes one server', async () => {
    env.emu.faults.failNext('servers.create', 429, undefined, { times: 2, retryAfterMs: 5 });
    const vm = await env.openstack.createVM({ name: 'throttled', cpu: 1, memory: 1 }, { idempotencyKey: 'throttled-1' });
    expect(env.emu.state.servers().filter((s) => s.id === vm.id)).toHaveLength(1);
    await env.openstack.deleteVM(vm.id);
  });

  it('404 is a NotFoundError, for an unknown server and for a malformed id alike', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const error = await rejectionOf(env.openstack.getVM(id));
      expect(NotFoundError.isInstance(error), String(error)).toBe(true);
    }
    expect(NotFoundError.isInstance(await rejectionOf(env.openstack.startVM('00000000-0000-4000-8000-000000000000')))).toBe(true);
  });

  it('400 is an InvalidSpecError naming the field Nova complained about', async () => {
    env.emu.faults.failNext('servers.create', 400, { badRequest: { code: 400, message: 'Invalid key_name provided.' } });
    const keyError = await rejectionOf(env.openstack.createVM({ name: 'bad-key', cpu: 1, memory: 1 }, { idempotencyKey: 'bad-key-1' }));
    expect(InvalidSpecError.isInstance(keyError) && keyError.field, String(keyError)).toBe('(openstack) keyName');
    env.emu.faults.failNext('servers.create', 400, { badRequest: { code: 400, message: 'The requested availability zone is not available' } });
    const zoneError = await rejectionOf(env.openstack.createVM({ name: 'bad-zone', cpu: 1, memory: 1 }, { idempotencyKey: 'bad-zone-1' }));
    expect(InvalidSpecError.isInstance(zoneError) && zoneError.field, String(zoneError)).toBe('zone');
    // Nothing of either create is left.
    expect(env.emu.state.ports().filter((p) => String(p.name).endsWith('-port'))).toHaveLength(0);
  });

  it('5xx is a ProviderUnavailableError, retried for reads', async () => {
    env.emu.faults.failNext('flavors.list', 500, undefined, { times: 1 });
    expect(await count(env.provider().offers())).toBeGreaterThan(0);
    env.emu.faults.failNext('servers.list', 503, undefined, { times: 3 });
    const error = await rejectionOf(count(env.provider({ maxAttempts: 2 }).listVMs()));
    expect(ProviderUnavailableError.isInstance(error), String(error)).toBe(true);
    env.emu.faults.reset();
  });

  it('refuses what the cloud cannot have before sending: an unknown flavor, network, image, an arm64 alias without an image, spot', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ instanceType: 'm9.huge' }, 'instanceType'],
      [{ network: { network: 'nowhere' } }, 'network.network'],
      [{ network: { securityGroups: ['no-such-group'] } }, 'network.securityGroups'],
      [{ image: 'rhel-9' }, 'image'],
      [{ image: 'amazon-linux-2023' }, 'image'],
      [{ image: 'debian-12', arch: 'arm64' }, 'image'],
      [{ spot: true }, 'spot'],
      [{ cpu: 512 }, 'cpu'],
      [{ gpu: { count: 4 } }, 'gpu'],
      [{ region: 'RegionNine' }, 'region'],
    ];
    const creates = env.emu.stats.count('servers.create');
    for (const [extra, field] of cases) {
      const error = await rejectionOf(env.openstack.createVM({ name: 'refused', cpu: 1, memory: 1, ...extra }));
      expect(InvalidSpecError.isInstance(error) && error.field, `${JSON.stringify(extra)}: ${String(error)}`).toBe(field);
    }
    expect(env.emu.stats.count('servers.create')).toBe(creates);
  });
});
