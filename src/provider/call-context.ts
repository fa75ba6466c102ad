/**
 * What a failing cloud call was about, as an adapter's error mapping needs it to name the
 * resource, zone and size in the error it raises, and to tell "may have happened" from "did not".
 */

/** The context of one cloud call. */
export interface CloudCallContext {
  /** Provider name. */
  readonly provider: string;
  /** Operation, e.g. `createVM`. */
  readonly operation: string;
  /** Region (location) of the call. */
  readonly region?: string | undefined;
  /** Zone asked for, when one was. */
  readonly zone?: string | undefined;
  /** Instance type (VM size) asked for. */
  readonly instanceType?: string | undefined;
  /** Resource looked up (`vm`, `image`, `disk`, `nic`, ...). */
  readonly resourceType?: string | undefined;
  /** Its id. */
  readonly resourceId?: string | undefined;
  /**
   * The call changes state in the cloud (a create, a delete, an image copy): a timeout after
   * sending then means "may have happened" and maps to `TimeoutError`.
   */
  readonly mutating?: boolean | undefined;
}
