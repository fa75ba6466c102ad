import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../src/testing/emulators/s3/index.js';
import { rejectionOf } from '../helpers.js';

const MIN = 1024;
let emu: S3Emulator;
let s3: S3Client;

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
const codeOf = (e: unknown): string | undefined => (e as { name?: string }).name;
const statusOf = (e: unknown): number | undefined => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

beforeAll(async () => {
  emu = await startS3Emulator({ buckets: ['emu-bucket'], minPartBytes: MIN });
  s3 = new S3Client({ ...emu.clientOptions, maxAttempts: 1 });
});
afterAll(async () => {
  s3.destroy();
  await emu.close();
});

describe('S3 emulator', () => {
  it('creates and heads buckets; refuses a second create and a bad name', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'second-bucket' }));
    await s3.send(new HeadBucketCommand({ Bucket: 'second-bucket' }));
    expect(codeOf(await rejectionOf(s3.send(new CreateBucketCommand({ Bucket: 'second-bucket' }))))).toBe('BucketAlreadyOwnedByYou');
    expect(codeOf(await rejectionOf(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' }))))).toBe('InvalidBucketName');
    expect(statusOf(await rejectionOf(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' }))))).toBe(404);
  });

  it('stores an object with its MD5 ETag and metadata, and serves ranges as 206', async () => {
    const data = randomBytes(3000);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'emu-bucket', Key: 'dir/a b+c.bin', Body: data, Metadata: { owner: 'me' }, ContentType: 'application/x-disk' }));
    expect(put.ETag).toBe(`"${md5(data)}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'emu-bucket', Key: 'dir/a b+c.bin' }));
    expect(head).toMatchObject({ ContentLength: 3000, ETag: `"${md5(data)}"`, ContentType: 'application/x-disk', Metadata: { owner: 'me' } });
    const ranged = await s3.send(new GetObjectCommand({ Bucket: 'emu-bucket', Key: 'dir/a b+c.bin', Range: 'bytes=10-19' }));
    expect(ranged.$metadata.httpStatusCode).toBe(206);
    expect(ranged.ContentRange).toBe('bytes 10-19/3000');
    expect(Buffer.from(await ranged.Body!.transformToByteArray()).equals(data.subarray(10, 20))).toBe(true);
    const past = await rejectionOf(s3.send(new GetObjectCommand({ Bucket: 'emu-bucket', Key: 'dir/a b+c.bin', Range: 'bytes=3000-' })));
    expect([codeOf(past), statusOf(past)]).toEqual(['InvalidRange', 416]);
  });

  it('decodes the aws-chunked body the SDK streams, with its CRC32 trailer', async () => {
    const parts = [randomBytes(700), randomBytes(900)];
    await s3.send(new PutObjectCommand({ Bucket: 'emu-bucket', Key: 'streamed', Body: Readable.from(parts), ContentLength: 1600 }));
    expect(emu.object('emu-bucket', 'streamed')?.bytes.equals(Buffer.concat(parts))).toBe(true);
  });

  it('answers errors in S3 shapes: NoSuchKey, HEAD 404, anonymous AccessDenied, SignatureDoesNotMatch', async () => {
    const missing = await rejectionOf(s3.send(new GetObjectCommand({ Bucket: 'emu-bucket', Key: 'missing' })));
    expect([codeOf(missing), statusOf(missing)]).toEqual(['NoSuchKey', 404]);
    expect(statusOf(await rejectionOf(s3.send(new HeadObjectCommand({ Bucket: 'emu-bucket', Key: 'missing' }))))).toBe(404);
    const anonymous = await fetch(`${emu.endpoint}/emu-bucket/missing`);
    expect(anonymous.status).toBe(403);
    const xml = await anonymous.text();
    expect(xml).toMatch(/<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message>.*<RequestId>[0-9A-F]+<\/RequestId><HostId>/s);
    const wrong = new S3Client({ ...emu.clientOptions, credentials: { accessKeyId: emu.clientOptions.credentials.accessKeyId, secretAccessKey: 'not-the-secret' }, maxAttempts: 1 });
    const mismatch = await rejectionOf(wrong.send(new GetObjectCommand({ Bucket: 'emu-bucket', Key: 'missing' })));
    expect([codeOf(mismatch), statusOf(mismatch)]).toEqual(['SignatureDoesNotMatch', 403]);
    const unknownKey = new S3Client({ ...emu.clientOptions, credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }, maxAttempts: 1 });
    expect(codeOf(await rejectionOf(unknownKey.send(new GetObjectCommand({ Bucket: 'emu-bucket', Key: 'missing' }))))).toBe('InvalidAccessKeyId');
    wrong.destroy();
    unknownKey.destroy();
  });

  it('keeps multipart rules: part order, part ETags, the minimum part size, and the md5-of-md5s ETag', async () => {
    const Bucket = 'emu-bucket';
    const Key = 'multi.bin';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const p1 = randomBytes(MIN);
    const p2 = randomBytes(MIN - 1);
    const p3 = randomBytes(10);
    const e1 = (await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: p1 }))).ETag!;
    const e2 = (await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: p2 }))).ETag!;
    const e3 = (await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 3, Body: p3 }))).ETag!;
    expect(e1).toBe(`"${md5(p1)}"`);
    const badNumber = await rejectionOf(s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 10_001, Body: p3 })));
    expect(codeOf(badNumber)).toBe('InvalidArgument');
    const listed = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([[1, MIN, e1], [2, MIN - 1, e2], [3, 10, e3]]);
    const complete = (parts: { PartNumber: number; ETag: string }[]): Promise<unknown> => s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
    expect(codeOf(await rejectionOf(complete([{ PartNumber: 2, ETag: e2 }, { PartNumber: 1, ETag: e1 }])))).toBe('InvalidPartOrder');
    expect(codeOf(await rejectionOf(complete([{ PartNumber: 1, ETag: e2 }])))).toBe('InvalidPart');
    expect(codeOf(await rejectionOf(complete([{ PartNumber: 1, ETag: e1 }, { PartNumber: 2, ETag: e2 }, { PartNumber: 3, ETag: e3 }])))).toBe('EntityTooSmall');
    const done = (await complete([{ PartNumber: 1, ETag: e1 }, { PartNumber: 3, ETag: e3 }])) as { ETag?: string };
    const expected = createHash('md5').update(Buffer.concat([Buffer.from(md5(p1), 'hex'), Buffer.from(md5(p3), 'hex')])).digest('hex');
    expect(done.ETag).toBe(`"${expected}-2"`);
    expect(emu.object(Bucket, Key)?.bytes.equals(Buffer.concat([p1, p3]))).toBe(true);
    // Completed: the upload is gone, and a retried complete says so.
    expect(codeOf(await rejectionOf(complete([{ PartNumber: 1, ETag: e1 }])))).toBe('NoSuchUpload');
  });

  it('lists unfinished uploads and aborts them', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'emu-bucket', Key: 'pending/x' }));
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'emu-bucket', Prefix: 'pending/' }));
    expect(uploads.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([['pending/x', UploadId]]);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'emu-bucket', Key: 'pending/x', UploadId }));
    expect(emu.uploads('emu-bucket').filter((u) => u.key === 'pending/x')).toEqual([]);
    expect(codeOf(await rejectionOf(s3.send(new AbortMultipartUploadCommand({ Bucket: 'emu-bucket', Key: 'pending/x', UploadId }))))).toBe('NoSuchUpload');
  });

  it('pages ListObjectsV2 by max-keys and continuation token, and rolls up by delimiter', async () => {
    for (let i = 0; i < 7; i++) await s3.send(new PutObjectCommand({ Bucket: 'emu-bucket', Key: `list/k${i}`, Body: 'x' }));
    await s3.send(new PutObjectCommand({ Bucket: 'emu-bucket', Key: 'list/sub/deep', Body: 'x' }));
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'emu-bucket', Prefix: 'list/', MaxKeys: 3, ContinuationToken: token }));
      expect(page.KeyCount).toBeLessThanOrEqual(3);
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(keys).toEqual([...Array.from({ length: 7 }, (_, i) => `list/k${i}`), 'list/sub/deep']);
    const rolled = await s3.send(new ListObjectsV2Command({ Bucket: 'emu-bucket', Prefix: 'list/', Delimiter: '/' }));
    expect(rolled.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/sub/']);
    expect(codeOf(await rejectionOf(s3.send(new ListObjectsV2Command({ Bucket: 'emu-bucket', ContinuationToken: 'bogus' }))))).toBe('InvalidArgument');
  });

  it('verifies presigned URLs: signature, expiry limit', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'emu-bucket', Key: 'shared.txt', Body: 'shared' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'emu-bucket', Key: 'shared.txt' }), { expiresIn: 60 });
    expect(await (await fetch(url)).text()).toBe('shared');
    const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    expect((await fetch(tampered)).status).toBe(403);
    const tooLong = url.replace('X-Amz-Expires=60', 'X-Amz-Expires=604801');
    const refused = await fetch(tooLong);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('AuthorizationQueryParametersError');
  });

  it('speaks the fault vocabulary in S3 words', async () => {
    emu.faults.throttle(1, { operations: ['HeadObject'], retryAfterMs: 1000 });
    const slow = await rejectionOf(s3.send(new GetObjectCommand({ Bucket: 'emu-bucket', Key: 'shared.txt' })).then(() => s3.send(new HeadObjectCommand({ Bucket: 'emu-bucket', Key: 'shared.txt' }))));
    expect(statusOf(slow)).toBe(503);
    emu.faults.throttle(0);
    const raw = await (async () => {
      emu.faults.throttle(1, { operations: ['GetObject'] });
      const r = await fetch(await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'emu-bucket', Key: 'shared.txt' })));
      emu.faults.throttle(0);
      return r;
    })();
    expect(raw.status).toBe(503);
    expect(await raw.text()).toContain('<Code>SlowDown</Code>');
    emu.faults.failNext('PutObject', { kind: 'internal', status: 500 });
    expect(statusOf(await rejectionOf(s3.send(new PutObjectCommand({ Bucket: 'emu-bucket', Key: 'f', Body: 'x' }))))).toBe(500);
    emu.faults.dropResponse('PutObject');
    await rejectionOf(s3.send(new PutObjectCommand({ Bucket: 'emu-bucket', Key: 'dropped', Body: 'applied' })));
    expect(emu.object('emu-bucket', 'dropped')?.bytes.toString()).toBe('applied');
    emu.faults.hang('GetObject');
    const hung = await rejectionOf(s3.send(new GetObjectCommand({ Bucket: 'emu-bucket', Key: 'shared.txt' }), { abortSignal: AbortSignal.timeout(200) }));
    expect((hung as Error).name).toMatch(/Abort|Timeout/);
    emu.faults.reset();
    expect(emu.stats.count('GetObject')).toBeGreaterThan(0);
    expect(emu.stats.throttled()).toBeGreaterThanOrEqual(2);
  });
});
