/** The Glance (OpenStack Image API v2) artifact store: image records with streamed data, keyed by image name. */
export { createGlanceArtifactStore, GlanceArtifactStore, type GlanceArtifactStoreOptions, type GlanceStoreConnectionOptions, type GlanceStoreKeystoneOptions, type GlanceStoreSettings } from './glance-store.js';
