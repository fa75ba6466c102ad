/**
 * Waiting, the AWS way: the SDK's own waiters (instance running/stopped/terminated, image
 * available) with the caller's signal and a time limit, and a plain poller for the image
 * tasks that have no waiter (ExportImage, ImportImage). Waiters treat
 * `InvalidInstanceID.NotFound` right after a create as "not yet", as AWS documents.
 */
import type { Instance } from '@aws-sdk/client-ec2';
import { sleep } from '../../provider/abort.js';
import { ProviderUnavailableError, TimeoutError } from '../../provider/errors.js';
import type { AwsApi } from './aws-api.js';

/** Instance states a waiter can wait for. */
export type InstanceTarget = 'running' | 'stopped' | 'terminated';

/** Poll delays and the default time limit. */
export interface WaiterTiming {
  /** Shortest delay between polls, seconds (default 15). */
  readonly minDelaySeconds?: number | undefined;
  /** Longest delay between polls, seconds (default 120). */
  readonly maxDelaySeconds?: number | undefined;
  /** Default time limit in milliseconds (10 minutes for instances, an hour for images). */
  readonly waitTimeoutMs?: number | undefined;
}

/** The waiter stopped because the resource reached a state it cannot leave for the target. */
export class WaiterGaveUp extends Error {
  /** Wraps the SDK waiter's failure. */
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'WaiterGaveUp';
  }
}

function isWaiterTimeout(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'TimeoutError';
}

/** Waiters of one provider. */
export class AwsWaiters {
  private readonly minDelay: number;
  private readonly maxDelay: number;

  /** Keeps the API and the timing. */
  constructor(
    private readonly api: AwsApi,
    private readonly providerName: string,
    private readonly timing: WaiterTiming,
  ) {
    this.minDelay = timing.minDelaySeconds ?? 15;
    this.maxDelay = Math.max(this.minDelay, timing.maxDelaySeconds ?? 120);
  }

  private params(limitMs: number): { maxWaitTime: number; minDelay: number; maxDelay: number } {
    // The SDK wants maxWaitTime above minDelay, in seconds.
    return { maxWaitTime: Math.max(limitMs / 1000, this.minDelay + 0.001), minDelay: this.minDelay, maxDelay: this.maxDelay };
  }

  /**
   * Waits for an instance to reach `target`; answers the instance as last seen. Throws the
   * signal's reason on abort, `TimeoutError` naming the instance, or {@link WaiterGaveUp}.
   */
  async instance(target: InstanceTarget, region: string, id: string, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<Instance | undefined> {
    const [client, sdk] = await Promise.all([this.api.ec2(region), this.api.ec2Module()]);
    const limitMs = timeoutMs ?? this.timing.waitTimeoutMs ?? 600_000;
    const waiter = target === 'running' ? sdk.waitUntilInstanceRunning : target === 'stopped' ? sdk.waitUntilInstanceStopped : sdk.waitUntilInstanceTerminated;
    try {
      const result = await waiter({ client, ...this.params(limitMs), abortSignal: signal }, { InstanceIds: [id] });
      const reason = result.reason as { Reservations?: { Instances?: Instance[] }[] } | undefined;
      return reason?.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === id);
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (isWaiterTimeout(error)) {
        throw new TimeoutError({ provider: this.providerName, resourceId: id, message: `VM ${id} did not become ${target} within ${limitMs} ms; it still exists`, cause: error });
      }
      throw new WaiterGaveUp(`VM ${id} will not become ${target}`, error);
    }
  }

  /** Waits for an AMI to become available. */
  async image(region: string, imageId: string, signal: AbortSignal | undefined): Promise<void> {
    const [client, sdk] = await Promise.all([this.api.ec2(region), this.api.ec2Module()]);
    const limitMs = this.timing.waitTimeoutMs ?? 3_600_000;
    try {
      await sdk.waitUntilImageAvailable({ client, ...this.params(limitMs), abortSignal: signal }, { ImageIds: [imageId] });
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (isWaiterTimeout(error)) throw new TimeoutError({ provider: this.providerName, resourceId: imageId, message: `image ${imageId} not available within ${limitMs} ms`, cause: error });
      throw new ProviderUnavailableError({ provider: this.providerName, message: `image ${imageId} failed to become available`, cause: error, retryable: false });
    }
  }

  /** Calls `check` with exponential backoff until it answers `true`. */
  async poll(signal: AbortSignal | undefined, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + (this.timing.waitTimeoutMs ?? 3_600_000);
    for (let attempt = 0; ; attempt++) {
      if (await check()) return;
      if (Date.now() > deadline) throw new TimeoutError({ provider: this.providerName, message: 'image task did not finish in time' });
      await sleep(Math.min(this.maxDelay * 1000, this.minDelay * 1000 * 2 ** attempt), signal);
    }
  }
}
