/**
 * Compute Engine operations as the network companion uses them. Its creates never wait long
 * (a VPN gateway's create comes back `provisioning` while its operation runs): an operation is
 * polled for at most a short, bounded time, and a read that finds nothing asks the operations
 * of the resource's scope whether an insert of it is still running (`provisioning`) — GCE shows
 * a network resource only once its insert is DONE. Operations are found by `targetLink`, the
 * resource's URL (Operation resource, Compute Engine REST reference, read 2026-12).
 *
 * A DONE operation may carry an error: it is classified like a failed call's (`error-mapping.ts`).
 */
import type { protos } from '@google-cloud/compute';
import { sleep } from '../../provider/abort.js';
import type { GcpErrorContext } from './error-mapping.js';
import type { GcpNetworkApi } from './network-clients.js';
import { operationFailure } from './operation-waiter.js';

/** An operation as the library returns it. */
export type NetworkOperation = protos.google.cloud.compute.v1.IOperation;

/** Where an operation lives: a region, or global. */
export interface OperationScope {
  /** Region of a regional resource; global when absent. */
  readonly region?: string | undefined;
}

/** The URL prefix of Compute Engine resources in operations' `targetLink`. */
export const COMPUTE_URL = 'https://www.googleapis.com/compute/v1';

/** The operation of a call's answer: the library wraps it as `latestResponse`. */
export function operationOf(answer: { latestResponse?: unknown } | null | undefined): NetworkOperation | undefined {
  return (answer?.latestResponse ?? undefined) as NetworkOperation | undefined;
}

/** Polls and finds the operations of one project. */
export class NetworkOperations {
  /** Keeps the API and timing. */
  constructor(
    private readonly api: GcpNetworkApi,
    private readonly project: string,
    /** Pause between polls, ms. */
    readonly pollIntervalMs: number,
  ) {}

  /**
   * Polls `operation` for at most `waitMs`: true once it is DONE (rejecting with its classified
   * error when it failed), false while it still runs.
   */
  async settle(operation: NetworkOperation | undefined, scope: OperationScope, ctx: Omit<GcpErrorContext, 'provider'>, waitMs: number, signal: AbortSignal | undefined): Promise<boolean> {
    if (operation?.name === undefined || operation.name === null) return true;
    const deadline = Date.now() + Math.max(0, waitMs);
    let op: NetworkOperation = operation;
    for (;;) {
      if (op.status === 'DONE') {
        const failure = operationFailure(op);
        if (failure) throw this.api.classify(failure, ctx);
        return true;
      }
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(this.pollIntervalMs, Math.max(1, deadline - Date.now())), signal);
      op = await this.get(op.name!, scope, ctx, signal);
    }
  }

  /** One operation of a scope. */
  async get(name: string, scope: OperationScope, ctx: Omit<GcpErrorContext, 'provider'>, signal: AbortSignal | undefined): Promise<NetworkOperation> {
    return this.api.run({ ...ctx, mutating: false }, signal, async ({ regionOperations, globalOperations }, call) => {
      if (scope.region === undefined) return (await globalOperations.get({ project: this.project, operation: name }, call))[0];
      return (await regionOperations.get({ project: this.project, region: scope.region, operation: name }, call))[0];
    });
  }

  /** Operations of a scope matching a list filter, oldest first. */
  async find(scope: OperationScope, filter: string, ctx: Omit<GcpErrorContext, 'provider'>, signal: AbortSignal | undefined): Promise<NetworkOperation[]> {
    const found: NetworkOperation[] = [];
    const request = { project: this.project, filter, maxResults: 500 };
    await this.api.run({ ...ctx, mutating: false }, signal, async ({ regionOperations, globalOperations }, call) => {
      found.length = 0;
      const options = { ...call, autoPaginate: false };
      const pages = scope.region === undefined ? globalOperations.listAsync(request, options) : regionOperations.listAsync({ ...request, region: scope.region }, options);
      for await (const op of pages) found.push(op);
    });
    return found.sort((a, b) => String(a.insertTime ?? '').localeCompare(String(b.insertTime ?? '')));
  }

  /** True when an insert of the resource at `path` (`projects/p/...`) is still running. */
  async insertRunning(scope: OperationScope, path: string, ctx: Omit<GcpErrorContext, 'provider'>, signal: AbortSignal | undefined): Promise<boolean> {
    const ops = await this.find(scope, `(targetLink = "${COMPUTE_URL}/${path}") (operationType = "insert")`, ctx, signal);
    return ops.some((op) => op.status !== 'DONE');
  }
}
