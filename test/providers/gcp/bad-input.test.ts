/** Bad input — a malformed spec, an unknown zone, an unknown image alias, a GPU type the zone does not offer, bad credentials — is a typed error naming the field, and nothing is created. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, InvalidSpecError } from '../../../src/provider/errors.js';
import type { VMSpecInput } from '../../../src/provider/types.js';
import { startEmulatedGcp, type EmulatedGcp } from './emulated-gcp.js';

let env: EmulatedGcp;
beforeAll(async () => {
  env = await startEmulatedGcp();
  await env.gcp.offers('us-central1')[Symbol.asyncIterator]().next(); // a warm catalog: the refusals below are local
});
afterAll(() => env?.close());

async function refusal(spec: VMSpecInput): Promise<InvalidSpecError> {
  const inserts = env.emu.stats.count('instances.insert');
  const error = await env.gcp.createVM(spec, { idempotencyKey: `bad-${spec.name}` }).catch((e: unknown) => e);
  expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
  expect(env.emu.stats.count('instances.insert')).toBe(inserts);
  return error as InvalidSpecError;
}

describe('bad input creates nothing', () => {
  it('a malformed spec names the field', async () => {
    expect((await refusal({ name: 'Bad_Name', cpu: 2, memory: 4 })).issues.map((i) => i.field)).toContain('name');
    expect((await refusal({ name: 'neg', cpu: -1, memory: 4 })).issues.map((i) => i.field)).toContain('cpu');
  });

  it('an unknown zone names zone', async () => {
    expect((await refusal({ name: 'zone', cpu: 2, memory: 4, zone: 'us-central1-z' })).issues[0]!.field).toBe('zone');
  });

  it('an unknown image alias names image', async () => {
    expect((await refusal({ name: 'img', cpu: 2, memory: 4, image: 'ubuntu-99.04' })).issues[0]!.field).toBe('image');
  });

  it('a GPU type not offered in the zone names gpu, and says where it is', async () => {
    const zones = env.emu.providerOptions.zones;
    let found: InvalidSpecError | undefined;
    for (const zone of zones) {
      const error = await env.gcp.createVM({ name: 'gpu', cpu: 4, memory: 16, zone, gpu: { count: 1, type: 'l4' } }, { idempotencyKey: `gpu-${zone}`, wait: false }).catch((e: unknown) => e);
      if (InvalidSpecError.isInstance(error)) {
        found = error;
        break;
      }
    }
    expect(found?.issues[0]!.field).toBe('gpu');
    expect(found?.issues[0]!.message).toMatch(/not offered in zone/);
    const unknown = await refusal({ name: 'gpu2', cpu: 4, memory: 16, gpu: { count: 1, type: 'k80' } });
    expect(unknown.issues[0]!.field).toBe('gpu');
  });

  it('bad credentials are an AuthError, and nothing is created', async () => {
    const stranger = env.emu.newAuthClient();
    stranger.setToken('not-a-token');
    const provider = env.provider({ authClient: stranger, maxAttempts: 1 });
    const before = env.emu.state.instances().length;
    const error = await provider.createVM({ name: 'who', cpu: 2, memory: 4 }, { idempotencyKey: 'who' }).catch((e: unknown) => e);
    expect(AuthError.isInstance(error), String(error)).toBe(true);
    expect(env.emu.state.instances().length).toBe(before);
  });
});
