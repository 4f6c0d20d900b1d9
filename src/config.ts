/**
 * Configuration, read from the environment once per process and failing fast with the name of
 * the missing variable, so a wiring mistake in the stack or the local cloud shows up at the first
 * invocation instead of as an undefined table name deep in a query.
 *
 * Each getter reads lazily (a handler that never touches the bucket does not need DOSSIER_BUCKET)
 * and caches the value.
 */

const cache = new Map<string, string>();

export class ConfigError extends Error {
  constructor(readonly variable: string) {
    super(`environment variable ${variable} is required but not set`);
    this.name = 'ConfigError';
  }
}

function required(name: string): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const value = process.env[name];
  if (value === undefined || value === '') throw new ConfigError(name);
  cache.set(name, value);
  return value;
}

function optional(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

export type NotifierKind = 'outbox' | 'ses';

export const config = {
  get tableName(): string {
    return required('TABLE_NAME');
  },
  get dossierBucket(): string {
    return required('DOSSIER_BUCKET');
  },
  get dossierReviewArn(): string {
    return required('DOSSIER_REVIEW_ARN');
  },
  get roundFinalizationArn(): string {
    return required('ROUND_FINALIZATION_ARN');
  },
  get notifier(): NotifierKind {
    const value = optional('NOTIFIER', 'outbox');
    if (value !== 'outbox' && value !== 'ses') throw new ConfigError('NOTIFIER (must be "outbox" or "ses")');
    return value;
  },
  get senderEmail(): string {
    return required('SENDER_EMAIL');
  },
  get siteBaseUrl(): string {
    return optional('SITE_BASE_URL', '');
  },
  get siteBucket(): string {
    return required('SITE_BUCKET');
  },
  /** Empty locally: there is no CDN to invalidate. */
  get distributionId(): string {
    return optional('DISTRIBUTION_ID', '');
  },
  /** The Cognito user pool of the accounts (empty on the local cloud, which has its own directory). */
  get userPoolId(): string {
    return optional('USER_POOL_ID', '');
  },
  /** The local cloud's data dir, where its user directory keeps the accounts (unset on AWS). */
  get localUsersDir(): string {
    return optional('CASEBOOK_LOCAL_USERS_DIR', '');
  },
  /** The user pool's issuer (`iss` of its tokens), for GET /auth/config. */
  get authIssuer(): string {
    return required('AUTH_ISSUER');
  },
  /** The console's and the CLI's public app client. */
  get authClientId(): string {
    return required('AUTH_CLIENT_ID');
  },
  /** Base URL of the sign-in domain (Cognito managed login, or the local provider). */
  get authDomainUrl(): string {
    return required('AUTH_DOMAIN_URL');
  },
  /** Locally the provider's own discovery document; on AWS derived from the issuer. */
  get authDiscoveryUrl(): string {
    return optional('AUTH_DISCOVERY_URL', '');
  },
  /** Public base URL of the HTTP API; the notice page's objection form posts there. */
  get apiBaseUrl(): string {
    return optional('API_BASE_URL', '');
  },
};

/** Tests change the environment between cases; they call this to drop cached values. */
export function resetConfigCache(): void {
  cache.clear();
}
