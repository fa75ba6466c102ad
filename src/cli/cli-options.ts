/**
 * The flags several commands share, and the parsers commander calls for flag values. A value a
 * parser refuses is an `InvalidArgumentError`, which commander reports with the flag's name and
 * the CLI ends with exit code 2.
 */
import { InvalidArgumentError, Option } from 'commander';
import { PLACEMENT_STRATEGIES, type PlacementStrategy } from '../index.js';
import { DEFAULT_CONFIG_PATH, DEFAULT_STATE_PATH } from './federation-session.js';

/** `850ms`, `30s`, `5m`, `2h`, or a number of milliseconds. */
export function parseDuration(value: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected a duration such as 30s, 5m or 2h (or a number of ms)');
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}

/** A whole number of at least 1. */
export function parsePositiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** A comma-separated list (`aws,gcp`); repeating the flag adds to it. */
export function parseList(value: string, previous: readonly string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list');
  return [...(previous ?? []), ...items];
}

/** The configuration's strategy names (`cost`, `carbon-footprint`) besides the placement strategies. */
const STRATEGY_ALIASES: Readonly<Record<string, PlacementStrategy>> = { cost: 'cost-optimized', 'carbon-footprint': 'carbon' };

/** The placement strategy a flag names. */
export function parseStrategy(value: string): PlacementStrategy {
  const strategy = STRATEGY_ALIASES[value] ?? PLACEMENT_STRATEGIES.find((s) => s === value);
  if (strategy === undefined) {
    throw new InvalidArgumentError(`expected one of ${[...PLACEMENT_STRATEGIES, ...Object.keys(STRATEGY_ALIASES)].join(', ')}`);
  }
  return strategy;
}

/** `--json`: one JSON document on stdout instead of tables. */
export function jsonOption(): Option {
  return new Option('--json', 'print one JSON document on stdout instead of tables').default(false);
}

/** `-c, --config <path>`. */
export function configOption(): Option {
  return new Option('-c, --config <path>', 'FederationConfig YAML').default(DEFAULT_CONFIG_PATH);
}

/** `-s, --state <path>`. */
export function stateOption(): Option {
  return new Option('-s, --state <path>', 'SQLite state file (created with its folder when missing)').default(DEFAULT_STATE_PATH);
}

/** `--timeout <duration>`, with the command's default. */
export function timeoutOption(defaultMs: number, shown: string): Option {
  return new Option('--timeout <duration>', 'give up after this long (30s, 5m, 2h)').argParser(parseDuration).default(defaultMs, shown);
}

/** `--strategy <name>`. */
export function strategyOption(description: string): Option {
  return new Option('--strategy <name>', `${description}: cost-optimized (cost), performance, balanced, carbon (carbon-footprint)`).argParser(parseStrategy);
}
