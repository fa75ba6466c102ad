/** Sections of the FederationConfig whose features have not landed say so when loaded, instead of being silently ignored. */
import { describe, expect, it } from 'vitest';
import { createMemoryProvider, EventBus, type ConfigIgnoredEvent } from '../../src/index.js';
import { FederationManager } from '../../src/federation/index.js';
import { FEDERATION_YAML } from './spec-examples.js';

describe('ignored configuration sections', () => {
  it('the networking section publishes config.ignored and logs a warning; the optimization section is read by startOptimization', async () => {
    const events = new EventBus();
    const seen: ConfigIgnoredEvent[] = [];
    events.on('config.ignored', (e) => void seen.push(e));
    const warnings: string[] = [];
    const memory = (name: string, kind: string) => createMemoryProvider({ name, kind });
    const manager = await FederationManager.fromConfig(FEDERATION_YAML, {
      env: { AZURE_SUBSCRIPTION_ID: 'sub' },
      secrets: () => ({ accessKeyId: 'x', secretAccessKey: 'y' }),
      events,
      logger: { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} },
      providerFactories: { aws: (e) => memory(e.name, 'aws'), azure: (e) => memory(e.name, 'azure'), gcp: (e) => memory(e.name, 'gcp'), openstack: (e) => memory(e.name, 'openstack') },
    });
    expect(seen.map((e) => e.section)).toEqual(['spec.networking']);
    expect(seen[0]!.message).toMatch(/^spec\.networking: /);
    expect(warnings).toEqual(['spec.networking is ignored']);
    // The specification's optimization section (0 2 * * *, cost / performance / carbon-footprint) runs on its schedule.
    const handle = manager.startOptimization();
    handle.stop();
    await handle.done;
  });
});

describe('configuration errors', () => {
  it('are ConfigErrors (still InvalidSpecErrors) that say "invalid config" and name the document path', async () => {
    const { ConfigError, InvalidSpecError } = await import('../../src/index.js');
    const error = await FederationManager.fromConfig(FEDERATION_YAML, { env: { AZURE_SUBSCRIPTION_ID: 'sub' } }).catch((e: unknown) => e);
    expect(ConfigError.isInstance(error) && InvalidSpecError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/invalid config: spec\.providers\[\d\]\.config\.credentials\.secret: names a secret but no secrets resolver was given/);
  });

  it('a built-in factory’s field is named in the document’s terms', async () => {
    const { ConfigError } = await import('../../src/index.js');
    const yaml = FEDERATION_YAML.replace('        region: us-east-1\n', '        region: 42\n');
    const error = await FederationManager.fromConfig(yaml, { env: { AZURE_SUBSCRIPTION_ID: 'sub' }, secrets: () => ({ accessKeyId: 'x', secretAccessKey: 'y' }) }).catch((e: unknown) => e);
    expect(ConfigError.isInstance(error), String(error)).toBe(true);
    expect((error as { field: string }).field).toMatch(/^spec\.providers\[0\]\.config\.region$/);
  });
});
