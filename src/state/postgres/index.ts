/**
 * `novacron/postgres`: the state store for several replicas of a control plane, over `pg`.
 *
 * @packageDocumentation
 */
export { createPostgresStore, type PostgresStoreOptions, type PostgresDriver } from './postgres-store.js';
export { POSTGRES_MIGRATIONS } from './postgres-schema.js';
