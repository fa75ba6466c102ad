/**
 * The `x-ms-ratelimit-remaining-*` headers ARM puts on every answer. ARM counts requests per
 * subscription and hour: 12,000 reads, 1,200 writes, 15,000 deletes (learn.microsoft.com
 * "Throttling Resource Manager requests", default limits per hour, read 2026-12); the compute RP
 * adds `x-ms-ratelimit-remaining-resource` with its own policies, e.g.
 * `Microsoft.Compute/PutVM3Min;239,Microsoft.Compute/PutVM30Min;1199` on a VM PUT
 * (learn.microsoft.com "Troubleshooting API throttling errors", read 2026-12). The counts here
 * only inform: throttling itself is the fault plan's (`faults.throttle`).
 */

/** ARM's per-hour subscription limits. */
const SUBSCRIPTION_LIMITS = { reads: 12_000, writes: 1_200, deletes: 15_000 } as const;

/** The compute RP's VM write policies (name, window, limit). */
const PUT_VM_POLICIES = [
  { name: 'PutVM3Min', windowMs: 3 * 60_000, limit: 240 },
  { name: 'PutVM30Min', windowMs: 30 * 60_000, limit: 1_200 },
] as const;

type Kind = keyof typeof SUBSCRIPTION_LIMITS;

function kindOf(method: string): Kind {
  return method === 'GET' || method === 'HEAD' ? 'reads' : method === 'DELETE' ? 'deletes' : 'writes';
}

/** Request counts of one subscription. */
export class RateLimitCounters {
  private readonly hits: Record<Kind, number[]> = { reads: [], writes: [], deletes: [] };
  private readonly putVm: number[] = [];

  /** Counters on `now` (epoch ms). */
  constructor(private readonly now: () => number) {}

  /** Counts one request and returns the headers to answer it with. */
  count(method: string, vmWrite: boolean, throttled: boolean): Record<string, string> {
    const now = this.now();
    const kind = kindOf(method);
    const list = this.hits[kind];
    list.push(now);
    prune(list, now - 3_600_000);
    const headers: Record<string, string> = { [`x-ms-ratelimit-remaining-subscription-${kind}`]: String(throttled ? 0 : Math.max(0, SUBSCRIPTION_LIMITS[kind] - list.length)) };
    if (vmWrite) {
      this.putVm.push(now);
      prune(this.putVm, now - PUT_VM_POLICIES[1].windowMs);
      headers['x-ms-ratelimit-remaining-resource'] = PUT_VM_POLICIES.map((p) => {
        const used = this.putVm.filter((t) => t > now - p.windowMs).length;
        return `Microsoft.Compute/${p.name};${throttled ? 0 : Math.max(0, p.limit - used)}`;
      }).join(',');
    }
    return headers;
  }

  /** The compute RP's policy a VM write is counted against, with its figures (for throttling bodies). */
  putVmPolicy(): { readonly name: string; readonly limit: number; readonly used: number; readonly windowMs: number } {
    const p = PUT_VM_POLICIES[0];
    const now = this.now();
    return { name: p.name, limit: p.limit, used: this.putVm.filter((t) => t > now - p.windowMs).length, windowMs: p.windowMs };
  }
}

function prune(list: number[], before: number): void {
  let drop = 0;
  while (drop < list.length && list[drop]! <= before) drop++;
  if (drop > 0) list.splice(0, drop);
}
