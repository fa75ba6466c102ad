/**
 * A separate process that sets up a VPN between two served clouds (see remote-network.ts),
 * recording into a SQLite state store; the interrupted-setup test kills it with SIGKILL while
 * one of its creates is in flight. Not a test file.
 */
import { CrossCloudNetwork, type ConnectivityEndpoint } from '../../src/network/index.js';
import type { ProviderV1 } from '../../src/provider/provider-v1.js';
import { createSqliteStore } from '../../src/state/sqlite/index.js';
import { describeNetworks, RemoteNetwork, RemoteSecretVault } from './remote-network.js';

const url = process.env.NOVACRON_NETWORK_URL!;
const sites = JSON.parse(process.env.NOVACRON_SITES!) as { provider: string; networkId: string }[];
const store = await createSqliteStore({ path: process.env.NOVACRON_STATE_PATH! });
const described = await describeNetworks(url);
// CrossCloudNetwork reads a provider's name, kind and network companion; nothing else of ProviderV1 is used here.
const providers = described.map((d) => ({ name: d.provider, kind: d.kind, networking: new RemoteNetwork(url, d) }) as unknown as ProviderV1);
const endpoint = (i: number): ConnectivityEndpoint => ({ provider: providers.find((p) => p.name === sites[i]!.provider)!, networkId: sites[i]!.networkId });
const network = new CrossCloudNetwork({ vault: new RemoteSecretVault(url), store, providers, timeouts: { pollMs: 5, runBudgetMs: 10_000 } });
let result = await network.establishConnectivity(endpoint(0), endpoint(1), { idempotencyKey: process.env.NOVACRON_KEY! });
while (result.status === 'provisioning') result = await network.resume(result.operationId);
process.stdout.write(`${result.status}\n`);
