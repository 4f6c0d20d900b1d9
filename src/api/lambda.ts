/**
 * Builds the Lambda handler for the `api` or the `decide` function: the shared router over the
 * production dependencies, store errors mapped to API errors, unexpected errors logged.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Issue } from '../domain/model';
import { StoreError } from '../store/errors';
import { buildHandlers, htmlErrorLinks } from './app';
import { ApiError } from './errors';
import { productionDeps } from './production';
import { createRouter, type HttpEvent, type HttpResult } from './router';
import type { RouteSpec } from './routes';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'casebook' });

/** Store errors already carry a code, a status and a bilingual message. */
export function mapKnownError(err: unknown): ApiError | undefined {
  if (err instanceof StoreError) {
    const issues = (err.details as { issues?: Issue[] } | undefined)?.issues;
    return new ApiError(err.httpStatus, err.code, err.bilingual, Array.isArray(issues) ? issues : undefined);
  }
  const e = err as { httpStatus?: unknown; code?: unknown; bilingual?: unknown } | null;
  if (e && typeof e.httpStatus === 'number' && typeof e.code === 'string' && e.bilingual && typeof e.bilingual === 'object') {
    return new ApiError(e.httpStatus, e.code, e.bilingual as ApiError['bilingual']);
  }
  return undefined;
}

export function createHttpHandler(fn: RouteSpec['fn']): (event: HttpEvent) => Promise<HttpResult> {
  let route: ((event: HttpEvent) => Promise<HttpResult>) | undefined;
  return (event) => {
    if (!route) {
      const deps = productionDeps();
      route = createRouter({
        fn,
        handlers: buildHandlers(deps),
        errorLinks: htmlErrorLinks(deps),
        mapError: mapKnownError,
        onUnexpected: (err) => logger.error('unexpected error', err as Error),
      });
    }
    return route(event);
  };
}
