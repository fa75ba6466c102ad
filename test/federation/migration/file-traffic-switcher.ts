/**
 * A traffic switcher whose record outlives the process: every call appends one JSON line to a
 * file (synchronously, so a SIGKILL right after the call returns cannot lose it). Where traffic
 * goes is the last line's answer; the source's, before any line.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { VM } from '../../../src/index.js';
import type { TrafficSwitchContext, TrafficSwitcher } from '../../../src/federation/migration/traffic-switcher.js';

/** One line of the file. */
export interface SwitchLine {
  readonly action: 'switch' | 'revert';
  readonly token: string;
  readonly from: { readonly provider: string; readonly id: string };
  readonly to: { readonly provider: string; readonly id: string };
}

export class FileTrafficSwitcher implements TrafficSwitcher {
  constructor(private readonly path: string) {}

  async switch(from: VM, to: VM, ctx: TrafficSwitchContext): Promise<void> {
    this.append('switch', from, to, ctx);
  }

  async revert(from: VM, to: VM, ctx: TrafficSwitchContext): Promise<void> {
    this.append('revert', from, to, ctx);
  }

  private append(action: SwitchLine['action'], from: VM, to: VM, ctx: TrafficSwitchContext): void {
    const line: SwitchLine = { action, token: ctx.token, from: { provider: from.provider, id: from.id }, to: { provider: to.provider, id: to.id } };
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }
}

/** The lines of a switch file (none when it does not exist). */
export function switchLines(path: string): SwitchLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as SwitchLine);
}

/** Where traffic goes by the file: the last switch's target, a revert's source, `undefined` before any call. */
export function trafficGoesTo(path: string): { provider: string; id: string } | undefined {
  const last = switchLines(path).at(-1);
  if (!last) return undefined;
  return last.action === 'switch' ? last.to : last.from;
}
