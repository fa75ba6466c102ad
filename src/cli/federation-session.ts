/**
 * What a command that talks to the federation opens and closes: the configuration file, the
 * state file (SQLite; created with its folder on first use), and the FederationManager built
 * from the two — `type: memory` providers kept in the state file (memory-cloud.ts), credentials
 * named by `credentials: { secret: <name> }` read from the environment.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError, createMemoryStore, FederationManager, type FederationManagerOptions, type StateStore } from '../index.js';
import { createSqliteStore } from '../state/sqlite/index.js';
import { badFlag, fromSource } from './cli-errors.js';
import { MemoryCloudFactory } from './memory-cloud.js';

/** The state file used when `--state` is not given. */
export const DEFAULT_STATE_PATH = '.novacron/state.db';
/** The configuration file used when `--config` is not given. */
export const DEFAULT_CONFIG_PATH = 'federation.yaml';

/** Reads a text file a flag names; a missing or unreadable one is bad input of that flag. */
export async function readInputFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : 'cannot be read';
    throw badFlag(flag, `${path}: ${why}`);
  }
}

/**
 * The environment variable a secret name is read from: `NOVACRON_SECRET_` and the name in upper
 * case with every other character as `_` (`aws-credentials` → `NOVACRON_SECRET_AWS_CREDENTIALS`).
 */
export function secretVariable(name: string): string {
  return `NOVACRON_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Resolves a secret from the environment: a JSON object or string, or the text as it is. */
function secretFrom(env: NodeJS.ProcessEnv, name: string): unknown {
  const variable = secretVariable(name);
  const value = env[variable];
  if (value === undefined || value === '') {
    throw new ConfigError({ issues: [{ field: 'credentials.secret', message: `secret "${name}" is not set; export ${variable} (JSON or text)` }] });
  }
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Options of {@link FederationSession.open}. */
export interface SessionOptions {
  /** Path of the FederationConfig YAML. */
  readonly configPath: string;
  /** Path of the SQLite state file; without one, state lives in memory for this run. */
  readonly statePath?: string | undefined;
  /** Environment for `${VAR}` and secrets (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** More manager options (events). */
  readonly manager?: Pick<FederationManagerOptions, 'events' | 'migration'> | undefined;
}

/** An open configuration and state file, with the manager built on them. */
export class FederationSession {
  private constructor(
    /** The manager. */
    readonly manager: FederationManager,
    private readonly store: StateStore,
  ) {}

  /** Opens the configuration and the state file and builds the manager. */
  static async open(options: SessionOptions): Promise<FederationSession> {
    const env = options.env ?? process.env;
    const text = await readInputFile(options.configPath, '--config');
    const store = await openStore(options.statePath);
    try {
      const clouds = new MemoryCloudFactory(store);
      const manager = await fromSource(options.configPath, () =>
        FederationManager.fromConfig(text, {
          env,
          stateStore: store,
          secrets: (name) => secretFrom(env, name),
          providerFactories: { memory: (entry) => clouds.create(entry) },
          ...options.manager,
        }),
      );
      return new FederationSession(manager, store);
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /** Closes the state file. */
  async close(): Promise<void> {
    await this.store.close();
  }
}

/** The SQLite store at `path` (its folder created), or a memory store without a path. */
async function openStore(path: string | undefined): Promise<StateStore> {
  if (path === undefined) return createMemoryStore();
  await mkdir(dirname(path), { recursive: true }).catch(() => {
    throw badFlag('--state', `${path}: its folder cannot be created`);
  });
  return createSqliteStore({ path }).catch((error: unknown) => {
    // better-sqlite3 is an optional peer of the package: a CLI user may not have it yet.
    const e = error as { code?: unknown; message?: unknown };
    if (e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('better-sqlite3')) {
      throw new Error(`the state file ${path} needs better-sqlite3, an optional dependency: npm install better-sqlite3`);
    }
    throw error;
  });
}
