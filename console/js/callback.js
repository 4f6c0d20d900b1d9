// @ts-check
/**
 * Where the sign-in page sends the browser back (`<SiteUrl>/console/callback.html?code=…&state=…`):
 * the code and state leave the address bar at once, the state must be the one this tab sent and
 * the code is exchanged with this tab's PKCE verifier; anything else is refused with the reason.
 */
import { alertError, announce, finishSignIn, signIn } from './core.js';

document.getElementById('signin-start')?.addEventListener('click', () => void signIn().catch(alertError));
try {
  announce('正在完成登入… Completing the sign-in…');
  location.replace(await finishSignIn());
} catch (err) {
  const heading = document.querySelector('h1');
  if (heading) heading.textContent = '登入被拒絕 Sign-in refused';
  alertError(err);
  const section = document.getElementById('signin');
  if (section) section.hidden = false;
}
