/**
 * The user pool's password policy (lib/api.ts: 12 characters, upper and lower case, a digit and a
 * symbol; temporary passwords valid three days), checked the same way by the local directory so a
 * password the local sign-in page accepts is one Cognito would accept too.
 */
import type { Issue } from '../model';

export const PASSWORD_POLICY = {
  minLength: 12,
  tempPasswordValidityDays: 3,
} as const;

/** Cognito's accepted symbols (the password policy documentation lists exactly these). */
const SYMBOLS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-';

const problem = (code: string, zh: string, en: string): Issue => ({ code, field: 'password', message: { zh, en } });

/** Why `password` breaks the policy: empty when it is acceptable. */
export function passwordProblems(password: string): Issue[] {
  const problems: Issue[] = [];
  if ([...password].length < PASSWORD_POLICY.minLength) {
    problems.push(
      problem(
        'PASSWORD_TOO_SHORT',
        `密碼至少需要 ${PASSWORD_POLICY.minLength} 個字元`,
        `the password needs at least ${PASSWORD_POLICY.minLength} characters`,
      ),
    );
  }
  if (!/[a-z]/.test(password))
    problems.push(problem('PASSWORD_NEEDS_LOWERCASE', '密碼需要包含小寫字母', 'the password needs a lower-case letter'));
  if (!/[A-Z]/.test(password))
    problems.push(problem('PASSWORD_NEEDS_UPPERCASE', '密碼需要包含大寫字母', 'the password needs an upper-case letter'));
  if (!/[0-9]/.test(password)) problems.push(problem('PASSWORD_NEEDS_DIGIT', '密碼需要包含數字', 'the password needs a digit'));
  if (![...password].some((ch) => SYMBOLS.includes(ch)))
    problems.push(problem('PASSWORD_NEEDS_SYMBOL', '密碼需要包含符號（例如 ! @ # %）', 'the password needs a symbol (e.g. ! @ # %)'));
  if (/^\s|\s$/.test(password))
    problems.push(problem('PASSWORD_EDGE_SPACE', '密碼不能以空格開頭或結尾', 'the password cannot begin or end with a space'));
  return problems;
}
