/**
 * stop / start / suspend / resume / reset over the wire, and the state each leaves the VM in as
 * read back through the client: GCE's TERMINATED is a stopped VM (still listed, can be started),
 * SUSPENDED is stopped too and is resumed (not started) by `startVM`; the transitional statuses
 * are `stopping` / `pending`, with GCE's word kept in `rawState`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VM } from '../../../src/provider/types.js';
import { collect } from '../../helpers.js';
import { startEmulatedGcp, type EmulatedGcp } from './emulated-gcp.js';

let env: EmulatedGcp;
let vm: VM;
// Operations that run for 300 ms, so the statuses in between can be read.
beforeAll(async () => {
  env = await startEmulatedGcp({ emulator: { operationPendingMs: 10, operationRunningMs: 300 } });
  vm = await env.gcp.createVM({ name: 'power', cpu: 2, memory: 4, labels: { suite: 'power' } }, { idempotencyKey: 'power-1' });
});
afterAll(() => env?.close());

const name = (): string => vm.id.split('/').pop()!;
const emulated = (): string | undefined => env.emu.state.instance(name())?.status ?? undefined;
const sent = (operation: string): string[] => env.emu.requests(operation).filter((r) => r.path.includes(`/instances/${name()}/`)).map((r) => r.method);

describe('power operations and the states they leave', () => {
  it('stop: STOPPING is stopping, then TERMINATED is stopped, still listed and not deleted', async () => {
    expect(vm.state).toBe('running');
    const stopping = await env.gcp.stopVM(vm.id, { wait: false });
    expect([stopping.state, stopping.rawState]).toEqual(['stopping', 'STOPPING']);
    const stopped = await env.gcp.stopVM(vm.id);
    expect([stopped.state, stopped.rawState]).toEqual(['stopped', 'TERMINATED']);
    expect(emulated()).toBe('TERMINATED');
    expect(sent('instances.stop')).toEqual(['POST', 'POST']);
    const listed = await collect(env.gcp.listVMs({ labels: { suite: 'power' } }));
    expect(listed.map((v) => [v.id, v.state])).toEqual([[vm.id, 'stopped']]);
    expect(await collect(env.gcp.listVMs({ labels: { suite: 'power' }, states: ['running'] }))).toEqual([]);
  });

  it('start: PROVISIONING / STAGING are pending, then running', async () => {
    const starting = await env.gcp.startVM(vm.id, { wait: false });
    expect(starting.state).toBe('pending');
    expect(['PROVISIONING', 'STAGING']).toContain(starting.rawState);
    const running = await env.gcp.startVM(vm.id);
    expect([running.state, running.rawState]).toEqual(['running', 'RUNNING']);
    expect(emulated()).toBe('RUNNING');
    expect(sent('instances.start').length).toBeGreaterThanOrEqual(1);
  });

  it('suspend: SUSPENDING is stopping, SUSPENDED is stopped; startVM resumes it with instances.resume', async () => {
    const suspending = await env.gcp.suspendVM(vm.id, { wait: false });
    expect([suspending.state, suspending.rawState]).toEqual(['stopping', 'SUSPENDING']);
    const suspended = await env.gcp.suspendVM(vm.id);
    expect([suspended.state, suspended.rawState]).toEqual(['stopped', 'SUSPENDED']);
    expect(emulated()).toBe('SUSPENDED');
    const startsBefore = sent('instances.start').length;
    const resumed = await env.gcp.startVM(vm.id);
    expect([resumed.state, resumed.rawState]).toEqual(['running', 'RUNNING']);
    expect(sent('instances.resume')).toEqual(['POST']);
    expect(sent('instances.start').length).toBe(startsBefore); // GCE refuses start on a SUSPENDED VM
  });

  it('reboot is instances.reset, waited for, and the VM stays running', async () => {
    const waitsBefore = env.emu.requests('zoneOperations.wait').length;
    const rebooted = await env.gcp.rebootVM(vm.id);
    expect([rebooted.state, rebooted.rawState]).toEqual(['running', 'RUNNING']);
    expect(sent('instances.reset')).toEqual(['POST']);
    const resetOp = env.emu.state.operations().filter((o) => o.operationType === 'reset').at(-1)!;
    expect(resetOp.status).toBe('DONE');
    expect(env.emu.requests('zoneOperations.wait').slice(waitsBefore).some((r) => r.path.endsWith(`/operations/${resetOp.name}/wait`))).toBe(true);
  });

  it('every power call carries a requestId of its own', () => {
    const calls = ['instances.stop', 'instances.start', 'instances.suspend', 'instances.resume', 'instances.reset'].flatMap((op) => env.emu.requests(op));
    const ids = calls.map((r) => r.requestId);
    expect(ids.every((id) => typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a preempted spot VM (TERMINATED) is stopped with the reason; REPAIRING is unknown', async () => {
    const spot = await env.gcp.createVM({ name: 'spot', cpu: 2, memory: 4, spot: true }, { idempotencyKey: 'power-spot' });
    env.emu.setInstanceStatus(spot.id.split('/').pop()!, 'TERMINATED');
    const preempted = await env.gcp.getVM(spot.id);
    expect([preempted.state, preempted.rawState]).toEqual(['stopped', 'TERMINATED']);
    expect(preempted.stateReason).toMatch(/preempt/);
    env.emu.setInstanceStatus(name(), 'REPAIRING');
    const repairing = await env.gcp.getVM(vm.id);
    expect([repairing.state, repairing.rawState]).toEqual(['unknown', 'REPAIRING']);
  });
});
