/**
 * Where people sign in: the OAuth 2.0 / OpenID Connect settings that the console and the CLI
 * discover from `GET /auth/config` (and the deployed console also finds in its `config.json`).
 *
 * On AWS the endpoints are Cognito managed login's on the user pool domain; on the local cloud
 * they are the local OpenID provider's, on the same paths (`/oauth2/authorize`, `/oauth2/token`,
 * `/logout`), so the console and the CLI run one sign-in code path in both places.
 */

/** The scopes every client asks for: the ID token then carries email, name, groups and unit. */
export const AUTH_SCOPES = ['openid', 'email', 'profile'] as const;

/** The console's pages that the authorization server redirects back to, under `<SiteUrl>/console/`. */
export const CONSOLE_CALLBACK_PATH = 'callback.html';
/** Where signing out lands: the console's start page. */
export const CONSOLE_SIGNED_OUT_PATH = '';
export const consoleCallbackUrl = (siteUrl: string): string => `${siteUrl.replace(/\/+$/, '')}/console/${CONSOLE_CALLBACK_PATH}`;
export const consoleSignOutUrl = (siteUrl: string): string => `${siteUrl.replace(/\/+$/, '')}/console/${CONSOLE_SIGNED_OUT_PATH}`;

/**
 * `casebook login` listens on one of these loopback ports for the redirect. Cognito matches
 * callback URLs exactly (port included) and accepts plain http only for `localhost`, so the app
 * client registers `http://localhost:<port>/callback` for each; five allow a few logins at once.
 */
export const CLI_LOGIN_PORTS = [47311, 47312, 47313, 47314, 47315] as const;
export const CLI_CALLBACK_PATH = '/callback';
export const cliRedirectUri = (port: number): string => `http://localhost:${port}${CLI_CALLBACK_PATH}`;

/** What `GET /auth/config` answers. */
export interface AuthConfig {
  /** The `iss` of the tokens (Cognito: `https://cognito-idp.<region>.amazonaws.com/<poolId>`). */
  issuer: string;
  /** The public app client (no secret): the `aud` of ID tokens. */
  clientId: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Cognito's logout endpoint: `?client_id=…&logout_uri=…` (one of the registered sign-out URLs). */
  logoutEndpoint: string;
  revocationEndpoint: string;
  userInfoEndpoint: string;
  /** OpenID discovery document of the issuer. */
  discoveryUrl: string;
  scopes: string[];
  /** Loopback ports `casebook login` may listen on (`http://localhost:<port>/callback`). */
  cliLoginPorts: number[];
}

/**
 * Builds the configuration from the issuer, the client and the base URL of the sign-in domain
 * (Cognito's `https://<prefix>.auth.<region>.amazoncognito.com`, or the local provider's origin).
 */
export function authConfig(input: { issuer: string; clientId: string; domainUrl: string; discoveryUrl?: string }): AuthConfig {
  const domain = input.domainUrl.replace(/\/+$/, '');
  const issuer = input.issuer.replace(/\/+$/, '');
  return {
    issuer,
    clientId: input.clientId,
    authorizationEndpoint: `${domain}/oauth2/authorize`,
    tokenEndpoint: `${domain}/oauth2/token`,
    logoutEndpoint: `${domain}/logout`,
    revocationEndpoint: `${domain}/oauth2/revoke`,
    userInfoEndpoint: `${domain}/oauth2/userInfo`,
    discoveryUrl: input.discoveryUrl ?? `${issuer}/.well-known/openid-configuration`,
    scopes: [...AUTH_SCOPES],
    cliLoginPorts: [...CLI_LOGIN_PORTS],
  };
}
