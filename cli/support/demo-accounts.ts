/**
 * What `casebook dev` and `casebook demo` tell people about signing in locally: the console's
 * address and the demo accounts with the local demo password. Never a token, never a token in a
 * URL: the console and `casebook login` sign in through the local sign-in page.
 */
import type { LocalCloud } from '../../local/cloud';
import { demoAccounts, demoApplicantEmail, LOCAL_DEMO_PASSWORD } from '../../local/user-directory';
import { roleZh } from '../../src/domain/labels';

export interface SignInInfo {
  console: string;
  password: string;
  accounts: { username: string; role: string; name: string; unitCode?: string }[];
}

/** Makes sure the demo accounts exist (and one applicant account per given unit), and says how to sign in. */
export async function demoSignIn(
  cloud: Pick<LocalCloud, 'users' | 'endpoints'>,
  applicantUnits: { unitCode: string; name?: string }[] = [],
): Promise<SignInInfo> {
  await cloud.users.ensureDemoAccounts(applicantUnits);
  const listed = demoAccounts(applicantUnits);
  // one reviewer is enough to show; the others follow the same pattern
  const shown = [...listed.filter((a) => a.role !== 'reviewer'), ...listed.filter((a) => a.role === 'reviewer').slice(0, 1)];
  const order = ['secretariat', 'approver', 'reviewer', 'applicant'];
  shown.sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
  return {
    console: cloud.endpoints.console,
    password: LOCAL_DEMO_PASSWORD,
    accounts: shown.map((a) => ({ username: a.username, role: a.role, name: a.name, ...(a.unitCode ? { unitCode: a.unitCode } : {}) })),
  };
}

export function formatSignIn(info: SignInInfo): string {
  const width = Math.max(...info.accounts.map((a) => a.username.length));
  return [
    `console  ${info.console}`,
    `sign in with one of the demo accounts (password: ${info.password}):`,
    ...info.accounts.map((a) => `  ${a.username.padEnd(width)}  ${a.role} ${roleZh(a.role) ?? ''}${a.unitCode ? ` ${a.unitCode}` : ''}`),
    `  (other reviewers: rev-sz, rev-zh, rev-st, rev-fs @demo.casebook.local; ${
      info.accounts.some((a) => a.role === 'applicant')
        ? 'applicants: applicant-<unit code>@demo.casebook.local'
        : 'applicant accounts: `casebook users import FILE`, or `casebook demo`'
    })`,
    'the CLI acts as these personas by itself locally; `casebook login` signs it in as one of them instead',
  ].join('\n');
}

export { demoApplicantEmail };
