// The GCP adapter, built from the environment: Compute Engine through @google-cloud/compute (its
// REST transport; a cold import takes seconds, so it loads on first use), credentials from a
// service account key file, prices from the Cloud Billing Catalog (with an API key) or, without
// one, the bundled dated snapshot, which says so.
//
//   GOOGLE_CLOUD_PROJECT               required (or GCLOUD_PROJECT)
//   GOOGLE_APPLICATION_CREDENTIALS     required: path of a service account key file (JSON)
//   GOOGLE_CLOUD_REGION                default us-central1
//   NOVACRON_GCP_BILLING_API_KEY       Cloud Billing Catalog API key, for live list prices
//   NOVACRON_EXAMPLE_CREATE=1          also create one e2-class VM and delete it (costs cents)
//
// Run with `npm run build && node examples/gcp.mjs`. Without credentials it says what to set and exits 0.
import { createGcpProvider } from 'novacron/gcp';
import { tourProvider } from './shared/provider-tour.mjs';

const env = process.env;
const project = env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT;
if (!project || !env.GOOGLE_APPLICATION_CREDENTIALS) {
  console.log('skipped: set GOOGLE_CLOUD_PROJECT and GOOGLE_APPLICATION_CREDENTIALS (the path of a service account key file; GOOGLE_CLOUD_REGION for another region than us-central1) to run this example against your GCP project');
} else {
  const gcp = createGcpProvider({
    name: 'gcp-example',
    project,
    region: env.GOOGLE_CLOUD_REGION ?? 'us-central1',
    credentials: env.GOOGLE_APPLICATION_CREDENTIALS,
    billingApiKey: env.NOVACRON_GCP_BILLING_API_KEY,
    federationId: 'novacron-example',
  });
  await tourProvider(gcp);
}
