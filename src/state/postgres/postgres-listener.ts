/**
 * The LISTEN side of the PostgreSQL store: one dedicated connection (LISTEN does not survive a
 * pooled connection going back to the pool), parsed notifications fed to the store's watchers
 * in commit order, and reconnection with backoff. After a reconnection watchers get a `gap`
 * event, sent once LISTEN is active again, so that a consumer re-reading then misses nothing.
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
  /** SQL run before a clean close. */
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

/** Keeps one LISTEN connection alive until stopped. */
export class ChangeListener {
  readonly #options: ListenerOptions;
  #client: Client | undefined;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  // Notifications are handled one after another: a fetch for a large value must not let a later change overtake it.
  #chain: Promise<void> = Promise.resolve();

  /** Creates a listener; call {@link ChangeListener.start}. */
  constructor(options: ListenerOptions) {
    this.#options = options;
  }

  /** Connects and LISTENs; rejects when the first connection fails. */
  async start(): Promise<void> {
    await this.#connect();
  }

  /** Stops listening and closes the connection. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
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
      await client.query(`LISTEN "${this.#options.channel}"`);
      await client.query(this.#options.registerSql);
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
  }

  #lost(client: Client): void {
    if (this.#stopped || this.#client !== client) return;
    this.#client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.#reconnect(this.#options.initialDelayMs ?? 100);
  }

  #reconnect(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#connect().then(
        () => {
          if (!this.#stopped) this.#chain = this.#chain.then(() => this.#options.onGap('the change listener reconnected; changes may have been missed'));
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
