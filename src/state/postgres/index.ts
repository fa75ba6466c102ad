/**
 * `novacron/postgres`: the state store for several replicas of a control plane, over `pg`.
 *
 * @module novacron/postgres
 * @packageDocumentation
 */
export { createPostgresStore, type PostgresStoreOptions, type PostgresDriver } from './postgres-store.js';
