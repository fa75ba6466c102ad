/**
 * ExportImage's refusals of its destination, said as what the caller got wrong. VM Import/Export
 * checks the bucket when ExportImage is called and answers `InvalidParameter` (the bucket must
 * exist and be in the export's region: ExportImage API reference, `S3ExportLocation`, and the VM
 * Import/Export User Guide, "Troubleshooting", read 2026-12); the shared mapping makes that an
 * `InvalidSpecError` without a field it can name, so this one names `export.bucket`.
 */
import { InvalidSpecError, NovacronError } from '../../provider/errors.js';
import { awsErrorCode } from './error-mapping.js';

/** The `InvalidSpecError` on `export.bucket` that an ExportImage refusal of the bucket stands for, else `undefined`. */
export function bucketRefusal(error: unknown, providerName: string, bucket: string): InvalidSpecError | undefined {
  if (!InvalidSpecError.isInstance(error) || !NovacronError.isInstance(error)) return undefined;
  const cause = error.cause;
  if (awsErrorCode(cause) !== 'InvalidParameter') return undefined;
  const text = cause instanceof Error ? cause.message : String(cause);
  if (!/\bS3\b|bucket/i.test(text)) return undefined;
  return new InvalidSpecError({ provider: providerName, cause, issues: [{ field: 'export.bucket', message: `ExportImage refused the bucket ${bucket}: ${text}` }] });
}
