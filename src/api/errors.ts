/**
 * Errors the HTTP API returns. Every one has a stable code and a message in Chinese and English;
 * the status (from the one table in ./status.ts) tells clients what kind of failure it is without
 * reading the text. Use-case errors become ApiErrors through `apiErrorOf`.
 */
import type { Bilingual, Issue } from '../domain/model';
import { UseCaseError } from '../usecases/errors';
import { httpStatusOf } from './status';

export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: string,
    readonly bilingual: Bilingual,
    /** Field-level findings (validation), shown next to the field by the console. */
    readonly issues?: Issue[],
    /** Response headers the refusal carries (Retry-After of a 429). */
    readonly headers?: Record<string, string>,
  ) {
    super(`${code}: ${bilingual.en}`);
    this.name = 'ApiError';
    this.status = httpStatusOf(code);
  }
}

export interface ErrorBody {
  error: { code: string; message: Bilingual; issues?: Issue[] };
}

export function errorBody(err: ApiError): ErrorBody {
  return { error: { code: err.code, message: err.bilingual, ...(err.issues?.length ? { issues: err.issues } : {}) } };
}

/** A use case's or the store's coded error as the API answers it; anything else is not ours to word. */
export function apiErrorOf(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof UseCaseError)
    return new ApiError(err.code, err.bilingual, err.issues.length ? err.issues : undefined, transportHeaders(err.details));
  // A coded error from another copy of the module (a second bundle in one process) fails the
  // instanceof check but still carries its code and both messages.
  const e = err as { code?: unknown; bilingual?: { zh?: unknown; en?: unknown }; issues?: unknown } | null;
  if (e && typeof e.code === 'string' && typeof e.bilingual?.zh === 'string' && typeof e.bilingual.en === 'string') {
    const issues = Array.isArray(e.issues) && e.issues.length ? (e.issues as Issue[]) : undefined;
    return new ApiError(e.code, { zh: e.bilingual.zh, en: e.bilingual.en }, issues);
  }
  return undefined;
}

/** Details of a refusal that HTTP carries in a header: how long to wait before trying again. */
function transportHeaders(details: Record<string, unknown> | undefined): Record<string, string> | undefined {
  const wait = details?.retryAfterSeconds;
  return typeof wait === 'number' && Number.isFinite(wait) && wait > 0 ? { 'retry-after': String(Math.ceil(wait)) } : undefined;
}

export const unauthenticated = () =>
  new ApiError('AUTH_REQUIRED', { zh: '請先登入：此操作需要有效的身分憑證。', en: 'Sign in first: this operation needs a valid token.' });

export const routeNotFound = (method: string, path: string) =>
  new ApiError('ROUTE_NOT_FOUND', { zh: `沒有此介面：${method} ${path}`, en: `No such route: ${method} ${path}` });

export const badJson = () => new ApiError('INVALID_JSON', { zh: '請求內容不是有效的 JSON。', en: 'The request body is not valid JSON.' });

export const unsupportedMediaType = () =>
  new ApiError('UNSUPPORTED_MEDIA_TYPE', {
    zh: '此介面只接受 JSON 格式的請求內容。',
    en: 'This route accepts a JSON body only.',
  });
