/**
 * Where a form post may send the browser back to: only a page of our own public site. Anything
 * else (another origin, a scheme trick, a path that climbs out of the site's prefix) is refused,
 * so the objection form cannot be used as an open redirect.
 */
export function siteRedirect(returnTo: string | undefined, siteBaseUrl: string | undefined): string | undefined {
  if (!returnTo || !siteBaseUrl) return undefined;
  let base: URL;
  let target: URL;
  try {
    base = new URL(siteBaseUrl);
    target = new URL(returnTo);
  } catch {
    return undefined;
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') return undefined;
  if (target.origin !== base.origin || target.username || target.password) return undefined;
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  // the parsed pathname has its dot segments resolved: /site/../x no longer starts with /site/
  if (!target.pathname.startsWith(prefix)) return undefined;
  return target.href;
}
