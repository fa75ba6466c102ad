/**
 * The URLs of asynchronous operations (see `async-operations.ts`):
 * - status (`Azure-AsyncOperation`): 200 `{ startTime, endTime?, status, name, error? }` from the
 *   compute RP (disk operations add `properties.output`, the resource), `{ status, error? }` from
 *   the network RP;
 * - result (`Location`; compute `...?monitor=true`, network `.../operationResults/{id}`): 202 with
 *   `Location` while running; when done 200 with the result (`{ accessSAS }` of `beginGetAccess`,
 *   an empty 200 for actions, 204 for network deletions), or the error with its status.
 * An id the emulator never handed out is 404 `NotFound` "The entity was not found in this Azure
 * location." (compute RP wording as quoted in Azure SDK issue threads, read 2026-12).
 */
import { ArmError } from './arm-error.js';
import type { ArmAnswer, ArmCall } from './arm-call.js';
import { statusOfArmCode } from './arm-wire.js';
import type { ArmOperationProvider, ArmOperationStatus } from './async-operations.js';

function statusOf(call: ArmCall, provider: ArmOperationProvider): ArmOperationStatus {
  const found = call.state.operations.status(call.param('operationId'), provider, call.param('location'));
  if (!found) throw new ArmError(404, 'NotFound', 'The entity was not found in this Azure location.');
  return found;
}

function statusBody(op: ArmOperationStatus): Record<string, unknown> {
  const error = op.error ? { error: { code: op.error.code, message: op.error.message, ...(op.provider === 'network' ? { details: [] } : {}) } } : {};
  if (op.provider === 'network') return { status: op.status, ...error };
  return {
    startTime: op.startTime,
    ...(op.endTime !== undefined ? { endTime: op.endTime } : {}),
    status: op.status,
    ...(op.provider === 'disk' && op.status === 'Succeeded' && op.result !== undefined ? { properties: { output: op.result } } : {}),
    ...error,
    name: op.id,
  };
}

/** GET an operation's status. */
export function operationStatus(provider: ArmOperationProvider): (call: ArmCall) => ArmAnswer {
  return (call) => ({ status: 200, body: statusBody(statusOf(call, provider)) });
}

/** GET an operation's result (its `Location`). */
export function operationResult(provider: ArmOperationProvider): (call: ArmCall) => ArmAnswer {
  return (call) => {
    const op = statusOf(call, provider);
    if (op.status === 'InProgress') return { status: 202, headers: { location: `${call.world.endpoint()}${call.request.target}` } };
    if (op.status === 'Failed') throw new ArmError(statusOfArmCode(op.error!.code), op.error!.code, op.error!.message);
    if (op.result !== undefined && op.result !== null && typeof op.result === 'object') return { status: 200, body: op.result };
    return provider === 'network' ? { status: 204 } : { status: 200 };
  };
}
