/** The stack's HTTP API: each route's Lambda integration and authorizer, and the API's CORS. */
import type { CorsSettings } from '../api';
import { TopologyError } from './names';
import type { Json, TemplateReader } from './template';

export interface RouteSpecLocal {
  method: string;
  path: string;
  functionName: string;
  auth: 'jwt' | 'none';
  /** The stage's throttle for this route: its route settings, else the stage's default route settings. */
  throttle?: { rateLimit: number; burstLimit: number };
}
/** CORS of the HTTP API, when the stack configures it: the settings the local API server applies. */
export type ApiCors = CorsSettings;

export function routesOf(t: TemplateReader): RouteSpecLocal[] {
  const integrations = new Map<string, string>();
  for (const [id, r] of t.byType('AWS::ApiGatewayV2::Integration')) {
    const fnId = t.referencedId(r.Properties?.IntegrationUri);
    if (!fnId || t.resource(fnId, `integration ${id}`).Type !== 'AWS::Lambda::Function') {
      throw new TopologyError(`integration ${id} does not point at a function of this stack`);
    }
    if (r.Properties?.PayloadFormatVersion !== '2.0') throw new TopologyError(`integration ${id}: payload format must be 2.0`);
    integrations.set(id, t.name(fnId));
  }
  // the stage's throttles: route settings by route key override the default route settings
  const throttleOf = (settings: Json | undefined) => {
    const t = (settings ?? {}) as Record<string, Json>;
    return typeof t.ThrottlingRateLimit === 'number' && typeof t.ThrottlingBurstLimit === 'number'
      ? { rateLimit: t.ThrottlingRateLimit, burstLimit: t.ThrottlingBurstLimit }
      : undefined;
  };
  const stageProps = (t.byType('AWS::ApiGatewayV2::Stage')[0]?.[1].Properties ?? {}) as Record<string, Json>;
  const defaultThrottle = throttleOf(stageProps.DefaultRouteSettings);
  const routeSettings = (stageProps.RouteSettings ?? {}) as Record<string, Json>;
  return t.byType('AWS::ApiGatewayV2::Route').map(([id, r]) => {
    const p = r.Properties ?? {};
    const routeKey = String(p.RouteKey);
    const [method, path] = routeKey.split(' ') as [string, string];
    const integrationId = t.referencedId(p.Target);
    const functionName = integrationId ? integrations.get(integrationId) : undefined;
    if (!functionName) throw new TopologyError(`route ${routeKey} (${id}) has no Lambda integration`);
    const authType = String(p.AuthorizationType ?? 'NONE');
    if (authType !== 'NONE' && authType !== 'JWT')
      throw new TopologyError(`route ${routeKey}: authorization ${authType} is not supported locally`);
    const throttle = throttleOf(routeSettings[routeKey]) ?? defaultThrottle;
    return { method, path: path ?? '/', functionName, auth: authType === 'JWT' ? 'jwt' : 'none', ...(throttle ? { throttle } : {}) };
  });
}

export function apiCorsOf(t: TemplateReader): ApiCors | undefined {
  let apiCors: ApiCors | undefined;
  for (const [, r] of t.byType('AWS::ApiGatewayV2::Api')) {
    const c = r.Properties?.CorsConfiguration as Record<string, Json> | undefined;
    if (!c) continue;
    const list = (v: Json) => ((t.resolveValue(v, 'HTTP API CORS') as string[] | undefined) ?? []).map(String);
    apiCors = {
      allowOrigins: list(c.AllowOrigins),
      allowMethods: list(c.AllowMethods),
      allowHeaders: list(c.AllowHeaders),
      exposeHeaders: list(c.ExposeHeaders),
      ...(c.MaxAge !== undefined ? { maxAge: Number(c.MaxAge) } : {}),
      ...(c.AllowCredentials !== undefined ? { allowCredentials: c.AllowCredentials === true } : {}),
    };
  }
  return apiCors;
}
