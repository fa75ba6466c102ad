/**
 * Where the running `novacron` package is, and its version: found by walking up from this file
 * to the `package.json` named `novacron`, so that it works from the sources and from the build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function manifestAt(dir: string): { name?: unknown; version?: unknown } | undefined {
  const path = join(dir, 'package.json');
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

/** The folder of the `novacron` package `from` is in (default: this file's); `undefined` outside one. */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string | undefined {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (manifestAt(dir)?.name === 'novacron') return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The package's version, `unknown` when its manifest cannot be found. */
export function packageVersion(): string {
  const root = packageRoot();
  const version = root === undefined ? undefined : manifestAt(root)?.version;
  return typeof version === 'string' ? version : 'unknown';
}
