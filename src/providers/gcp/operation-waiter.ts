/**
 * Waiting, the Compute Engine way: every insert, delete, start, stop, suspend, resume and reset
 * answers with a zone operation (PENDING → RUNNING → DONE). `zoneOperations.wait` (`globalOperations.wait` for images) blocks until the
 * operation is DONE or about two minutes have passed ("Handling API responses",
 * cloud.google.com/compute/docs/api/how-tos/api-requests-responses, read 2026-12), so the waiter
 * calls it again until DONE, then reads `operation.error`: a DONE operation may have failed (no
 * capacity in the zone, a quota), and its errors are classified exactly like a call's errors
 * (`error-mapping.ts`).
 *
 * The caller's signal stops the wait (the operation goes on in GCE); past the time limit a
 * `TimeoutError` names the resource, which exists or may still come into being. The operation's
 * name is all another process needs to resume the same wait (see `create-record.ts`).
 */
import type { protos } from '@google-cloud/compute';
import { sleep } from '../../provider/abort.js';
import { TimeoutError } from '../../provider/errors.js';
import { GceOperationError, type GcpErrorContext } from './error-mapping.js';
import type { GcpApi } from './gcp-api.js';

/** A zone operation as the library returns it. */
export type GceOperation = protos.google.cloud.compute.v1.IOperation;

/** How long the waiter waits. */
export interface WaitTiming {
  /** Pause between `wait` calls when the server answers before DONE, ms (default 1,000). */
  readonly pollIntervalMs?: number | undefined;
  /** Default time limit of a wait, ms (default 15 minutes). */
  readonly waitTimeoutMs?: number | undefined;
}

/** What one wait is about. */
export interface WaitRequest {
  /** Zone of the operation; a global operation (an image insert) when absent. */
  readonly zone?: string | undefined;
  /** Operation name. */
  readonly operation: string;
  /** What the failing call was about (for the error of a failed operation). */
  readonly ctx: Omit<GcpErrorContext, 'provider'>;
  /** Cancels the wait. */
  readonly signal?: AbortSignal | undefined;
  /** Time limit, ms. */
  readonly timeoutMs?: number | undefined;
  /** What is waited for, for the timeout message. */
  readonly what: string;
}

/** The error of a DONE operation, `undefined` when it succeeded. */
export function operationFailure(operation: GceOperation): GceOperationError | undefined {
  const errors = operation.error?.errors ?? [];
  if (errors.length === 0) return undefined;
  return new GceOperationError(errors, { httpStatusCode: operation.httpErrorStatusCode, operationName: operation.name });
}

/** Waits on zone operations of one project. */
export class OperationWaiter {
  /** Pause between `wait` calls, ms. */
  readonly pollIntervalMs: number;
  private readonly waitTimeoutMs: number;

  /** Keeps the API and timing. */
  constructor(
    private readonly api: GcpApi,
    private readonly project: string,
    private readonly providerName: string,
    timing: WaitTiming = {},
  ) {
    this.pollIntervalMs = timing.pollIntervalMs ?? 1_000;
    this.waitTimeoutMs = timing.waitTimeoutMs ?? 15 * 60_000;
  }

  /** Waits until the operation is DONE; rejects with its classified error when it failed. */
  async wait(request: WaitRequest): Promise<GceOperation> {
    const limitMs = request.timeoutMs ?? this.waitTimeoutMs;
    const deadline = Date.now() + limitMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new TimeoutError({
          provider: this.providerName,
          resourceId: request.ctx.resourceId,
          message: `${request.what} did not finish within ${limitMs} ms (operation ${request.operation})${request.ctx.resourceId ? `; ${request.ctx.resourceId} exists or may still come into being` : ''}`,
        });
      }
      const operation = await this.api.run(
        { ...request.ctx, mutating: false },
        request.signal,
        async ({ zoneOperations, globalOperations }, call) => {
          const options = { ...call, timeout: Math.min(call.timeout, left + 1_000) };
          if (request.zone === undefined) return (await globalOperations.wait({ project: this.project, operation: request.operation }, options))[0];
          return (await zoneOperations.wait({ project: this.project, zone: request.zone, operation: request.operation }, options))[0];
        },
      );
      if (operation.status === 'DONE') {
        const failure = operationFailure(operation);
        if (failure) throw this.api.classify(failure, request.ctx);
        return operation;
      }
      await sleep(Math.min(this.pollIntervalMs, Math.max(0, deadline - Date.now())), request.signal);
    }
  }
}
