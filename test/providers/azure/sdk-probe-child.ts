/**
 * Imports `novacron/azure`'s entry with the resolution hook of azure-sdk-hook.mjs and prints which
 * @azure packages got loaded after the import, after building a provider and after its first
 * call, and what that call answered. Run by lazy-load.test.ts and missing-packages.test.ts.
 */
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const loaded = new Set<string>();
port1.on('message', (specifier: string) => loaded.add(specifier));
port1.unref();
register('./azure-sdk-hook.mjs', { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });

/** Lets the hook thread's messages arrive. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));
const snapshot = (): string[] => [...loaded].filter((s) => s === '@azure/arm-compute' || s === '@azure/arm-network' || s === '@azure/identity').sort();

const report: Record<string, unknown> = {};
const { createAzureProvider } = await import('../../../src/providers/azure/index.js');
await settle();
report.afterImport = snapshot();
const withCredential = process.env.NOVACRON_WITH_CREDENTIAL === '1';
const azure = createAzureProvider({
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg',
  location: 'westus2',
  endpoint: 'https://127.0.0.1:9',
  retailPricesEndpoint: 'http://127.0.0.1:9',
  maxRetries: 0,
  ...(withCredential ? { credential: { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }) } } : {}),
});
await settle();
report.afterCreate = snapshot();
try {
  await azure.getVM('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/nc-000000000000');
} catch (error) {
  report.error = (error as Error).message;
  report.errorName = (error as Error).name;
}
await settle();
report.afterFirstCall = snapshot();
process.stdout.write(JSON.stringify(report));
