/** The CloudFront distribution in front of the site: the response headers it adds and its root object. */
import type { Json, TemplateReader } from './template';

export interface SiteHeaders {
  [header: string]: string;
}

export function siteHeadersOf(t: TemplateReader): SiteHeaders {
  const siteHeaders: SiteHeaders = {};
  for (const [, r] of t.byType('AWS::CloudFront::ResponseHeadersPolicy')) {
    const config = (r.Properties?.ResponseHeadersPolicyConfig ?? {}) as Record<string, Json>;
    const sec = (config.SecurityHeadersConfig ?? {}) as Record<string, Record<string, Json>>;
    if (sec.ContentSecurityPolicy)
      siteHeaders['content-security-policy'] = t.asString(sec.ContentSecurityPolicy.ContentSecurityPolicy, 'response headers policy');
    if (sec.StrictTransportSecurity) {
      const hsts = sec.StrictTransportSecurity;
      siteHeaders['strict-transport-security'] =
        `max-age=${hsts.AccessControlMaxAgeSec}` +
        (hsts.IncludeSubdomains ? '; includeSubDomains' : '') +
        (hsts.Preload ? '; preload' : '');
    }
    if (sec.ContentTypeOptions) siteHeaders['x-content-type-options'] = 'nosniff';
    if (sec.FrameOptions) siteHeaders['x-frame-options'] = String(sec.FrameOptions.FrameOption);
    if (sec.ReferrerPolicy) siteHeaders['referrer-policy'] = String(sec.ReferrerPolicy.ReferrerPolicy);
    const custom = (config.CustomHeadersConfig as { Items?: { Header: string; Value: string }[] } | undefined)?.Items ?? [];
    for (const item of custom) siteHeaders[item.Header.toLowerCase()] = t.asString(item.Value, 'response headers policy');
  }
  return siteHeaders;
}

export function siteIndexDocumentOf(t: TemplateReader): string {
  let siteIndexDocument = 'index.html';
  for (const [, r] of t.byType('AWS::CloudFront::Distribution')) {
    const root = (r.Properties?.DistributionConfig as { DefaultRootObject?: string } | undefined)?.DefaultRootObject;
    if (root) siteIndexDocument = root;
  }
  return siteIndexDocument;
}
