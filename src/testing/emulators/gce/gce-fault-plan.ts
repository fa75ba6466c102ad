/**
 * The kit's fault plan as the Compute Engine emulator reads it, plus the fault only GCE's
 * operations have: an insert (or start) that GCE accepts and whose operation then ends with an
 * error.
 *
 * The shared vocabulary maps onto Compute Engine like this (operation names: {@link GCE_OPERATIONS}):
 * - `capacity({ zone: 'us-central1-a', type: 'n2-standard-4' }, n)`: n more VMs of that machine
 *   type (or accelerator type, e.g. `nvidia-tesla-t4`) fit in the zone; `{ zone }` alone limits
 *   every type. Beyond it an insert or start is accepted and its DONE operation carries
 *   `ZONE_RESOURCE_POOL_EXHAUSTED` (httpErrorStatusCode 503), as GCE reports a stock-out.
 * - `quota(name, limit)`: GCE's quota names — regional `CPUS`, `INSTANCES`, `PREEMPTIBLE_CPUS`,
 *   per-family `N2_CPUS`, `C3_CPUS`, ..., per-model `NVIDIA_T4_GPUS`, `NVIDIA_L4_GPUS`, ..., and
 *   global `GPUS_ALL_REGIONS`; prefix a region to limit only it (`us-east1/CPUS`). The kit's
 *   generic names are read as GCE's (`vcpus` = `CPUS`, `instances` = `INSTANCES`, `gpus` =
 *   `GPUS_ALL_REGIONS`). Beyond a limit the insert's DONE operation carries `QUOTA_EXCEEDED`
 *   ("Quota 'CPUS' exceeded.  Limit: 8.0 in region us-central1.", httpErrorStatusCode 403).
 * - `throttle`: 429 `rateLimitExceeded` (status `RESOURCE_EXHAUSTED`) with Retry-After.
 * - `expireCredentials`: every call 401 `authError` (`UNAUTHENTICATED`) until restored.
 * - `dropResponse(op)`: the call takes effect and the connection is reset without an answer.
 * - `delay`, `hang`, `failNext`: the kit's, on GCE's operation names, said in GCE's error body.
 * - `failNextExportWorker()`: an export worker runs and powers off without writing its object.
 */
import { FaultPlan } from '../kit/fault-plan.js';
import type { GceOperationFailure } from './operation-store.js';

/** The quota names an insert is checked against (each may be prefixed by `region/`). */
export type GceQuotaName = 'CPUS' | 'INSTANCES' | 'PREEMPTIBLE_CPUS' | 'GPUS_ALL_REGIONS' | 'vcpus' | 'instances' | 'gpus' | (string & {});

const ALIASES: Readonly<Record<string, string>> = { vcpus: 'CPUS', instances: 'INSTANCES', gpus: 'GPUS_ALL_REGIONS' };

/** Faults of the Compute Engine emulator. */
export class GceFaultPlan extends FaultPlan {
  private readonly operationFailures: GceOperationFailure[] = [];
  private silentExportWorkers = 0;

  /**
   * The next `count` export workers (instances whose metadata names a
   * `novacron-export-destination`) run and power off without writing their object, as a worker
   * whose script failed does.
   */
  failNextExportWorker(count = 1): void {
    this.silentExportWorkers += count;
  }

  /** @internal True when the export worker being started is to write nothing (takes one). */
  takeExportWorkerFailure(): boolean {
    if (this.silentExportWorkers === 0) return false;
    this.silentExportWorkers--;
    return true;
  }

  /**
   * The next insert or start is accepted and its operation then ends with `failure` (default:
   * `ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS`, as GCE reports a stock-out of a resource type).
   */
  failNextOperation(failure?: GceOperationFailure): void {
    this.operationFailures.push(
      failure ?? {
        code: 'ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS',
        message: "The zone does not have enough resources available to fulfill the request. '(resource type:compute)'.",
        httpStatus: 503,
      },
    );
  }

  /** @internal Takes the next planned operation failure. */
  takeOperationFailure(): GceOperationFailure | undefined {
    return this.operationFailures.shift();
  }

  /** The limit in force for a GCE quota `name` in `region` (the region's own wins; aliases read). */
  quotaIn(region: string, name: string): number | undefined {
    const alias = Object.entries(ALIASES).find(([, gce]) => gce === name)?.[0];
    return this.quotaOf(`${region}/${name}`) ?? this.quotaOf(name) ?? (alias === undefined ? undefined : (this.quotaOf(`${region}/${alias}`) ?? this.quotaOf(alias)));
  }

  override reset(): void {
    super.reset();
    this.operationFailures.length = 0;
    this.silentExportWorkers = 0;
  }
}
