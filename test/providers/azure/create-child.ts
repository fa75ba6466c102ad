/**
 * A separate process that creates one VM (with a public IP), recording into a SQLite state store,
 * and waits for it; the interrupted-create test kills it with SIGKILL while the poller waits. The
 * credential is the emulator's, rebuilt here from its client credentials (a credential object
 * cannot cross the process boundary). Not a test file itself.
 */
import { createAzureProvider, type AzureProviderOptions } from '../../../src/providers/azure/index.js';
import { createSqliteStore } from '../../../src/state/sqlite/index.js';
import { ArmEmulatorCredential, type ArmEmulatorCredentialOptions } from '../../../src/testing/emulators/index.js';

const { credential, ...options } = JSON.parse(process.env.NOVACRON_AZURE_OPTIONS ?? '{}') as Omit<AzureProviderOptions, 'credential'> & { credential: ArmEmulatorCredentialOptions };
const store = await createSqliteStore({ path: process.env.NOVACRON_STATE_PATH! });
const azure = createAzureProvider({ ...options, stateStore: store, credential: new ArmEmulatorCredential(credential) });
await azure.createVM({ name: 'killed', cpu: 1, memory: 1, network: { publicIp: true }, labels: { suite: 'killed' } }, { idempotencyKey: process.env.NOVACRON_KEY ?? 'killed' });
process.stdout.write('created\n');
