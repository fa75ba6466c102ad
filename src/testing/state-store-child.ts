/**
 * Runs a state store in a child process and lets the parent call it over the IPC channel, so
 * that the conformance suite can race two real processes for one lease.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * How a child process opens a client of the store under test: it imports `module`, calls its
 * export `exportName` with `args`, and awaits the result.
 */
export interface ChildStoreDescriptor {
  /** Absolute file path, `file:` URL or package specifier of the module to import. */
  readonly module: string;
  /** Name of the export that opens the store, e.g. `createSqliteStore`. */
  readonly exportName: string;
  /** The export's single argument; must survive `JSON.stringify`. */
  readonly args?: unknown;
  /** Extra `node` flags for the child, e.g. `['--import', 'tsx']` to load TypeScript sources. */
  readonly nodeArgs?: readonly string[] | undefined;
}

/** What the child reports for a failed call: enough to classify the error, nothing more. */
export interface ChildCallError {
  /** The error's `name`. */
  readonly name: string;
  /** The error's message. */
  readonly message: string;
  /** True for a `ConflictError` (including `FencedError`). */
  readonly conflict: boolean;
  /** True for a `FencedError`. */
  readonly fenced: boolean;
}

// The child's program, kept inline so that it needs no file of its own in the published package.
const CHILD_PROGRAM = `
import { pathToFileURL } from 'node:url';
const d = JSON.parse(process.env.NOVACRON_CHILD_STORE);
const spec = d.module.startsWith('/') || /^[A-Za-z]:[\\\\/]/.test(d.module) ? pathToFileURL(d.module).href : d.module;
const store = await (await import(spec))[d.exportName](d.args);
const marked = (e, code) => typeof e === 'object' && e !== null && e[Symbol.for('novacron.error.' + code)] === true;
process.on('message', async (msg) => {
  if (msg.method === 'exit') {
    await store.close();
    process.disconnect();
    return;
  }
  try {
    const result = await store[msg.method](...msg.args);
    process.send({ id: msg.id, result });
  } catch (e) {
    process.send({ id: msg.id, error: { name: String(e?.name), message: String(e?.message), conflict: marked(e, 'CONFLICT'), fenced: marked(e, 'FENCED') } });
  }
});
process.send({ ready: true });
`;

type Reply = { id: number; result?: unknown; error?: ChildCallError } | { ready: true };

/** A store client living in another process. */
export class ChildStore {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  #nextId = 1;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: Reply) => {
      if ('ready' in message) return;
      const waiter = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(Object.assign(new Error(message.error.message), message.error));
      else waiter?.resolve(message.result);
    });
    child.on('exit', (code) => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error(`store child exited with code ${code}`));
      this.#pending.clear();
    });
  }

  /** Starts a child and waits until its store is open. */
  static async spawn(descriptor: ChildStoreDescriptor): Promise<ChildStore> {
    const child = spawn(process.execPath, [...(descriptor.nodeArgs ?? []), '--input-type=module', '-e', CHILD_PROGRAM], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, NOVACRON_CHILD_STORE: JSON.stringify({ module: descriptor.module, exportName: descriptor.exportName, args: descriptor.args }) },
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: Reply): void => {
        if ('ready' in message) {
          child.off('exit', onExit);
          resolve();
        }
      };
      const onExit = (code: number | null): void => reject(new Error(`store child exited with code ${code} before its store opened`));
      child.once('message', onMessage);
      child.once('exit', onExit);
    });
    return new ChildStore(child);
  }

  /** Calls a store method in the child; rejects with an `Error` carrying {@link ChildCallError} fields. */
  call(method: string, ...args: unknown[]): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ id, method, args });
    });
  }

  /** Closes the child's store and waits for the child to exit (killing it if it lingers). */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    if (this.#child.connected) this.#child.send({ method: 'exit', args: [] });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
