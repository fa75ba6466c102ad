/** The resume token written to the state store locates the operation and holds no part of a request body. */
import { describe, expect, it } from 'vitest';
import { resumeTokenOf } from '../../../src/providers/azure/pollers.js';
import { resourceNamesFor } from '../../../src/providers/azure/naming.js';
import { capturingClients } from './sdk-wire.js';

describe('poller resume tokens', () => {
  it('drop the interim result and keep what restorePoller needs', async () => {
    const { compute } = capturingClients();
    const names = resourceNamesFor('token-1');
    const poller = compute.virtualMachines.createOrUpdate('rg', names.vm, { location: 'westus2', osProfile: { adminPassword: 'Hunter2-Secret!', customData: 'c2VjcmV0' } });
    await poller.submitted();
    const token = resumeTokenOf(await poller.serialize());
    const parsed = JSON.parse(token) as { state: { config: { initialRequestUrl: string; requestMethod: string }; result?: unknown } };
    expect(parsed.state.result).toBeUndefined();
    expect(parsed.state.config.requestMethod).toBe('PUT');
    expect(parsed.state.config.initialRequestUrl).toContain(`/virtualMachines/${names.vm}`);
    expect(token).not.toMatch(/Hunter2|c2VjcmV0/);
  });
});
