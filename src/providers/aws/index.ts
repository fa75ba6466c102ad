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
 * @packageDocumentation
 */
export { AwsProvider, createAwsProvider } from './aws-provider.js';
export type { AwsExportOptions, AwsProviderDefaults, AwsProviderOptions, AwsStateStoreLike, AwsWaiterOptions, ExportedObjectInfo } from './aws-provider.js';
export { toNovacronError as mapAwsError, awsErrorCode } from './error-mapping.js';
export type { AwsErrorContext } from './error-mapping.js';
export { vmStateOf } from './state-mapping.js';
export { clientTokenFor, NOVACRON_TAG } from './run-instances-mapping.js';
export { AMI_SOURCES } from './image-resolution.js';
export type { AmiSource } from './image-resolution.js';
