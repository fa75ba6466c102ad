import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/state/sqlite/index.js';

const writer = fileURLToPath(new URL('../fixtures/sqlite-crash-writer.ts', import.meta.url));

/** Runs the writer until it has committed `atLeast` more transactions, then SIGKILLs it. Returns the last count it printed. */
async function writeThenKill(path: string, atLeast: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  let first: number | undefined;
  let last = 0;
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        last = Number(line);
        first ??= last;
        if (last - first + 1 >= atLeast) {
          child.kill('SIGKILL');
          resolve();
        }
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own (code ${code})`));
    });
  });
  await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  return last;
}

describe('SQLite store crash safety', () => {
  it('a writer killed with SIGKILL mid-write leaves an intact file with no torn record and no half transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'novacron-sqlite-crash-'));
    const path = join(dir, 'crash.db');
    try {
      for (let round = 0; round < 3; round++) {
        const printed = await writeThenKill(path, 200);

        const db = new Database(path);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        db.close();

        const store = await createSqliteStore({ path });
        try {
          const a = (await store.get<{ n: number; pad: string }>('crash/a'))!;
          const b = (await store.get<{ n: number; pad: string }>('crash/b'))!;
          // Every committed transaction is there (the kill may also have landed after a commit it had no time to print).
          expect(a.value.n).toBeGreaterThanOrEqual(printed);
          expect(a.version).toBe(a.value.n);
          expect(b).toEqual({ ...a, key: 'crash/b' });
          let count = 0;
          for await (const record of store.list<{ n: number; pad: string }>('crash/log')) {
            count++;
            expect(record.value.n).toBe(count);
            expect(record.value.pad.length).toBe((count * 7919) % 65_536);
            expect(record.version).toBe(1);
          }
          expect(count).toBe(a.value.n);
        } finally {
          await store.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
