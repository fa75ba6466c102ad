/**
 * The kit's fault plan with the one fault only EC2 has: a launch that RunInstances accepts and
 * that then fails while pending (capacity gone after the call), leaving a terminated instance
 * with a state reason. Capacity and quotas are the kit's: `capacity({ zone, type }, n)` and
 * `quota('vcpus' | 'instances' | 'spot-instances', n)`, enforced by RunInstances with EC2's codes
 * (`InsufficientInstanceCapacity`, `VcpuLimitExceeded`, `InstanceLimitExceeded`,
 * `MaxSpotInstanceCountExceeded`). And an export task that ExportImage accepts and that then
 * fails, as VM Import/Export reports a conversion failure: status `deleted` with a message.
 */
import { FaultPlan } from '../kit/fault-plan.js';
import type { StateReason } from './ec2-state.js';

/** The quotas RunInstances enforces, by the name given to {@link FaultPlan.quota}. */
export type Ec2QuotaName = 'vcpus' | 'instances' | 'spot-instances';

const CAPACITY_GONE: StateReason = { code: 'Server.InsufficientInstanceCapacity', message: 'Server.InsufficientInstanceCapacity: Insufficient capacity to satisfy instance request' };

/** Faults of the EC2 emulator: the shared vocabulary and EC2's failed launch. */
export class Ec2FaultPlan extends FaultPlan {
  private readonly launchFailures: StateReason[] = [];
  private readonly exportTaskFailures: string[] = [];

  /**
   * Lets the next launch be accepted and then fail while pending, as EC2 does when capacity
   * vanishes after RunInstances: the instance goes to `terminated` with this state reason
   * (default `Server.InsufficientInstanceCapacity`).
   */
  failNextLaunch(reason: StateReason = CAPACITY_GONE): void {
    this.launchFailures.push(reason);
  }

  /** @internal Takes the next launch failure. */
  takeLaunchFailure(): StateReason | undefined {
    return this.launchFailures.shift();
  }

  /**
   * Lets the next ExportImage be accepted and its task then fail: DescribeExportImageTasks
   * answers status `deleted` with this status message, and no object is written.
   */
  failNextExportTask(message = 'ClientError: Unable to export the image: the conversion failed'): void {
    this.exportTaskFailures.push(message);
  }

  /** @internal Takes the next export task failure. */
  takeExportTaskFailure(): string | undefined {
    return this.exportTaskFailures.shift();
  }

  override reset(): void {
    super.reset();
    this.launchFailures.length = 0;
    this.exportTaskFailures.length = 0;
  }
}
