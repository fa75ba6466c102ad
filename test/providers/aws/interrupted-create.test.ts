/**
 * A create interrupted after EC2 accepted RunInstances (signal aborted, response lost, process
 * killed) and run again with the same idempotency key ends with exactly one instance.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAbortError } from '../../../src/provider/errors.js';
import { clientTokenFor } from '../../../src/providers/aws/run-instances-mapping.js';
import type { Ec2EmulatorCallEvent } from '../../../src/testing/emulators/ec2/index.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedAws, type EmulatedAws } from './emulated-aws.js';

let env: EmulatedAws;
beforeAll(async () => {
  env = await startEmulatedAws();
  await env.aws.estimateCost({ name: 'warm', cpu: 1, memory: 1 }); // catalog loaded: RunInstances comes first
});
afterAll(() => env.close());

const launchedWith = (key: string) => env.emu.instances().filter((i) => i.clientToken === clientTokenFor(key));

describe('interrupted creates', () => {
  it('a signal aborted as soon as RunInstances succeeded, then a re-run', async () => {
    const controller = new AbortController();
    const onCall = (e: Ec2EmulatorCallEvent): void => {
      if (e.action === 'RunInstances' && e.status === 200) controller.abort();
    };
    env.emu.events.on('call', onCall);
    const error = await rejectionOf(env.aws.createVM({ name: 'aborted', cpu: 1, memory: 1 }, { idempotencyKey: 'abort-1', signal: controller.signal }));
    env.emu.events.off('call', onCall);
    expect(isAbortError(error), String(error)).toBe(true);
    expect(launchedWith('abort-1')).toHaveLength(1);

    const vm = await env.aws.createVM({ name: 'aborted', cpu: 1, memory: 1 }, { idempotencyKey: 'abort-1' });
    expect(vm.state).toBe('running');
    expect(launchedWith('abort-1').map((i) => i.instanceId)).toEqual([vm.id]);
  });

  it('a lost RunInstances response, retried by the SDK with the same ClientToken', async () => {
    env.emu.faults.dropResponse('RunInstances', { times: 2 });
    env.emu.stats.reset();
    const vm = await env.aws.createVM({ name: 'dropped', cpu: 1, memory: 1 }, { idempotencyKey: 'drop-1' });
    expect(env.emu.stats.count('RunInstances')).toBe(3);
    expect(launchedWith('drop-1').map((i) => i.instanceId)).toEqual([vm.id]);
  });

  it('a process killed right after RunInstances, then a re-run in another process', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./create-child.ts', import.meta.url))], {
      env: { ...process.env, NOVACRON_AWS_OPTIONS: JSON.stringify(env.emu.providerOptions), NOVACRON_KEY: 'killed-1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const onCall = (e: Ec2EmulatorCallEvent): void => {
      if (e.action === 'RunInstances' && e.status === 200) child.kill('SIGKILL');
    };
    env.emu.events.on('call', onCall);
    const { signal } = await exited;
    env.emu.events.off('call', onCall);
    expect(signal).toBe('SIGKILL');
    const orphans = launchedWith('killed-1');
    expect(orphans).toHaveLength(1);

    const vm = await env.aws.createVM({ name: 'killed', cpu: 1, memory: 1, labels: { suite: 'killed' } }, { idempotencyKey: 'killed-1' });
    expect(vm.id).toBe(orphans[0]!.instanceId);
    expect(launchedWith('killed-1')).toHaveLength(1);
  });
});
