/**
 * `novacron/aws`: the AWS provider over EC2 and the Price List API. Importing this entry loads
 * no AWS SDK; `@aws-sdk/client-ec2` and `@aws-sdk/client-pricing` load on first use.
 *
 * @packageDocumentation
 */
export { AwsProvider, createAwsProvider } from './aws-provider.js';
export type { AwsExportOptions, AwsProviderDefaults, AwsProviderOptions, AwsStateStoreLike } from './aws-provider.js';
export { toNovacronError as mapAwsError, awsErrorCode } from './error-mapping.js';
export type { AwsErrorContext } from './error-mapping.js';
export { vmStateOf } from './state-mapping.js';
export { clientTokenFor, NOVACRON_TAG } from './run-instances-mapping.js';
export { AMI_SOURCES } from './image-resolution.js';
export type { AmiSource } from './image-resolution.js';
