/**
 * `novacron prices --cpu 4 --memory 8Gi [--spot] [--provider aws,gcp] [--region …] [--limit 10]`:
 * the cheapest offers across clouds that fit, from the bundled list-price snapshot (the
 * CostOptimizer's default catalog), each with where its price came from and when it was true.
 * Needs no configuration and no cloud.
 */
import type { Command } from 'commander';
import { CostOptimizer, HOURS_PER_MONTH, InvalidSpecError, type Recommendation } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import type { CommandOutput } from '../cli-output.js';
import { jsonOption, parseList, parsePositiveInteger, timeoutOption } from '../cli-options.js';
import { hourly, money } from '../format.js';
import { Table } from '../table.js';

interface PricesFlags {
  readonly cpu: string;
  readonly memory: string;
  readonly spot: boolean;
  readonly provider?: readonly string[] | undefined;
  readonly region?: readonly string[] | undefined;
  readonly limit: number;
  readonly json: boolean;
  readonly timeout: number;
}

/** Defines `novacron prices` on `command`. */
export function definePricesCommand(command: Command, ctx: CliContext): void {
  command
    .description('the cheapest fitting offers across clouds, from the bundled price snapshot, with the prices’ source and date')
    .requiredOption('--cpu <count>', 'vCPUs (4, or a quantity such as 500m)')
    .requiredOption('--memory <size>', 'memory (8Gi, 512Mi, or GiB as a number)')
    .option('--spot', 'spot offers only, ranked by expected cost with interruptions', false)
    .option('--provider <clouds>', 'only these clouds, comma-separated (aws,azure,gcp)', parseList)
    .option('--region <regions>', 'only these regions, comma-separated', parseList)
    .option('--limit <n>', 'number of offers', parsePositiveInteger, 10)
    .addOption(jsonOption())
    .addOption(timeoutOption(60_000, '1m'))
    .action((flags: PricesFlags) => ctx.run('prices', flags, ({ out, signal }) => prices(flags, out, signal)));
}

async function prices(flags: PricesFlags, out: CommandOutput, signal: AbortSignal): Promise<void> {
  const optimizer = new CostOptimizer();
  const found = await optimizer
    .recommendInstanceType({ cpu: flags.cpu, memory: flags.memory, spot: flags.spot, providers: flags.provider, regions: flags.region, limit: flags.limit }, { signal })
    .catch((error: unknown) => Promise.reject(asFlagError(error)));
  const warnings = [...new Set(found.flatMap((r) => (r.priceAge.warning === undefined ? [] : [r.priceAge.warning])))];
  out.answer(
    () => pricesText(flags, found, warnings),
    () => ({
      request: { cpu: flags.cpu, memory: flags.memory, spot: flags.spot, providers: flags.provider, regions: flags.region, limit: flags.limit },
      offers: found.map(({ offer: _offer, ...r }) => r),
      priceWarnings: warnings,
    }),
  );
}

/** The requirement fields the optimizer names, as the flags that set them. */
const FLAG_OF: Readonly<Record<string, string>> = { cpu: '--cpu', memory: '--memory', limit: '--limit', providers: '--provider', regions: '--region' };

function asFlagError(error: unknown): unknown {
  if (!InvalidSpecError.isInstance(error)) return error;
  return new InvalidSpecError({ issues: error.issues.map((i) => ({ field: FLAG_OF[i.field] ?? i.field, message: i.message })) });
}

function pricesText(flags: PricesFlags, found: readonly Recommendation[], warnings: readonly string[]): string {
  const what = `${flags.cpu} vCPU / ${flags.memory}${flags.spot ? ', spot' : ''}`;
  if (found.length === 0) return `no offer fits ${what}${flags.provider ? ` on ${flags.provider.join(', ')}` : ''}${flags.region ? ` in ${flags.region.join(', ')}` : ''}`;
  const table = new Table([
    { header: 'rank', align: 'right' },
    { header: 'provider' },
    { header: 'region' },
    { header: 'instance type' },
    { header: 'vCPU', align: 'right' },
    { header: 'GiB', align: 'right' },
    { header: 'on-demand', align: 'right' },
    { header: 'spot', align: 'right' },
    { header: 'per month', align: 'right' },
    { header: 'price source' },
    { header: 'as of' },
  ]);
  for (const r of found) {
    const monthly = flags.spot && r.spot ? r.spot.hourly * HOURS_PER_MONTH : r.onDemandMonthly;
    table.add([
      String(r.rank),
      r.provider,
      r.zone ? `${r.region}/${r.zone}` : r.region,
      r.gpu ? `${r.instanceType} (${r.gpu.count}× ${r.gpu.model})` : r.instanceType,
      String(r.vcpus),
      String(r.memoryGiB),
      hourly(r.onDemandHourly, r.currency),
      r.spot ? `${hourly(r.spot.hourly, r.currency)}${r.spot.interruption ? ` (${r.spot.interruption})` : ''}` : '-',
      money(monthly, r.currency),
      r.source,
      r.asOf,
    ]);
  }
  const basis = flags.spot ? 'spot, ranked by expected cost with interruptions' : 'on-demand';
  return [`cheapest offers for ${what} (${basis}; per month is ${HOURS_PER_MONTH} h)`, table.render(), ...warnings.map((w) => `note: ${w}`)].join('\n');
}
