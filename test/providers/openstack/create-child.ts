/**
 * A separate process that creates one VM, recording into a SQLite state store, and waits for it
 * to become ACTIVE; the interrupted-create test kills it with SIGKILL during that wait. Not a test
 * file itself.
 */
import type { VMSpecInput } from '../../../src/provider/types.js';
import { createOpenStackProvider, type OpenStackProviderOptions } from '../../../src/providers/openstack/index.js';
import { createSqliteStore } from '../../../src/state/sqlite/index.js';

const options = JSON.parse(process.env.NOVACRON_OPENSTACK_OPTIONS ?? '{}') as OpenStackProviderOptions;
const spec = JSON.parse(process.env.NOVACRON_SPEC ?? '{}') as VMSpecInput;
const store = await createSqliteStore({ path: process.env.NOVACRON_STATE_PATH! });
const openstack = createOpenStackProvider({ ...options, stateStore: store });
await openstack.createVM(spec, { idempotencyKey: process.env.NOVACRON_KEY ?? 'killed' });
process.stdout.write('created\n');
