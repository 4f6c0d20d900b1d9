/**
 * The local cloud's account, region, resource names and ARNs: every other topology module and the
 * local services (local/*.ts) take them from here, so a name or an ARN format is written once.
 */
export { PROJECT_ROOT } from '../../lib/project';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';
export const STACK_TEMPLATE = 'Casebook.template.json';
/** The local user pool's issuer (= LOCAL_ISSUER of local/issuer.ts, repeated so the topology stays free of jose). */
export const LOCAL_USER_POOL_ISSUER = 'https://cognito-idp.local.casebook/local_casebook';

/** Stand for the distribution's domain and the API's endpoint until the local servers have ports (see `withLocalOrigins`). */
export const SITE_HOST_PLACEHOLDER = '__casebook_local_site__';
export const API_HOST_PLACEHOLDER = '__casebook_local_api__';

/** Replaces the distribution's and the API's domains (as https://host or bare host) with the local servers' origins. */
export function withLocalOrigins<T>(value: T, origins: { site: string; api: string }): T {
  let text = JSON.stringify(value);
  for (const [placeholder, origin] of [
    [SITE_HOST_PLACEHOLDER, origins.site],
    [API_HOST_PLACEHOLDER, origins.api],
  ] as const) {
    text = text.split(`https://${placeholder}`).join(origin).split(placeholder).join(new URL(origin).host);
  }
  return JSON.parse(text) as T;
}

/** The ARN the local cloud gives a function (the engine hands it back to `invokeLambda`). */
export function localFunctionArn(name: string): string {
  return `arn:aws:lambda:local:${LOCAL_ACCOUNT}:function:${name}`;
}
export function localStateMachineArn(name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}
export function functionNameFromArn(arn: string): string {
  // Also accepts a bare name and a qualified ARN (`…:function:name:alias`).
  const match = /:function:([^:]+)/.exec(arn);
  return match ? match[1]! : arn;
}

/** Strips CDK's 8-hex hash suffix and lower-kebabs a logical id: `DossierBucketA1B2C3D4` → `dossier-bucket`. */
export function localNameFor(logicalId: string): string {
  const base = logicalId.replace(/[0-9A-F]{8}$/, '');
  return base
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9-]/g, '-')
    .toLowerCase()
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

export class TopologyError extends Error {
  constructor(message: string) {
    super(`template wiring: ${message}`);
    this.name = 'TopologyError';
  }
}
