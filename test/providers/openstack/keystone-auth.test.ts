/**
 * Keystone: password and application-credential tokens, the service catalog, transparent
 * re-authentication when a token is revoked or expires mid-run (no failed call reaches the
 * caller), one re-authentication only (a second 401 is an AuthError), TLS with the emulator's
 * private CA (a wrong CA fails with an error that names the `ca` option), and no credential or
 * token in any error or event.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, NovacronError, ProviderUnavailableError } from '../../../src/provider/errors.js';
import { EventBus, NOVACRON_EVENT_NAMES } from '../../../src/provider/events.js';
import { createOpenStackProvider, NOVA_MICROVERSION } from '../../../src/providers/openstack/index.js';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../../src/testing/emulators/index.js';
import { rejectionOf } from '../../helpers.js';
import { fastOptions, startEmulatedOpenStack, type EmulatedOpenStack } from './emulated-openstack.js';

let env: EmulatedOpenStack;
let other: OpenStackEmulator;
beforeAll(async () => {
  env = await startEmulatedOpenStack();
  other = await startOpenStackEmulator();
});
afterAll(async () => {
  await env?.close();
  await other?.close();
});

async function count(iterable: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

describe('Keystone authentication', () => {
  it('scopes a password token to the project and sends the Nova microversion on every compute call', async () => {
    env.emu.stats.reset();
    const provider = env.provider();
    await count(provider.listVMs());
    expect(env.emu.stats.count('auth.tokens')).toBe(1);
    const compute = env.emu.requests().filter((r) => r.service === 'compute');
    expect(compute.length).toBeGreaterThan(0);
    expect(compute.every((r) => r.microversion === `compute ${NOVA_MICROVERSION}` || r.microversion === NOVA_MICROVERSION)).toBe(true);
  });

  it('authenticates with an application credential (no scope: the credential carries its project)', async () => {
    const provider = env.provider({ auth: { type: 'application_credential', ...env.emu.applicationCredential } });
    const vm = await provider.createVM({ name: 'app-cred', cpu: 1, memory: 1 }, { idempotencyKey: 'app-cred-1' });
    expect(vm.state).toBe('running');
    await provider.deleteVM(vm.id);
  });

  it('takes the project from projectId when the password names none (the specification’s projectId: novacron)', async () => {
    const { projectName: _p, projectDomainName: _d, ...unscoped } = env.emu.providerOptions.auth;
    const provider = env.provider({ auth: unscoped, projectId: env.emu.providerOptions.auth.projectName });
    expect(await count(provider.offers())).toBeGreaterThan(0);
  });

  it('a wrong password is an AuthError that names no secret', async () => {
    const provider = env.provider({ auth: { ...env.emu.providerOptions.auth, password: 'not-the-password-123' } });
    const error = await rejectionOf(provider.getVM('00000000-0000-4000-8000-000000000000'));
    expect(AuthError.isInstance(error), String(error)).toBe(true);
    expect(JSON.stringify(error) + String(error) + inspect(error)).not.toContain('not-the-password-123');
  });

  it('re-authenticates once when the token is revoked mid-run: no failed call reaches the caller', async () => {
    const provider = env.provider();
    const vm = await provider.createVM({ name: 'revoked', cpu: 1, memory: 1 }, { idempotencyKey: 'revoked-1' });
    const issued = env.emu.stats.tokensIssued();
    env.emu.revokeTokens();
    expect((await provider.getVM(vm.id)).state).toBe('running');
    expect(await provider.stopVM(vm.id)).toMatchObject({ state: 'stopped' });
    expect(env.emu.stats.tokensIssued()).toBe(issued + 1);
    await provider.deleteVM(vm.id);
  });

  it('renews a short-lived token before it expires (or, without a margin, when it has): a long run never fails', async () => {
    const shortLived = await startOpenStackEmulator({ tokenTtlMs: 400, timings: { buildMs: 20 } });
    try {
      const renewing = createOpenStackProvider({ ...shortLived.providerOptions, ...fastOptions });
      const lazy = createOpenStackProvider({ ...shortLived.providerOptions, ...fastOptions, tokenRenewMarginMs: 0 });
      const deadline = Date.now() + 1_500;
      let calls = 0;
      while (Date.now() < deadline) {
        await count(renewing.listVMs());
        await count(lazy.listVMs());
        calls++;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(calls).toBeGreaterThan(5);
      expect(shortLived.stats.count('auth.tokens')).toBeGreaterThan(4); // both renewed several times, and nothing failed
    } finally {
      await shortLived.close();
    }
  });

  it('a token refused again after re-authenticating is an AuthError', async () => {
    const provider = env.provider({ maxAttempts: 1 });
    await count(provider.listVMs());
    env.emu.faults.failNext('servers.list', 401, undefined, { times: 2 });
    const error = await rejectionOf(count(provider.listVMs()));
    expect(AuthError.isInstance(error), String(error)).toBe(true);
    expect(String(error)).toMatch(/again after re-authenticating/);
  });
});

describe('the service catalog', () => {
  it('picks endpoints by interface and region, and says what the catalog has when none fits', async () => {
    env.emu.stats.reset();
    await count(env.provider({ interface: 'internal' }).listVMs());
    expect(env.emu.requests('servers.list').every((r) => r.interface === 'internal')).toBe(true);
    const error = await rejectionOf(count(env.provider({ region: 'RegionNine' }).listVMs()));
    expect(ProviderUnavailableError.isInstance(error), String(error)).toBe(true);
    expect(String(error)).toMatch(/no public compute endpoint in region RegionNine; it has .*RegionOne/);
  });
});

describe('TLS with a private CA', () => {
  it('trusts the CA it is given; a wrong CA, or none, fails before sending with an error naming the ca option', async () => {
    expect(await count(env.provider().offers())).toBeGreaterThan(0);
    for (const ca of [other.ca, undefined]) {
      const provider = createOpenStackProvider({ ...env.emu.providerOptions, ...fastOptions, ca });
      const error = await rejectionOf(count(provider.listVMs()));
      expect(ProviderUnavailableError.isInstance(error), String(error)).toBe(true);
      expect((error as ProviderUnavailableError).requestSent).toBe(false);
      expect((error as ProviderUnavailableError).retryable).toBe(false);
      expect(String(error)).toMatch(/certificate is not trusted .*set the ca option/);
    }
  });
});

describe('secrets', () => {
  it('never shows the password, the credential secret or a token in errors, events, inspect or JSON', async () => {
    const events = new EventBus();
    const seen: unknown[] = [];
    for (const name of NOVACRON_EVENT_NAMES) events.on(name, (e: unknown) => seen.push(e));
    const provider = env.provider({ events, maxAttempts: 2 });
    env.emu.faults.throttle(1, { retryAfterMs: 1 });
    const error = await rejectionOf(count(provider.listVMs()));
    env.emu.faults.reset();
    expect(NovacronError.isInstance(error)).toBe(true);
    const shown = [JSON.stringify(error), String(error), inspect(error), JSON.stringify(seen), JSON.stringify(provider), String(provider), inspect(provider)].join('\n');
    expect(shown).not.toContain(env.emu.providerOptions.auth.password);
    expect(shown).not.toContain(env.emu.applicationCredential.secret);
    expect(shown).not.toMatch(/x-auth-token|X-Subject-Token/i);
  });
});
