/** A small, valid round charter and helpers to call the router as each role. */
import type { Charter } from '../../../src/domain/model';
import type { HttpEvent } from '../../../src/api/router';

export interface Caller {
  sub: string;
  name: string;
  groups: string[];
  unitCode?: string;
}

export interface EventExtras {
  /** Replaces the default JSON content type; names in any case, as clients send them. */
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** Sent as a form post (application/x-www-form-urlencoded) instead of JSON. */
  form?: Record<string, string>;
  /** The caller's address (requestContext.http.sourceIp); each event gets its own by default. */
  sourceIp?: string;
}

let nextSource = 0;
/** A distinct address per call (TEST-NET-3, RFC 5737): callers of the matrix are different people. */
const freshSource = () => {
  nextSource += 1;
  return `203.0.${Math.floor(nextSource / 250) % 250}.${(nextSource % 250) + 1}`;
};

export function httpEvent(method: string, path: string, caller?: Caller, body?: unknown, extras: EventExtras = {}): HttpEvent {
  const form = extras.form ? new URLSearchParams(extras.form).toString() : undefined;
  return {
    rawPath: path,
    headers: { 'content-type': form !== undefined ? 'application/x-www-form-urlencoded' : 'application/json', ...(extras.headers ?? {}) },
    ...(extras.query ? { queryStringParameters: extras.query, rawQueryString: new URLSearchParams(extras.query).toString() } : {}),
    ...(form !== undefined ? { body: form } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    requestContext: {
      http: { method, sourceIp: extras.sourceIp ?? freshSource() },
      ...(caller
        ? {
            authorizer: {
              jwt: {
                claims: {
                  sub: caller.sub,
                  name: caller.name,
                  // the flattened shape API Gateway delivers
                  'cognito:groups': `[${caller.groups.join(' ')}]`,
                  ...(caller.unitCode ? { 'custom:unitCode': caller.unitCode } : {}),
                },
              },
            },
          }
        : {}),
    },
  };
}
