/**
 * A separate process that creates one VM and waits for it; the interrupted-create test kills
 * it with SIGKILL right after EC2 accepted RunInstances. Not a test file itself.
 */
import { createAwsProvider } from '../../../src/providers/aws/index.js';

const options = JSON.parse(process.env.NOVACRON_AWS_OPTIONS ?? '{}') as Parameters<typeof createAwsProvider>[0];
const aws = createAwsProvider(options);
await aws.createVM({ name: 'killed', cpu: 1, memory: 1, labels: { suite: 'killed' } }, { idempotencyKey: process.env.NOVACRON_KEY ?? 'killed' });
process.stdout.write('created\n');
