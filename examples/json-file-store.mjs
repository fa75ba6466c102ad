// A state store written by the host: every record and lease in one JSON Lines file, implementing the
// StateStore specification. A FederationManager keeps its requests, inventory and migrations in
// it, so a restarted process (or a second one on the same machine) picks up where the last left
// off. test/examples/json-file-store.test.ts runs novacron's state-store conformance suite against
// it, two processes racing for a lease included.
//
// The file is a journal in JSON Lines: a header line naming the file's generation, then one line
// per committed change. A write appends one line under a lock file (`<path>.lock`, created
// exclusively), so writers in several processes take turns; every client replays the lines it has
// not seen yet before it answers, so it sees the others' writes. When the journal has grown to
// many times its live records, the writer that notices rewrites it as one snapshot line in a new
// file of a new generation and renames it into place; the other clients see the new generation
// and read it afresh. A crash mid-append leaves half a line, which the next writer cuts off.
// Fine for a control plane's thousands of records; for millions, use novacron/sqlite or
// novacron/postgres.
//
// Run with `npm run build && node examples/json-file-store.mjs`. Import `createJsonFileStore`
// from this file to reuse the store.
import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConflictError, createMemoryProvider, FederationManager, FencedError, InvalidSpecError, TimeoutError } from 'novacron';
import { assertValidKey, compareKeys, normalizePrefix, sleep, throwIfAborted, WatchHub } from 'novacron/provider-utils';

// File calls are synchronous on purpose: each is a short system call made while the lock is held
// (or while reading the journal's tail), and a busy thread pool would otherwise stretch every hold.

/** Records a `list` page holds. */
const PAGE_SIZE = 256;
/** A lock file older than this was left by a crashed process, in ms. */
const STALE_LOCK_MS = 10_000;
/** Longest wait for the lock, in ms; then a `TimeoutError` (holds last milliseconds: this means a stuck peer). */
const LOCK_WAIT_MS = 30_000;
/** The journal is rewritten once it has this many lines and more than twice as many as live entries. */
const COMPACT_AFTER_LINES = 2_000;
/** What the header line says the file is. */
const FORMAT = 'novacron-json-file-store/1';

/** Per-path queues, so that clients in one process wait in line instead of spinning on the lock file. */
const inProcess = new Map();

/** Serializes writes to one file: first within this process, then across processes through `<path>.lock`. */
class FileLock {
  constructor(path) {
    this.path = path;
    this.lockPath = `${path}.lock`;
  }

  run(work, signal) {
    const before = inProcess.get(this.path) ?? Promise.resolve();
    const run = before.then(() => this.holding(work, signal));
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    inProcess.set(this.path, settled);
    void settled.then(() => {
      if (inProcess.get(this.path) === settled) inProcess.delete(this.path);
    });
    return run;
  }

  async holding(work, signal) {
    await this.acquire(signal);
    try {
      return work();
    } finally {
      try {
        unlinkSync(this.lockPath);
      } catch {
        // already gone: taken for stale by another process after a very long hold
      }
    }
  }

  async acquire(signal) {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal);
      if (Date.now() > deadline) throw new TimeoutError({ message: `[json-file-store] ${this.lockPath} stayed locked for ${LOCK_WAIT_MS} ms` });
      try {
        const fd = openSync(this.lockPath, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return;
      } catch (error) {
        if (error.code !== 'EEXIST') throw error;
      }
      try {
        if (Date.now() - statSync(this.lockPath).mtimeMs > STALE_LOCK_MS) unlinkSync(this.lockPath);
      } catch {
        // released meanwhile
      }
      await sleep(Math.min(10, 1 + attempt), signal);
    }
  }
}

/** Records and leases as of some point of the journal. */
class StoreState {
  constructor() {
    this.records = new Map();
    this.leases = new Map();
  }

  /** Applies one journal line: `put` rows `[key, version, value]`, `del` keys, `lease` rows `[name, holder, token, expiresAtMs]`. */
  apply(entry) {
    for (const [key, version, value] of entry.put ?? []) this.records.set(key, { version, value });
    for (const key of entry.del ?? []) this.records.delete(key);
    for (const [name, holder, fencingToken, expiresAtMs] of entry.lease ?? []) this.leases.set(name, { holder, fencingToken, expiresAtMs });
  }

  /** The whole state as one line, for a compacted journal. */
  snapshot() {
    return {
      put: [...this.records].map(([key, r]) => [key, r.version, r.value]),
      lease: [...this.leases].map(([name, l]) => [name, l.holder, l.fencingToken, l.expiresAtMs]),
    };
  }

  sortedKeys(prefix) {
    return [...this.records.keys()].filter((k) => k.startsWith(prefix)).sort(compareKeys);
  }
}

/** One client's view of the journal file: the state it has replayed, and how far. */
class Journal {
  constructor(path, fsync) {
    this.path = path;
    this.fsync = fsync;
    this.generation = undefined;
    this.offset = 0;
    this.lines = 0;
    this.state = new StoreState();
  }

  /** Replays what other clients appended since the last call (all of it, after a compaction). */
  sync() {
    let fd;
    try {
      fd = openSync(this.path, 'r');
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
      this.reset(undefined);
      return this.state;
    }
    try {
      const size = fstatSync(fd).size;
      const head = this.readLines(fd, 0, Math.min(size, 200), 1);
      const generation = head.lines[0] === undefined ? undefined : JSON.parse(head.lines[0]).generation;
      if (generation !== this.generation || size < this.offset) this.reset(generation);
      if (this.offset === 0 && generation !== undefined) this.offset = head.consumed;
      const tail = this.readLines(fd, this.offset, size - this.offset);
      for (const line of tail.lines) this.state.apply(JSON.parse(line));
      this.offset += tail.consumed;
      this.lines += tail.lines.length;
      this.size = size;
    } finally {
      closeSync(fd);
    }
    return this.state;
  }

  /** Appends one change; the caller holds the lock and has just synced. */
  append(entry) {
    const fd = openSync(this.path, 'a');
    try {
      if (this.generation === undefined) {
        if (this.size > 0) ftruncateSync(fd, 0); // a header cut short by a crash
        this.generation = randomUUID();
        this.offset = writeSync(fd, `${JSON.stringify({ format: FORMAT, generation: this.generation })}\n`);
      } else if (this.size > this.offset) {
        // Half a line left by a writer that crashed mid-append: cut it off before writing after it.
        ftruncateSync(fd, this.offset);
      }
      this.offset += writeSync(fd, `${JSON.stringify(entry)}\n`);
      this.size = this.offset;
      if (this.fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.state.apply(entry);
    this.lines++;
    if (this.lines > COMPACT_AFTER_LINES && this.lines > 2 * (this.state.records.size + this.state.leases.size)) this.compact();
  }

  /** Rewrites the journal as one snapshot line in a new generation, renamed into place. */
  compact() {
    const generation = randomUUID();
    const header = `${JSON.stringify({ format: FORMAT, generation })}\n`;
    const body = `${JSON.stringify(this.state.snapshot())}\n`;
    const temp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, header + body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
    this.generation = generation;
    this.offset = Buffer.byteLength(header + body);
    this.size = this.offset;
    this.lines = 1;
  }

  reset(generation) {
    this.generation = generation;
    this.offset = 0;
    this.lines = 0;
    this.size = 0;
    this.state = new StoreState();
  }

  /** The complete lines in `length` bytes from `position` (at most `max`), and the bytes they take. */
  readLines(fd, position, length, max = Infinity) {
    if (length <= 0) return { lines: [], consumed: 0 };
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, position);
    const text = buffer.subarray(0, read);
    const end = max === 1 ? text.indexOf(10) + 1 : text.lastIndexOf(10) + 1;
    if (end <= 0) return { lines: [], consumed: 0 };
    const lines = text.subarray(0, end).toString('utf8').split('\n').slice(0, -1);
    return { lines: lines.slice(0, max), consumed: end };
  }
}

/** A value as it will be stored; `InvalidSpecError` for one JSON cannot carry exactly. */
function jsonCopy(value, field = 'value') {
  let text;
  try {
    text = JSON.stringify(value, (_key, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new InvalidSpecError({ issues: [{ field, message: 'must not contain NaN or Infinity' }] });
      return v;
    });
  } catch (error) {
    if (InvalidSpecError.isInstance(error)) throw error;
    throw new InvalidSpecError({ issues: [{ field, message: 'must be JSON-serializable' }], cause: error });
  }
  if (text === undefined) throw new InvalidSpecError({ issues: [{ field, message: 'must be JSON-serializable (got undefined or a function)' }] });
  return JSON.parse(text);
}

function versionConflict(key, expected, actual) {
  const want = expected === null ? 'no record' : `version ${expected}`;
  const found = actual === undefined ? 'no record' : `version ${actual}`;
  return new ConflictError({ message: `[json-file-store] ${key}: expected ${want}, found ${found}` });
}

function assertLeaseArgs(name, holder, ttlMs) {
  assertValidKey(name, 'lease');
  if (holder !== undefined && (typeof holder !== 'string' || holder.length === 0)) throw new InvalidSpecError({ issues: [{ field: 'holder', message: 'must be a non-empty string' }] });
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) throw new InvalidSpecError({ issues: [{ field: 'ttlMs', message: 'must be a positive number of milliseconds' }] });
}

/** The StateStore specification over one JSON Lines journal file. */
export class JsonFileStore {
  /**
   * @param {{ path: string, fsync?: boolean }} options `fsync` (default `true`) flushes every
   *   append to the disk before the call returns, so a record survives a power cut, not only a
   *   crash of the process; `false` trades that for a write several times faster.
   */
  constructor(options) {
    if (typeof options?.path !== 'string' || options.path.length === 0) throw new InvalidSpecError({ issues: [{ field: 'path', message: 'is required: the file to keep records in' }] });
    this.path = options.path;
    this.lock = new FileLock(options.path);
    this.journal = new Journal(options.path, options.fsync ?? true);
    this.hub = new WatchHub();
    this.closed = false;
  }

  async get(key, options = {}) {
    this.enter(options.signal);
    assertValidKey(key);
    const record = this.journal.sync().records.get(key);
    return record === undefined ? undefined : { key, value: structuredClone(record.value), version: record.version };
  }

  async put(key, value, options = {}) {
    this.enter(options.signal);
    assertValidKey(key);
    const [result] = await this.transaction([{ type: 'put', key, value, expectedVersion: options.expectedVersion }], options);
    return result.version;
  }

  async delete(key, options = {}) {
    this.enter(options.signal);
    assertValidKey(key);
    return this.commit(options, (state) => {
      const current = state.records.get(key);
      if (options.expectedVersion !== undefined && current?.version !== options.expectedVersion) throw versionConflict(key, options.expectedVersion, current?.version);
      if (current === undefined) return { result: false };
      return { result: true, entry: { del: [key] }, events: [{ type: 'delete', key, version: current.version }] };
    });
  }

  async *list(prefix, options = {}) {
    this.enter(options.signal);
    const normalized = normalizePrefix(prefix);
    // A page at a time, each from the journal as it is then, resuming after the last key seen.
    let after;
    for (;;) {
      throwIfAborted(options.signal);
      const state = this.journal.sync();
      const keys = state.sortedKeys(normalized).filter((k) => after === undefined || compareKeys(k, after) > 0).slice(0, PAGE_SIZE);
      const page = keys.map((key) => ({ key, value: structuredClone(state.records.get(key).value), version: state.records.get(key).version }));
      for (const record of page) {
        throwIfAborted(options.signal);
        yield record;
      }
      if (keys.length < PAGE_SIZE) return;
      after = keys.at(-1);
    }
  }

  async transaction(ops, options = {}) {
    this.enter(options.signal);
    if (!Array.isArray(ops)) throw new InvalidSpecError({ issues: [{ field: 'ops', message: 'must be an array of operations' }] });
    const seen = new Set();
    const checked = ops.map((op, i) => {
      if (op === null || typeof op !== 'object' || !['put', 'delete', 'check'].includes(op.type)) throw new InvalidSpecError({ issues: [{ field: `ops[${i}].type`, message: 'must be put, delete or check' }] });
      assertValidKey(op.key, `ops[${i}].key`);
      if (seen.has(op.key)) throw new InvalidSpecError({ issues: [{ field: `ops[${i}].key`, message: `"${op.key}" appears twice in one transaction` }] });
      seen.add(op.key);
      return op.type === 'put' ? { ...op, value: jsonCopy(op.value, ops.length === 1 ? 'value' : `ops[${i}].value`) } : op;
    });
    return this.commit(options, (state) => {
      for (const op of checked) {
        const current = state.records.get(op.key)?.version;
        const holds = op.expectedVersion === undefined || (op.expectedVersion === null ? current === undefined : current === op.expectedVersion);
        if (!holds || (op.type === 'check' && current === undefined)) throw versionConflict(op.key, op.expectedVersion, current);
      }
      const entry = { put: [], del: [] };
      const events = [];
      const versions = new Map();
      // Applied, and reported to watchers, in key order.
      for (const op of [...checked].sort((a, b) => compareKeys(a.key, b.key))) {
        const current = state.records.get(op.key);
        if (op.type === 'put') {
          const version = (current?.version ?? 0) + 1;
          entry.put.push([op.key, version, op.value]);
          versions.set(op.key, version);
          events.push({ type: 'put', key: op.key, version, value: op.value });
        } else if (op.type === 'delete') {
          versions.set(op.key, null);
          if (current !== undefined) {
            entry.del.push(op.key);
            events.push({ type: 'delete', key: op.key, version: current.version });
          }
        } else {
          versions.set(op.key, current.version);
        }
      }
      return { result: checked.map((op) => ({ key: op.key, version: versions.get(op.key) })), entry: events.length > 0 ? entry : undefined, events };
    });
  }

  async acquireLease(name, holder, ttlMs, options = {}) {
    this.enter(options.signal);
    assertLeaseArgs(name, holder, ttlMs);
    return this.changeLease(name, options.signal, (row, now) => {
      const held = row !== undefined && row.holder !== null && row.expiresAtMs > now;
      if (held && row.holder !== holder) return null;
      // The holder of a live lease extends it and keeps its token; every new tenure takes the next one.
      return { holder, fencingToken: held ? row.fencingToken : (row?.fencingToken ?? 0) + 1, expiresAtMs: now + ttlMs };
    });
  }

  async renewLease(lease, ttlMs, options = {}) {
    this.enter(options.signal);
    assertLeaseArgs(lease?.name, lease?.holder, ttlMs);
    return this.changeLease(lease.name, options.signal, (row, now) => {
      if (row === undefined || row.holder !== lease.holder || row.fencingToken !== lease.fencingToken || row.expiresAtMs <= now) return null;
      return { ...row, expiresAtMs: now + ttlMs };
    });
  }

  async releaseLease(lease, options = {}) {
    this.enter(options.signal);
    assertLeaseArgs(lease?.name, lease?.holder);
    const released = await this.changeLease(lease.name, options.signal, (row, now) => {
      if (row === undefined || row.holder !== lease.holder || row.fencingToken !== lease.fencingToken) return null;
      // The token stays, so that the next tenure's is higher.
      return { holder: null, fencingToken: row.fencingToken, expiresAtMs: Math.min(row.expiresAtMs, now) };
    });
    return released !== null;
  }

  async getLease(name, options = {}) {
    this.enter(options.signal);
    assertLeaseArgs(name);
    const row = this.journal.sync().leases.get(name);
    if (row === undefined || row.holder === null) return undefined;
    return { name, holder: row.holder, fencingToken: row.fencingToken, expiresAt: new Date(row.expiresAtMs) };
  }

  watch(prefix, options = {}) {
    this.enter(options.signal);
    // Sees the writes made through this store object (as novacron's SQLite store does).
    return this.hub.subscribe(normalizePrefix(prefix), options.signal);
  }

  async close() {
    this.closed = true;
    this.hub.close();
  }

  enter(signal) {
    if (this.closed) throw new ConflictError({ message: `[json-file-store] the store at ${this.path} is closed` });
    throwIfAborted(signal);
  }

  /**
   * Decides a change on the latest state under the lock (fencing first) and appends it; watchers
   * hear of it once it is in the file. `decide` returns `{ result, entry?, events? }`.
   */
  async commit(options, decide) {
    const { result, events = [] } = await this.lock.run(() => {
      const state = this.journal.sync();
      const guard = options.fencing;
      if (guard !== undefined && state.leases.get(guard.lease)?.fencingToken !== guard.token) {
        throw new FencedError({ message: `[json-file-store] lease ${guard.lease} has moved past token ${guard.token}`, lease: guard.lease, token: guard.token, currentToken: state.leases.get(guard.lease)?.fencingToken });
      }
      const outcome = decide(state);
      if (outcome.entry !== undefined) this.journal.append(outcome.entry);
      return outcome;
    }, options.signal);
    for (const event of events) this.hub.publish(structuredClone(event));
    return result;
  }

  /** Changes one lease under the lock; `next` returns the new row, or `null` to change nothing. */
  async changeLease(name, signal, next) {
    return this.lock.run(() => {
      const row = next(this.journal.sync().leases.get(name), Date.now());
      if (row === null) return null;
      this.journal.append({ lease: [[name, row.holder, row.fencingToken, row.expiresAtMs]] });
      return { name, holder: row.holder, fencingToken: row.fencingToken, expiresAt: new Date(row.expiresAtMs) };
    }, signal);
  }
}

/** Opens a JSON-file store (the file is created on the first write). */
export function createJsonFileStore(options) {
  return new JsonFileStore(options);
}

/** The demo: a federation whose state outlives the process that wrote it. */
async function main() {
  const path = join(tmpdir(), `novacron-example-${process.pid}.json`);
  // The providers stand for the clouds, which outlive the control plane: both "processes" below talk to the same ones.
  const clouds = [createMemoryProvider({ name: 'aws-east', kind: 'aws', regions: ['us-east-1'] }), createMemoryProvider({ name: 'gcp-central', kind: 'gcp', regions: ['us-central1'] })];
  const spec = { name: 'api-1', cpu: 2, memory: '8Gi', labels: { app: 'api' } };
  try {
    const first = new FederationManager({ providers: clouds, stateStore: createJsonFileStore({ path }) });
    const { vm } = await first.createVM(spec, { idempotencyKey: 'example/api-1' });
    console.log(`first run created ${vm}`);

    // A restart: a new manager over a new client of the same file.
    const store = createJsonFileStore({ path });
    const second = new FederationManager({ providers: clouds, stateStore: store });
    for await (const r of second.inventory()) console.log(`after the restart the inventory has ${r.provider}/${r.vmId} (${r.name}, ${r.status})`);
    const again = await second.createVM(spec, { idempotencyKey: 'example/api-1' });
    console.log(`the same request after the restart: ${again.vm.id} (reused: ${again.reused})`);
    const records = [];
    for await (const r of store.list('')) records.push(r.key.split('/')[0]);
    console.log(`records in ${path}: ${[...new Set(records)].join(', ')} (${records.length} in all)`);
    await second.deleteVM(vm.provider, vm.id);
    await store.close();
  } finally {
    rmSync(path, { force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
