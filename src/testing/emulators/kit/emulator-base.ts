/**
 * What every emulator class shares: the members of {@link RunningEmulator}, answered by the
 * kit server it stands on. An emulator extends it and adds its cloud's own members.
 */
import type { EmulatorServer, RunningEmulator } from './emulator-server.js';
import type { FaultPlan } from './fault-plan.js';
import type { RequestLog } from './request-log.js';

/** An emulator on a kit server. */
export abstract class EmulatorBase implements RunningEmulator {
  /**
   * Wraps a started server.
   * @param server The kit server the emulator answers on.
   */
  protected constructor(
    /** The kit server the emulator answers on. */
    protected readonly server: EmulatorServer,
  ) {}

  /** Base URL of the endpoint. */
  get endpoint(): string {
    return this.server.endpoint;
  }

  /** The fault plan in force. */
  get faults(): FaultPlan {
    return this.server.faults;
  }

  /** Every request answered, with its operation. */
  get log(): RequestLog {
    return this.server.log;
  }

  /** The certificate (PEM) to trust when the emulator serves https. */
  get ca(): string | undefined {
    return this.server.ca;
  }

  /** Ends hanging requests, closes every socket and frees the port. */
  close(): Promise<void> {
    return this.server.close();
  }
}
