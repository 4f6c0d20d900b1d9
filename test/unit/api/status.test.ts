import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { apiErrorOf } from '../../../src/api/errors';
import { HTTP_STATUS_BY_CODE, httpStatusOf } from '../../../src/api/status';
import { StoreError, contention, notFound as storeNotFound } from '../../../src/store/errors';
import { forbidden, UseCaseError, wrongState } from '../../../src/usecases/errors';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('error codes to HTTP statuses', () => {
  it('names a status for every code the use cases and the store raise', () => {
    const raised = new Set<string>();
    const pattern = /(?:new (?:UseCaseError|StoreError|ApiError)|wrongState|conflict)\(\s*'([A-Z_]+)'/g;
    for (const file of [...sources('src/usecases'), ...sources('src/store'), ...sources('src/api')]) {
      for (const match of readFileSync(file, 'utf8').matchAll(pattern)) raised.add(match[1]!);
    }
    expect(raised.size).toBeGreaterThan(20);
    expect([...raised].filter((code) => !(code in HTTP_STATUS_BY_CODE))).toEqual([]);
  });

  it('answers coded errors with their status and both messages, and leaves others alone', () => {
    const denied = apiErrorOf(forbidden());
    expect(denied).toMatchObject({ status: 403, code: 'FORBIDDEN', bilingual: { zh: '您的角色不能執行此操作。' } });
    expect(apiErrorOf(storeNotFound('round', 'r1'))?.status).toBe(404);
    expect(apiErrorOf(contention('round', 'r1', 'throttled'))?.status).toBe(503);
    expect(apiErrorOf(wrongState('ROUND_NOT_OPEN', { zh: '未開放', en: 'not open' }))?.status).toBe(422);
    expect(apiErrorOf(new Error('boom'))).toBeUndefined();
    expect(httpStatusOf('SOMETHING_NEW')).toBe(422);
  });

  it("answers the objection guard's refusals 429 (with Retry-After from the detail) and 422", () => {
    const limited = apiErrorOf(
      new UseCaseError('OBJECTION_RATE_LIMITED', { zh: '過於頻繁', en: 'too many' }, [], { retryAfterSeconds: 89.2 }),
    );
    expect(limited).toMatchObject({ status: 429, headers: { 'retry-after': '90' } });
    expect(apiErrorOf(new UseCaseError('OBJECTION_TOO_MANY_LINKS', { zh: '網址過多', en: 'links' }))).toMatchObject({
      status: 422,
      headers: undefined,
    });
    expect(apiErrorOf(new UseCaseError('OBJECTION_TOO_LARGE', { zh: '過大', en: 'large' }))?.status).toBe(422);
  });

  it('keeps field issues and recognises a coded error from another copy of the module', () => {
    const issues = [{ code: 'X', field: 'charter.year', message: { zh: '年份', en: 'year' } }];
    expect(apiErrorOf(new UseCaseError('INVALID_INPUT', { zh: '有誤', en: 'bad' }, issues))?.issues).toEqual(issues);
    const foreign = Object.assign(new Error('x'), { code: 'TASK_EXPIRED', bilingual: { zh: '逾期', en: 'expired' } });
    expect(apiErrorOf(foreign)).toMatchObject({ status: 410, code: 'TASK_EXPIRED' });
    expect(new StoreError('CONFLICT', { zh: '衝突', en: 'conflict' })).toBeInstanceOf(UseCaseError);
  });
});
