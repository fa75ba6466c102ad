/**
 * A separate process that transfers one artifact between two directory stores, recording its
 * progress in a SQLite state store; the destination stalls after a number of parts (printing
 * `stalled <n>`) so that the interrupted-transfer test can SIGKILL it mid-upload. Not a test file.
 */
import { createS3ArtifactStore, type S3ArtifactStoreOptions } from '../../src/artifacts/s3/index.js';
import { transferArtifact } from '../../src/artifacts/transfer.js';
import type { ArtifactStore } from '../../src/provider/artifact-store.js';
import type { DiskFormat } from '../../src/artifacts/disk-format.js';
import type { ImageArtifact } from '../../src/provider/types.js';
import { createSqliteStore } from '../../src/state/sqlite/index.js';
import { createDirectoryStore } from './directory-store.js';

const env = process.env;
const state = await createSqliteStore({ path: env.NOVACRON_STATE_PATH! });
const from = createDirectoryStore({ root: env.NOVACRON_SOURCE_ROOT!, name: 'src' });
const stallAfter = Number(env.NOVACRON_STALL_AFTER);
const to: ArtifactStore = env.NOVACRON_S3 ? stalling(createS3ArtifactStore(JSON.parse(env.NOVACRON_S3) as S3ArtifactStoreOptions)) : createDirectoryStore({ root: env.NOVACRON_DEST_ROOT!, name: 'dst', partSizeBytes: Number(env.NOVACRON_PART_BYTES), faults: { stallAfterParts: stallAfter } });

/** The S3 store, stalling (printing `stalled <n>`) once `stallAfter` parts are confirmed and recorded. */
function stalling(store: ArtifactStore): ArtifactStore {
  const write: ArtifactStore['write'] = (key, body, options = {}) =>
    store.write(key, body, {
      ...options,
      onSession: async (session) => {
        await options.onSession?.(session);
        if (session.parts.length >= stallAfter) {
          process.stdout.write(`stalled ${session.parts.length}\n`);
          await new Promise(() => undefined);
        }
      },
    });
  return Object.assign(Object.create(store) as ArtifactStore, { write });
}
const artifact = JSON.parse(env.NOVACRON_ARTIFACT!) as ImageArtifact;
await transferArtifact(artifact, to, {
  from,
  format: env.NOVACRON_FORMAT as DiskFormat,
  workDir: env.NOVACRON_WORK_DIR,
  operation: { store: state, id: env.NOVACRON_OPERATION_ID!, leaseTtlMs: 1_000 },
});
process.stdout.write('finished\n');
