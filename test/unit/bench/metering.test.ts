import { describe, expect, it } from '@jest/globals';
import { consumedUnits, s3Target } from '../../../local/metering';

describe('consumedUnits', () => {
  it('sums single, batch and transaction capacity reports', () => {
    expect(consumedUnits({ TableName: 't', CapacityUnits: 2.5 })).toBe(2.5);
    expect(
      consumedUnits([
        { TableName: 't', CapacityUnits: 4 },
        { TableName: 'u', CapacityUnits: 1 },
      ]),
    ).toBe(5);
    expect(consumedUnits({ TableName: 't', ReadCapacityUnits: 1, WriteCapacityUnits: 3 })).toBe(4);
  });

  it('reports nothing when nothing was returned, so the caller can estimate', () => {
    expect(consumedUnits(undefined)).toBeUndefined();
    expect(consumedUnits([])).toBeUndefined();
  });
});

describe('s3Target', () => {
  it('reads path-style requests, decoding the key', () => {
    const t = s3Target('127.0.0.1:4569', '/dossier-bucket/dossiers/r5/440104/s1/%E6%A1%88%E4%BE%8B.md?x-id=PutObject');
    expect(t.bucket).toBe('dossier-bucket');
    expect(t.key).toBe('dossiers/r5/440104/s1/案例.md');
    expect(t.query.get('x-id')).toBe('PutObject');
  });

  it('reads virtual-hosted-style requests and bucket-level listings', () => {
    expect(s3Target('site-bucket.localhost:4569', '/cases/index.html')).toMatchObject({ bucket: 'site-bucket', key: 'cases/index.html' });
    const list = s3Target('127.0.0.1:4569', '/site-bucket?list-type=2');
    expect(list).toMatchObject({ bucket: 'site-bucket', key: '' });
    expect(list.query.has('list-type')).toBe(true);
  });
});
