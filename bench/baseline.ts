/**
 * The code of an earlier commit, built for a benchmark to measure beside today's code in the
 * same run: `git archive` of the commit into a temporary folder (reusing this checkout's
 * node_modules), bundled with esbuild (packages stay external). Needs the repository's history,
 * which a clone has; says why when it cannot build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/** A built root entry of an earlier commit, or why there is none. */
export type Baseline = { readonly rev: string; readonly entry: string } | { readonly rev: string; readonly reason: string };

/** Builds (once per commit and machine) the root entry of `rev` and returns its path. */
export function prepareBaseline(rev: string): Baseline {
  const dir = join(tmpdir(), `novacron-baseline-${rev}`);
  const entry = join(dir, 'dist', 'index.js');
  if (existsSync(entry)) return { rev, entry };
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', rev], { cwd: root, maxBuffer: 512 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
    execFileSync(esbuild, ['src/index.ts', '--bundle', '--platform=node', '--format=esm', '--target=node20', '--packages=external', `--outfile=${entry}`, '--log-level=error'], { cwd: dir });
    return { rev, entry };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { rev, reason: `cannot build ${rev}: ${(error as Error).message.split('\n')[0]}` };
  }
}
