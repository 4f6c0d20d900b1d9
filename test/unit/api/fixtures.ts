/** A small, valid round charter and helpers to call the router as each role. */
import type { Charter } from '../../../src/domain/model';
import type { HttpEvent } from '../../../src/api/router';

export function charter(overrides: Partial<Charter> = {}): Charter {
  return {
    number: 9,
    year: 2030,
    theme: '發展和完善全過程人民民主的基層實踐',
    script: 'hant',
    eligibleLevels: ['county', 'township'],
    submissionDeadline: '2030-06-30T16:00:00+08:00',
    reviewDeadline: '2030-07-31T16:00:00+08:00',
    rubric: {
      maxScore: 10,
      criteria: [
        {
          id: 'innovation',
          name: { zh: '創新性', en: 'Innovation' },
          weight: 1,
          descriptors: [
            { min: 0, max: 4, text: { zh: '沿用既有做法', en: 'Follows existing practice' } },
            { min: 5, max: 10, text: { zh: '有明顯創新', en: 'Clearly new' } },
          ],
        },
      ],
    },
    panel: [
      { id: 'rev-1', name: '評審一', jurisdictions: [], declaredConflicts: [] },
      { id: 'rev-2', name: '評審二', jurisdictions: [], declaredConflicts: [] },
      { id: 'rev-3', name: '評審三', jurisdictions: [], declaredConflicts: [] },
      { id: 'rev-4', name: '評審四', jurisdictions: [], declaredConflicts: [] },
      // from the applicant's own city: never sees its cases
      { id: 'rev-5', name: '評審五', jurisdictions: ['440100'], declaredConflicts: [] },
    ],
    reviewersPerCase: 3,
    quorum: 2,
    blindReview: true,
    quotas: { total: 12, perLevel: {} },
    noticePeriodDays: 5,
    timeouts: { eligibilitySeconds: 86400, panelSeconds: 86400, leadershipSeconds: 86400, objectionRulingSeconds: 86400 },
    ...overrides,
  };
}

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
