/**
 * Errors the HTTP API returns. Every one has a stable code and a message in Chinese and English;
 * the status code tells clients what kind of failure it is without reading the text.
 */
import type { Bilingual, Issue } from '../domain/model';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly bilingual: Bilingual,
    /** Field-level findings (validation), shown next to the field by the console. */
    readonly issues?: Issue[],
  ) {
    super(`${code}: ${bilingual.en}`);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  error: { code: string; message: Bilingual; issues?: Issue[] };
}

export function errorBody(err: ApiError): ErrorBody {
  return { error: { code: err.code, message: err.bilingual, ...(err.issues?.length ? { issues: err.issues } : {}) } };
}

export const unauthenticated = () =>
  new ApiError(401, 'AUTH_REQUIRED', { zh: '請先登入：此操作需要有效的身分憑證。', en: 'Sign in first: this operation needs a valid token.' });

export const forbidden = (what: Bilingual = { zh: '您的角色不能執行此操作。', en: 'Your role may not do this.' }) =>
  new ApiError(403, 'FORBIDDEN', what);

export const notFound = (thing: string, id: string) =>
  new ApiError(404, 'NOT_FOUND', { zh: `找不到${thingZh(thing)}：${id}`, en: `No ${thing} ${id}` });

export const routeNotFound = (method: string, path: string) =>
  new ApiError(404, 'ROUTE_NOT_FOUND', { zh: `沒有此介面：${method} ${path}`, en: `No such route: ${method} ${path}` });

export const invalidInput = (issues: Issue[]) =>
  new ApiError(
    400,
    'INVALID_INPUT',
    { zh: `請求內容有誤（${issues.length} 處），請按欄位提示修正。`, en: `The request has ${issues.length} problem(s); fix the fields named.` },
    issues,
  );

export const badJson = () =>
  new ApiError(400, 'INVALID_JSON', { zh: '請求內容不是有效的 JSON。', en: 'The request body is not valid JSON.' });

export const unsupportedMediaType = () =>
  new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', {
    zh: '此介面只接受 JSON 格式的請求內容。',
    en: 'This route accepts a JSON body only.',
  });

export const conflict = (code: string, message: Bilingual) => new ApiError(409, code, message);
export const gone = (code: string, message: Bilingual) => new ApiError(410, code, message);
export const wrongState = (code: string, message: Bilingual) => new ApiError(422, code, message);

function thingZh(thing: string): string {
  const names: Record<string, string> = {
    round: '評選輪次',
    submission: '申報',
    case: '案例',
    task: '審批步驟',
    notification: '通知',
    objection: '異議',
    reviewer: '評審',
  };
  return names[thing] ?? thing;
}
