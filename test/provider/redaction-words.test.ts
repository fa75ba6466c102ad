/**
 * Redaction takes secrets out and leaves the library's own words alone, in linear time on any
 * input; error messages quote input only up to a bound; inspecting a manager or an adapter
 * never prints a credential.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../src/index.js';
import { FederationManager } from '../../src/federation/index.js';
import { createAwsProvider } from '../../src/providers/aws/index.js';
import { parseVMSpec, redactString, REDACTED } from '../../src/provider-utils/index.js';
import { thrownBy } from '../helpers.js';

describe('redaction keeps the words of messages', () => {
  it.each([
    'spec.providers[0].config.credentials.secret: names a secret but no secrets resolver was given',
    'password: must be a string',
    'SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.',
    'token: expected a string, got number',
    'apiKey: missing',
  ])('leaves %s as it is', (text) => {
    expect(redactString(text)).toBe(text);
  });

  it.each([
    ['password=hunter2hunter', `password=${REDACTED}`],
    ['password: s3cr3t-pg-pass', `password: ${REDACTED}`],
    ['{"client_secret":"abc"}', `{"client_secret":"${REDACTED}"}`],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY region=us-east-1', `aws_secret_access_key = ${REDACTED} region=us-east-1`],
    ['postgres://app:pw-123@db:5432/x', `postgres://app:${REDACTED}@db:5432/x`],
  ])('redacts %s', (text, expected) => {
    expect(redactString(text)).toBe(expected);
  });
});

describe('redaction is linear', () => {
  // Inputs shaped to make backtracking patterns explode: long runs of what a key, a URL or a
  // token is made of, without the character that would end the match.
  const adversarial = [
    'password'.repeat(12_500),
    'a'.repeat(100_000),
    'x://' + 'a:'.repeat(50_000),
    'secret_'.repeat(14_000) + '=',
    'eyJ' + 'A'.repeat(100_000),
    '-----BEGIN '.repeat(9_000),
    'Bearer '.repeat(14_000),
    'token: '.repeat(14_000),
  ];
  it.each(adversarial.map((text, i) => [i, text] as const))('handles 100 kB adversarial input #%i', (_i, text) => {
    const out = redactString(text);
    expect(out.length).toBeGreaterThan(0);
  });

  it('parseVMSpec refuses a 7 kB memory string with a short, typed error', () => {
    const error = thrownBy(() => parseVMSpec({ name: 'huge', cpu: 1, memory: `4${'G'.repeat(7_000)}` }));
    expect(InvalidSpecError.isInstance(error)).toBe(true);
    expect((error as Error).message.length).toBeLessThan(1_000);
  });
});

describe('inspect never prints credentials', () => {
  it('shows a manager and an AWS adapter without their secrets', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const aws = createAwsProvider({ name: 'aws-east', region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: secret } });
    const manager = new FederationManager({ providers: [aws] });
    for (const text of [inspect(aws, { depth: 10 }), inspect(manager, { depth: 10 }), String(aws), JSON.stringify(aws) ?? '']) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    }
    expect(inspect(aws)).toContain('aws-east');
    expect(inspect(manager)).toContain('aws-east');
  });
});

describe('spec messages name the right thing', () => {
  it('a mistyped key is one issue, on the field that is missing', () => {
    const error = thrownBy(() => parseVMSpec({ name: 'a', cpu: 1, memroy: '4Gi' } as never)) as InvalidSpecError;
    expect(error.issues).toEqual([{ field: 'memory', message: 'is required (found "memroy": a typo?)' }]);
  });

  it('an unknown key with no near miss stays unknown', () => {
    const error = thrownBy(() => parseVMSpec({ name: 'a', cpu: 1, memory: 1, colour: 'red' } as never)) as InvalidSpecError;
    expect(error.issues).toEqual([{ field: 'colour', message: 'unknown field (typo?)' }]);
  });
});
