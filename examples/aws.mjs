// The AWS adapter, built from the environment's credentials: EC2 through @aws-sdk/client-ec2 and
// list prices through the Price List API (@aws-sdk/client-pricing; without it, or without
// pricing:GetProducts, prices come from the bundled dated snapshot and say so).
//
//   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY   required; AWS_SESSION_TOKEN for temporary credentials
//   AWS_REGION                                 default us-east-1
//   AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL    optional endpoint (a VPC endpoint, a local emulator)
//   NOVACRON_EXAMPLE_CREATE=1                  also create one t3-class VM and delete it (costs cents)
//
// Run with `npm run build && node examples/aws.mjs`. Without credentials it says what to set and exits 0.
import { createAwsProvider } from 'novacron/aws';
import { tourProvider } from './shared/provider-tour.mjs';

const env = process.env;
if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
  console.log('skipped: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials, AWS_REGION for another region than us-east-1) to run this example against your AWS account');
} else {
  const aws = createAwsProvider({
    name: 'aws-example',
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    // Any AWS SDK credential identity or provider works here; without one, the SDK's default chain (profiles, SSO, instance roles) is used.
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN },
    endpoint: env.AWS_ENDPOINT_URL_EC2 ?? env.AWS_ENDPOINT_URL,
    pricingEndpoint: env.AWS_ENDPOINT_URL_PRICING ?? env.AWS_ENDPOINT_URL,
    federationId: 'novacron-example',
  });
  await tourProvider(aws);
}
