/**
 * The LISTEN side of the PostgreSQL store: one dedicated connection (LISTEN does not survive a
 * pooled connection going back to the pool), parsed notifications fed to the store's watchers
 * in commit order, and reconnection with backoff. After a reconnection watchers get a `gap`
 * event, sent once LISTEN is active again, so that a consumer re-reading then misses nothing.
 *
 * The connection LISTENs and registers in `novacron_listeners` only while the store has
 * watchers: writers of every replica notify while any registration exists, and a notifying
 * commit holds PostgreSQL's cluster-wide NOTIFY lock through its WAL flush, which serializes
 * all writers (no group commit). Registering is asynchronous; {@link ChangeListener.registering}
 * is what the store's calls wait for, so that a call made after `watch` returns happens after
 * every replica's writes notify this watcher.
 */
import type { Client, ClientConfig, Notification } from 'pg';
import type { WatchDeleteEvent, WatchPutEvent } from '../state-store.js';

/** What the listener needs from its surroundings. */
export interface ListenerOptions {
  /** Creates a new, unconnected client. */
  createClient: (config?: ClientConfig) => Client;
  /** Channel to LISTEN on. */
  channel: string;
  /** SQL run after LISTEN, so that writers start notifying (see the schema's migration 2). */
  registerSql: string;
  /** SQL run after registering, returning once the writes in flight before it have ended. */
  drainSql: string;
  /** SQL run when the last watcher is gone, and before a clean close. */
  unregisterSql: string;
  /** Fetches a record whose value was too large for the notification. */
  fetch: (key: string) => Promise<{ value: unknown; version: number } | undefined>;
  /** Receives each change, in order. */
  onChange: (event: WatchPutEvent | WatchDeleteEvent) => void;
  /** Called after a reconnection: changes may have been missed. */
  onGap: (reason: string) => void;
  /** First reconnection delay (default 100 ms), doubled up to `maxDelayMs` (default 5 s). */
  initialDelayMs?: number | undefined;
  /** Longest reconnection delay. */
  maxDelayMs?: number | undefined;
}

interface Payload {
  o: 'p' | 'd';
  k: string;
  v: number;
  d?: unknown;
}

// SQLSTATE of a lock wait cut short by lock_timeout.
const LOCK_NOT_AVAILABLE = '55P03';

/** Keeps one connection alive until stopped, listening while the store has watchers. */
export class ChangeListener {
  readonly #options: ListenerOptions;
  #client: Client | undefined;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  // Notifications are handled one after another: a fetch for a large value must not let a later change overtake it.
  #chain: Promise<void> = Promise.resolve();
  // Whether the store has watchers, and whether this connection is listening and registered for them.
  #wanted = false;
  #registered = false;
  // The registration or unregistration under way, if any; it never rejects.
  #syncing: Promise<void> | undefined;

  /** Creates a listener; call {@link ChangeListener.start}. */
  constructor(options: ListenerOptions) {
    this.#options = options;
  }

  /** Connects; rejects when the first connection fails. */
  async start(): Promise<void> {
    await this.#connect();
  }

  /** Tells the listener whether the store has watchers: it registers or unregisters to match. */
  setWatched(watched: boolean): void {
    this.#wanted = watched;
    this.#sync();
  }

  /**
   * Settles once a registration asked for by {@link ChangeListener.setWatched} is in place (or
   * has failed, which the reconnection reports as a gap); `undefined` when none is pending.
   */
  get registering(): Promise<void> | undefined {
    return this.#wanted && !this.#registered ? this.#syncing : undefined;
  }

  /** Stops listening and closes the connection. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    // A registration under way finishes first, so that it cannot land after the unregistration.
    await this.#syncing;
    const client = this.#client;
    this.#client = undefined;
    await client?.query(this.#options.unregisterSql).catch(() => undefined);
    await client?.end().catch(() => undefined);
    await this.#chain;
  }

  async #connect(): Promise<void> {
    const client = this.#options.createClient();
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (n: Notification) => this.#receive(n));
    try {
      await client.connect();
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#registered = false;
    this.#sync();
  }

  #needsSync(): boolean {
    return !this.#stopped && this.#client !== undefined && this.#registered !== this.#wanted;
  }

  // Starts the loop that brings the registration in line with #wanted, unless it runs already.
  #sync(): void {
    if (this.#syncing === undefined && this.#needsSync()) this.#syncing = this.#syncLoop();
  }

  async #syncLoop(): Promise<void> {
    do {
      const client = this.#client!;
      const register = this.#wanted;
      // Not registered from the moment unregistering starts: a watcher arriving meanwhile waits for the next registration.
      if (!register) this.#registered = false;
      try {
        if (register) await this.#register(client);
        else await this.#unregister(client);
        if (this.#client === client) this.#registered = register;
      } catch {
        this.#lost(client);
      }
    } while (this.#needsSync());
    this.#syncing = undefined;
  }

  async #register(client: Client): Promise<void> {
    await client.query(`LISTEN "${this.#options.channel}"`);
    await client.query(this.#options.registerSql);
    try {
      await client.query(this.#options.drainSql);
    } catch (error) {
      if ((error as { code?: unknown }).code !== LOCK_NOT_AVAILABLE) throw error;
      // A write transaction stayed open past the timeout: it may commit unseen.
      await client.query('ROLLBACK');
      this.#chain = this.#chain.then(() => this.#options.onGap('a write in flight when the watch started may not be reported'));
    }
  }

  async #unregister(client: Client): Promise<void> {
    await client.query(this.#options.unregisterSql);
    await client.query(`UNLISTEN "${this.#options.channel}"`);
  }

  #lost(client: Client): void {
    if (this.#stopped || this.#client !== client) return;
    this.#client = undefined;
    this.#registered = false;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.#reconnect(this.#options.initialDelayMs ?? 100);
  }

  #reconnect(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#connect().then(
        async () => {
          // The gap goes out once listening again, so that a consumer re-reading then misses nothing.
          await this.#syncing;
          if (!this.#stopped && this.#registered) {
            this.#chain = this.#chain.then(() => this.#options.onGap('the change listener reconnected; changes may have been missed'));
          }
        },
        () => this.#reconnect(Math.min(delayMs * 2, this.#options.maxDelayMs ?? 5000)),
      );
    }, delayMs);
    this.#timer.unref?.();
  }

  #receive(notification: Notification): void {
    if (notification.channel !== this.#options.channel || notification.payload === undefined) return;
    let payload: Payload;
    try {
      payload = JSON.parse(notification.payload) as Payload;
    } catch {
      return; // Not ours (someone else NOTIFYing on the channel).
    }
    this.#chain = this.#chain.then(async () => {
      const version = Number(payload.v);
      if (payload.o === 'd') {
        this.#options.onChange({ type: 'delete', key: payload.k, version });
        return;
      }
      if ('d' in payload) {
        this.#options.onChange({ type: 'put', key: payload.k, version, value: payload.d });
        return;
      }
      const record = await this.#options.fetch(payload.k).catch(() => undefined);
      this.#options.onChange({ type: 'put', key: payload.k, version, value: record?.version === version ? record.value : undefined });
    });
  }
}
