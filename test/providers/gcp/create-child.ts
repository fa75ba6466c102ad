/**
 * A separate process that creates one VM, recording into a SQLite state store, and waits for its
 * zone operation; the interrupted-create test kills it with SIGKILL during that wait. The auth
 * client is the emulator's, rebuilt here from its token (an object cannot cross the process
 * boundary). Not a test file itself.
 */
import type { VMSpecInput } from '../../../src/provider/types.js';
import { createGcpProvider, type GcpProviderOptions } from '../../../src/providers/gcp/index.js';
import { createSqliteStore } from '../../../src/state/sqlite/index.js';
import { GceEmulatorAuthClient } from '../../../src/testing/emulators/index.js';

const options = JSON.parse(process.env.NOVACRON_GCP_OPTIONS ?? '{}') as Omit<GcpProviderOptions, 'authClient'>;
const spec = JSON.parse(process.env.NOVACRON_SPEC ?? '{}') as VMSpecInput;
const store = await createSqliteStore({ path: process.env.NOVACRON_STATE_PATH! });
const authClient = new GceEmulatorAuthClient({ token: process.env.NOVACRON_GCE_TOKEN!, projectId: options.project });
const gcp = createGcpProvider({ ...options, authClient, stateStore: store });
await gcp.createVM(spec, { idempotencyKey: process.env.NOVACRON_KEY ?? 'killed' });
process.stdout.write('created\n');
