/**
 * Builds the Lambda handler for the `api` or the `decide` function: the shared router over the
 * production dependencies, coded errors answered with their status (./status.ts), unexpected errors logged.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { buildHandlers, htmlErrorLinks } from './app';
import { productionDeps } from './production';
import { createRouter, type HttpEvent, type HttpResult } from './router';
import type { RouteSpec } from './routes';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'casebook' });

export function createHttpHandler(fn: RouteSpec['fn']): (event: HttpEvent) => Promise<HttpResult> {
  let route: ((event: HttpEvent) => Promise<HttpResult>) | undefined;
  return (event) => {
    if (!route) {
      const deps = productionDeps();
      route = createRouter({
        fn,
        handlers: buildHandlers(deps),
        errorLinks: htmlErrorLinks(deps),
        onUnexpected: (err) => logger.error('unexpected error', err as Error),
      });
    }
    return route(event);
  };
}
