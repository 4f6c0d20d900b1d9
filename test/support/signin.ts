/**
 * Drives the local sign-in page over plain HTTP, as a person in a browser would: follows the
 * authorization request's redirects with a cookie jar, fills the username/password form (and the
 * new-password form of an invited account), and returns the redirect to the client's callback
 * (with its code and state) without following it.
 */
export interface PageSignIn {
  username: string;
  password: string;
  /** For an account still on its temporary password. */
  newPassword?: string;
}

export class SignInPageError extends Error {
  constructor(
    message: string,
    readonly html: string,
  ) {
    super(message);
  }
}

export async function signInThroughPage(authorizeUrl: string, callbackPrefix: string, who: PageSignIn): Promise<URL> {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  };
  let url = new URL(authorizeUrl);
  let body: URLSearchParams | undefined;
  let submittedNewPassword = false;
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: cookie(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(body ? { body: body.toString() } : {}),
    });
    remember(res);
    body = undefined;
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.href.startsWith(callbackPrefix)) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action) throw new SignInPageError(`unexpected page at ${url.pathname} (${res.status})`, html);
    if (/role="alert"/.test(html))
      throw new SignInPageError(`the sign-in page refused: ${/<div class="error"[^>]*>(.*?)<\/div>/s.exec(html)?.[1] ?? ''}`, html);
    url = new URL(action.replace(/&#47;/g, '/'), url);
    if (action.endsWith('/login')) body = new URLSearchParams({ username: who.username, password: who.password });
    else if (action.endsWith('/new-password')) {
      if (!who.newPassword || submittedNewPassword) throw new SignInPageError('the page asks for a new password', html);
      submittedNewPassword = true;
      body = new URLSearchParams({ newPassword: who.newPassword, confirmPassword: who.newPassword });
    } else throw new SignInPageError(`unknown form ${action}`, html);
  }
  throw new Error('too many redirects');
}
