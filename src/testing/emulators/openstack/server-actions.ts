/**
 * `POST /servers/{id}/action`: one operation per action key, in the states Nova allows it
 * (nova `compute/api.py` `check_instance_state`, read 2026-12) — otherwise 409 "Cannot 'stop'
 * instance <id> while it is in vm_state stopped" (or `task_state ...` while a task runs):
 * - `os-stop` (vm_state active or error) → task `powering-off` → SHUTOFF;
 * - `os-start` (stopped) → task `powering-on` → ACTIVE;
 * - `reboot` `{type: SOFT|HARD}` (SOFT: active; HARD: active, stopped, paused, suspended, error)
 *   → REBOOT or HARD_REBOOT → ACTIVE;
 * - `createImage` `{name, metadata}` (active, stopped, paused, suspended) → a Glance snapshot,
 *   202 with `{"image_id"}` from 2.45 (before: no body, the image URL in `Location`).
 */
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import { extendedStatus, type ServerRecord } from './compute-state.js';
import { checkMetadata, checkName } from './compute-validation.js';
import { atLeast } from './microversion.js';
import type { JsonObject, OpenStackCall } from './openstack-call.js';
import { badRequest, conflict } from './openstack-errors.js';
import { findServer } from './server-handlers.js';

/** The actions served, by body key. */
export const SERVER_ACTIONS = ['os-start', 'os-stop', 'reboot', 'createImage'] as const;

function refuseUnless(server: ServerRecord, action: string, vmStates: readonly string[]): void {
  if (server.taskState !== null) throw conflict(`Cannot '${action}' instance ${server.id} while it is in task_state ${server.taskState}`);
  const { vmState } = extendedStatus(server.state);
  if (!vmStates.includes(vmState)) throw conflict(`Cannot '${action}' instance ${server.id} while it is in vm_state ${vmState}`);
}

/** Runs the action named by the body's one key. */
export function serverAction(call: OpenStackCall, action: string): EmulatorResponse {
  const server = findServer(call, call.param('id'));
  const args = call.body(badRequest)[action];
  const compute = call.state.compute;
  switch (action) {
    case 'os-stop':
      refuseUnless(server, 'stop', ['active', 'error']);
      compute.schedule(server, 'powering-off', 'SHUTOFF', compute.timings.stopMs);
      return { status: 202 };
    case 'os-start':
      refuseUnless(server, 'start', ['stopped']);
      compute.schedule(server, 'powering-on', 'ACTIVE', compute.timings.startMs);
      return { status: 202 };
    case 'reboot': {
      const type = typeof args === 'object' && args !== null ? (args as JsonObject).type : undefined;
      const kind = typeof type === 'string' ? type.toUpperCase() : undefined;
      if (kind !== 'SOFT' && kind !== 'HARD') throw badRequest(`Invalid input for field/attribute type. Value: ${String(type)}. ${JSON.stringify(type ?? null)} is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']`);
      refuseUnless(server, 'reboot', kind === 'SOFT' ? ['active'] : ['active', 'stopped', 'paused', 'suspended', 'error']);
      server.state = kind === 'SOFT' ? 'REBOOT' : 'HARD_REBOOT';
      compute.schedule(server, kind === 'SOFT' ? 'rebooting' : 'rebooting_hard', 'ACTIVE', compute.timings.rebootMs);
      return { status: 202 };
    }
    case 'createImage': {
      const spec = typeof args === 'object' && args !== null ? (args as JsonObject) : {};
      const name = checkName(spec.name);
      const metadata = spec.metadata === undefined ? {} : checkMetadata(spec.metadata);
      refuseUnless(server, 'createImage', ['active', 'stopped', 'paused', 'suspended']);
      const image = call.state.snapshotServer(server, name, metadata);
      const location = `${call.serviceUrl('image')}/v2/images/${image.id}`;
      return atLeast(call.microversion, 45) ? jsonResponse(202, { image_id: image.id }, { location }) : { status: 202, headers: { location } };
    }
    default:
      throw badRequest(`There is no such action: ${action}`);
  }
}
