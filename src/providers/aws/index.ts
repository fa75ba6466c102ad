/**
 * `novacron/aws`: the AWS provider over EC2 and the Price List API. Importing this entry loads
 * no AWS SDK; `@aws-sdk/client-ec2` and `@aws-sdk/client-pricing` load on first use.
 *
 * Export/import formats:
 * - within AWS (region moves): `exportVM` runs CreateImage and produces an `ami` artifact
 *   (`ec2://<region>/<ami-id>`); `importVM` copies it into the target region with CopyImage.
 * - across clouds: with `export.bucket`, `exportVM` runs ExportImage to S3 and produces `vmdk`
 *   (default), `vhd` or `raw` (`s3://<bucket>/<prefix><task id>.<format>`); `importVM` runs
 *   ImportImage on `vmdk`, `vhd`, `vhdx`, `raw` or `ova` artifacts stored in S3.
 *
 * @module novacron/aws
 * @packageDocumentation
 */
export { AwsProvider, createAwsProvider } from './aws-provider.js';
export type { AwsExportOptions, AwsProviderDefaults, AwsProviderOptions, AwsProviderSummary, AwsStateStoreLike, AwsWaiterOptions, ExportedObjectInfo } from './aws-provider.js';
// The tags novacron puts on what it launches: a contract with the host's own tooling and IAM policies.
export { NOVACRON_TAG } from './run-instances-mapping.js';
export { AwsNetwork, type AwsNetworkOptions } from './network-companion.js';
export { NETWORK_TAG } from './network-tags.js';
export type { AwsS3Options } from './exported-objects.js';
