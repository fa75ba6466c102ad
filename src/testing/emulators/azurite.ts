/**
 * Azurite, Microsoft's Azure Storage emulator (npm package `azurite`, a dev dependency here), run
 * as a child process for tests: the Blob service only, on a free loopback port, in memory, with
 * telemetry off. Azurite 3.37 declares Node >= 22 and runs its Blob service on Node 20 as well
 * (checked here, 2026-12). Azurite accepts the well-known development account
 * (`devstoreaccount1` and its published key, which is no secret), so the real
 * `@azure/storage-blob` signs its requests with Shared Key as it would against Azure.
 *
 * ```ts
 * const azurite = await startAzurite();
 * const store = createAzureBlobArtifactStore({ ...azurite.storeOptions('images'), blobType: 'page' });
 * await azurite.close();
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The development account every Azurite accepts. */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
/** The development account's key, as Microsoft publishes it for the emulator (not a secret). */
export const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Options of {@link startAzurite}. */
export interface AzuriteOptions {
  /** Host to bind (default `127.0.0.1`). */
  readonly host?: string | undefined;
  /** Port (default 0: a free one). */
  readonly port?: number | undefined;
  /** Keep blobs in memory (default `true`); `false` keeps them in a temporary folder removed on close. */
  readonly inMemory?: boolean | undefined;
  /** Most memory Azurite keeps blob content in, MiB (default 1024). */
  readonly extentMemoryLimitMiB?: number | undefined;
  /** Longest wait for Azurite to listen, ms (default 20,000). */
  readonly startTimeoutMs?: number | undefined;
}

/** What a store needs to reach a container of the Azurite (spread into `createAzureBlobArtifactStore`). */
export interface AzuriteStoreOptions {
  /** Connection string of the development account. */
  readonly connectionString: string;
  /** Container name. */
  readonly container: string;
}

/** A running Azurite Blob service. */
export interface RunningAzurite {
  /** Blob endpoint (`http://127.0.0.1:<port>/devstoreaccount1`). */
  readonly blobEndpoint: string;
  /** `devstoreaccount1`. */
  readonly accountName: string;
  /** The development account's well-known key. */
  readonly accountKey: string;
  /** Connection string of the development account on this endpoint. */
  readonly connectionString: string;
  /** The child process id. */
  readonly pid: number;
  /** Options of a store on `container` (create the container first: Azurite starts empty). */
  storeOptions(container: string): AzuriteStoreOptions;
  /** Stops the process (by its pid) and removes its temporary folder. */
  close(): Promise<void>;
}

/** Starts Azurite's Blob service and resolves once it listens. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  } catch {
    throw new Error('[novacron] [azurite] cannot find the azurite package; install it (npm i -D azurite)');
  }
  const host = options.host ?? '127.0.0.1';
  const location = await mkdtemp(join(tmpdir(), 'novacron-azurite-'));
  const args = [main, '--blobHost', host, '--blobPort', String(options.port ?? 0), '--skipApiVersionCheck', '--loose', '--disableTelemetry'];
  // Azurite refuses --location beside --inMemoryPersistence; it then runs in the temporary folder.
  if (options.inMemory ?? true) args.push('--inMemoryPersistence', '--extentMemoryLimit', String(options.extentMemoryLimitMiB ?? 1024));
  else args.push('--location', location);
  const child = spawn(process.execPath, args, { cwd: location, stdio: ['ignore', 'pipe', 'pipe'], env: withoutCustomAccounts(process.env) });
  let port: number;
  try {
    port = await listeningPort(child, options.startTimeoutMs ?? 20_000);
  } catch (error) {
    await stop(child);
    await rm(location, { recursive: true, force: true });
    throw error;
  }
  // A test process that ends without close() must not leave Azurite running.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const blobEndpoint = `http://${host}:${port}/${AZURITE_ACCOUNT_NAME}`;
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`;
  return {
    blobEndpoint,
    accountName: AZURITE_ACCOUNT_NAME,
    accountKey: AZURITE_ACCOUNT_KEY,
    connectionString,
    pid: child.pid!,
    storeOptions: (container) => ({ connectionString, container }),
    close: async () => {
      process.off('exit', killOnExit);
      await stop(child);
      await rm(location, { recursive: true, force: true });
    },
  };
}

/** The port Azurite says it listens on ("successfully listens on http://host:port"). */
function listeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new Error(`[novacron] [azurite] did not listen within ${timeoutMs} ms: ${output.slice(-500)}`)), timeoutMs);
    const onData = (data: Buffer): void => {
      output += data.toString('utf8');
      const m = /successfully listens on https?:\/\/[^\s:]+:(\d+)/.exec(output);
      if (m) finish(undefined, Number(m[1]));
    };
    const onExit = (code: number | null): void => finish(new Error(`[novacron] [azurite] exited (code ${code}) before listening: ${output.slice(-500)}`));
    function finish(error: Error | undefined, port?: number): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining the pipes so Azurite never blocks on a full one.
      child.stdout?.resume();
      child.stderr?.resume();
      if (error) reject(error);
      else resolve(port!);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Ends the child by its pid: SIGTERM, then SIGKILL if it lingers. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The environment without `AZURITE_ACCOUNTS`, so that Azurite serves the development account. */
function withoutCustomAccounts(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.AZURITE_ACCOUNTS;
  return copy;
}
