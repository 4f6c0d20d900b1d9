// @ts-check
/** The console's front door: sends `?role=` links to the role's page, and points the signed-in person at theirs. */
import { initPage, whoAmI } from './core.js';

const PAGES = {
  applicant: 'applicant.html',
  reviewer: 'reviewer.html',
  office: 'office.html',
  secretariat: 'office.html',
  approver: 'approver.html',
};

const role = new URL(location.href).searchParams.get('role');
if (role && role in PAGES) location.replace(PAGES[/** @type {keyof PAGES} */ (role)]);
else {
  await initPage();
  const me = whoAmI();
  if (me) {
    const mine = new Set(me.roles.map((r) => PAGES[/** @type {keyof PAGES} */ (r)]).filter(Boolean));
    for (const a of document.querySelectorAll('#role-links a')) {
      if (mine.has(a.getAttribute('href') ?? '')) a.setAttribute('aria-current', 'true');
    }
  }
}
