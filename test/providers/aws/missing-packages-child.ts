/**
 * Runs one AWS adapter call with some @aws-sdk packages hidden (see hide-aws-sdk-hook.mjs) and
 * prints what came back: the error message, or the offers' price sources. Run by
 * missing-packages.test.ts.
 */
import { register } from 'node:module';

register('./hide-aws-sdk-hook.mjs', import.meta.url);
const { createAwsProvider } = await import('../../../src/providers/aws/index.js');
const options = JSON.parse(process.env.NOVACRON_PROVIDER_OPTIONS ?? '{}') as Parameters<typeof createAwsProvider>[0];
const aws = createAwsProvider({ maxAttempts: 1, ...options });
try {
  const sources = new Set<string>();
  for await (const offer of aws.offers(options.region)) sources.add(offer.source);
  process.stdout.write(JSON.stringify({ sources: [...sources] }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: (error as Error).message }));
}
