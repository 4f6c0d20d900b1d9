import { describe, it } from '@jest/globals';
import { expect } from '../../support/expect';
import { actorFromClaims, parseGroups } from '../../../src/api/auth';
import { openApiDocument } from '../../../src/api/openapi';
import { prefersHtml } from '../../../src/api/html';
import { siteRedirect } from '../../../src/api/redirect';
import { createRouter, matchRoute, routeKeyOf, type HttpEvent } from '../../../src/api/router';
import { ROUTES } from '../../../src/api/routes';
import { buildHandlers } from '../../../src/api/app';
import type { ApiDeps } from '../../../src/usecases/api/ports';

const event = (method: string, path: string, extra: Partial<HttpEvent> = {}): HttpEvent => ({
  rawPath: path,
  requestContext: { http: { method } },
  ...extra,
});

describe('claims', () => {
  it('reads cognito:groups in the flattened, array and JSON shapes', () => {
    expect(parseGroups('[reviewer secretariat]')).toEqual(['reviewer', 'secretariat']);
    expect(parseGroups(['approver'])).toEqual(['approver']);
    expect(parseGroups('["applicant","reviewer"]')).toEqual(['applicant', 'reviewer']);
    expect(parseGroups('[]')).toEqual([]);
    expect(parseGroups(undefined)).toEqual([]);
  });

  it('builds the actor from claims only, dropping unknown groups', () => {
    expect(actorFromClaims({ sub: 'u1', name: '甲', 'cognito:groups': '[applicant admins]', 'custom:unitCode': '440103' })).toEqual({
      id: 'u1',
      name: '甲',
      roles: ['applicant'],
      unitCode: '440103',
    });
    expect(actorFromClaims({ name: 'no sub' })).toBeUndefined();
  });
});

describe('router', () => {
  it('matches every route of the table to itself with its parameters', () => {
    for (const r of ROUTES) {
      const concrete = r.path.replace(/\{(\w+)\}/g, (_m, n: string) => `v-${n}`);
      const m = matchRoute(r.method, concrete);
      expect(m?.route, routeKeyOf(r)).toBe(r);
      for (const [, name] of r.path.matchAll(/\{(\w+)\}/g)) expect(m?.params[name!]).toBe(`v-${name}`);
    }
  });

  it('has a handler for every route', () => {
    const handlers = buildHandlers({} as ApiDeps);
    for (const r of ROUTES) expect(typeof handlers[routeKeyOf(r)], routeKeyOf(r)).toBe('function');
  });

  const route = createRouter({ fn: 'api', handlers: buildHandlers({} as ApiDeps) });

  it('answers 401 with a bilingual coded error on a jwt route without claims', async () => {
    const res = await route(event('GET', '/tasks'));
    expect(res.statusCode).toBe(401);
    const body = JSON.parse(res.body) as { error: { code: string; message: { zh: string; en: string } } };
    expect(body.error.code).toBe('AUTH_REQUIRED');
    expect(body.error.message.zh).toMatch(/登入/);
  });

  it('refuses the decision route on the api function (only decide may send task results)', async () => {
    const res = await route(event('POST', '/tasks/t1/decision', { body: '{}' }));
    expect(res.statusCode).toBe(404);
  });

  it('answers 400 on a malformed JSON body', async () => {
    const res = await route(
      event('POST', '/rounds', {
        body: '{nope',
        requestContext: { http: { method: 'POST' }, authorizer: { jwt: { claims: { sub: 's', 'cognito:groups': '[secretariat]' } } } },
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('INVALID_JSON');
  });

  it('serves an OpenAPI 3.1 document covering every route', async () => {
    const res = await route(event('GET', '/openapi.json'));
    expect(res.statusCode).toBe(200);
    const doc = JSON.parse(res.body) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROUTES) expect(doc.paths[r.path]?.[r.method.toLowerCase()], routeKeyOf(r)).toBeDefined();
    expect(doc.paths['/rounds/{roundId}/submissions']?.post?.requestBody).toBeDefined();
    expect(openApiDocument()).toBe(openApiDocument());
  });
});

describe('content negotiation and redirects', () => {
  it('prefers HTML only when asked: ?format=html, or text/html ranked above JSON', () => {
    expect(prefersHtml(undefined, 'html')).toBe(true);
    expect(prefersHtml('text/html', 'json')).toBe(false);
    expect(prefersHtml('text/html,application/xhtml+xml,*/*;q=0.8', undefined)).toBe(true);
    expect(prefersHtml('application/json, text/html', undefined)).toBe(false);
    expect(prefersHtml('text/html;q=0.9, application/json;q=0.5', undefined)).toBe(true);
    expect(prefersHtml('text/html;q=0', undefined)).toBe(false);
    expect(prefersHtml('*/*', undefined)).toBe(false);
    expect(prefersHtml(undefined, undefined)).toBe(false);
  });

  it('sends a browser back only to pages under the site’s base URL, path prefix included', () => {
    const base = 'https://gov.example.cn/cases/';
    expect(siteRedirect('https://gov.example.cn/cases/hant/r/x.html', base)).toBe('https://gov.example.cn/cases/hant/r/x.html');
    expect(siteRedirect('https://gov.example.cn/cases/hant/x.html', 'https://gov.example.cn/cases')).toBe(
      'https://gov.example.cn/cases/hant/x.html',
    );
    for (const bad of [
      'https://gov.example.cn/cases-evil/x.html',
      'https://gov.example.cn/cases/../admin/',
      'https://gov.example.cn/cases/%2e%2e/admin/',
      'https://gov.example.cn/other/',
      'https://gov.example.cn.evil.org/cases/',
      'https://a:b@gov.example.cn/cases/x.html',
      'data:text/html,hi',
      'not a url',
    ]) {
      expect(siteRedirect(bad, base), bad).toBeUndefined();
    }
    expect(siteRedirect('https://gov.example.cn/cases/x.html', '')).toBeUndefined();
    expect(siteRedirect(undefined, base)).toBeUndefined();
  });
});
