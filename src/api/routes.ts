/**
 * The HTTP API's routes: the one list that the CDK stack (API Gateway routes and authorizer),
 * the local cloud's HTTP server and the API's own router all read, so they cannot drift apart.
 *
 * `auth: 'jwt'` routes sit behind the Cognito JWT authorizer; the roles allowed are checked by
 * the use case (a JWT only proves who the caller is). `fn` names the Lambda that serves it:
 * only `decide` may send task results to the workflows.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway path syntax: `{name}` for a path parameter. */
  path: string;
  auth: 'public' | 'jwt';
  fn: 'api' | 'decide';
  /** Short summary for the OpenAPI document. */
  summary: string;
  /** Also takes an HTML form post (application/x-www-form-urlencoded) from the public site. */
  form?: true;
  /** Also answers as an HTML page when asked (`Accept: text/html` or `?format=html`). */
  html?: true;
}

export const ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/openapi.json', auth: 'public', fn: 'api', summary: 'This API as an OpenAPI 3.1 document' },
  {
    method: 'GET',
    path: '/auth/config',
    auth: 'public',
    fn: 'api',
    summary: 'Where to sign in: issuer, app client id, authorization/token/logout endpoints and scopes (OAuth 2.0 code + PKCE)',
  },
  { method: 'GET', path: '/rounds', auth: 'public', fn: 'api', summary: 'List rounds (public fields)' },
  {
    method: 'GET',
    path: '/rounds/{roundId}',
    auth: 'public',
    fn: 'api',
    summary: 'Read a round (public fields only: a public route never sees a token)',
  },
  {
    method: 'GET',
    path: '/rounds/{roundId}/staff-view',
    auth: 'jwt',
    fn: 'api',
    summary:
      'A round as its staff decide from it: charter and hash, ranked shortlist with explanations and quota notes, approved list, notice window, objections (secretariat, approver)',
  },
  { method: 'POST', path: '/rounds', auth: 'jwt', fn: 'api', summary: 'Create a round in DRAFT from a charter (secretariat)' },
  { method: 'PATCH', path: '/rounds/{roundId}', auth: 'jwt', fn: 'api', summary: 'Amend the charter, with a reason (secretariat)' },
  { method: 'POST', path: '/rounds/{roundId}/open', auth: 'jwt', fn: 'api', summary: 'Open the round: freeze the charter (secretariat)' },
  {
    method: 'POST',
    path: '/rounds/{roundId}/close',
    auth: 'jwt',
    fn: 'api',
    summary: 'Close submissions and start round finalization (secretariat)',
  },
  {
    method: 'POST',
    path: '/rounds/{roundId}/proceed',
    auth: 'jwt',
    fn: 'api',
    summary: 'Proceed to ranking before every case is reviewed (secretariat)',
  },
  {
    method: 'GET',
    path: '/rounds/{roundId}/dashboard',
    auth: 'jwt',
    fn: 'api',
    summary: 'Office dashboard: counts, overdue steps, charts; an HTML page with Accept: text/html or ?format=html (secretariat)',
    html: true,
  },
  {
    method: 'POST',
    path: '/rounds/{roundId}/submissions',
    auth: 'jwt',
    fn: 'api',
    summary: 'Start a submission: a presigned PUT URL limited in size and type (applicant)',
  },
  {
    method: 'GET',
    path: '/rounds/{roundId}/submissions',
    auth: 'jwt',
    fn: 'api',
    summary: 'List submissions (applicant: own unit; office: all)',
  },
  {
    method: 'GET',
    path: '/rounds/{roundId}/submissions/{submissionId}',
    auth: 'jwt',
    fn: 'api',
    summary: 'A submission with its validation report',
  },
  { method: 'GET', path: '/rounds/{roundId}/cases', auth: 'jwt', fn: 'api', summary: 'Cases visible to the caller' },
  {
    method: 'GET',
    path: '/cases/{caseId}',
    auth: 'jwt',
    fn: 'api',
    summary: 'A case as the caller may see it (blind fields hidden for reviewers)',
  },
  {
    method: 'GET',
    path: '/cases/{caseId}/record',
    auth: 'jwt',
    fn: 'api',
    summary:
      'A case’s whole record: versions, eligibility, assignments and scores, aggregate, status history (secretariat; approver with reviewers unnamed)',
  },
  { method: 'POST', path: '/cases/{caseId}/corrections', auth: 'jwt', fn: 'api', summary: 'Correct a published case (secretariat)' },
  { method: 'POST', path: '/cases/{caseId}/withdraw', auth: 'jwt', fn: 'api', summary: 'Withdraw a case (secretariat)' },
  {
    method: 'POST',
    path: '/cases/{caseId}/reviewers/{reviewerId}/replace',
    auth: 'jwt',
    fn: 'api',
    summary: 'Replace a missing reviewer (secretariat)',
  },
  { method: 'GET', path: '/tasks', auth: 'jwt', fn: 'api', summary: 'My open approval steps' },
  { method: 'GET', path: '/tasks/{taskId}', auth: 'jwt', fn: 'api', summary: 'One approval step, if it is mine' },
  {
    method: 'POST',
    path: '/tasks/{taskId}/decision',
    auth: 'jwt',
    fn: 'decide',
    summary: 'Decide an approval step: eligibility, scores, approval, objection ruling',
  },
  {
    method: 'POST',
    path: '/rounds/{roundId}/objections',
    auth: 'public',
    fn: 'api',
    summary: 'File an objection during the public-notice period',
    form: true,
  },
  { method: 'GET', path: '/rounds/{roundId}/objections', auth: 'jwt', fn: 'api', summary: 'Objections of a round (secretariat, approver)' },
  { method: 'GET', path: '/outbox', auth: 'jwt', fn: 'api', summary: 'Notifications waiting to be released (secretariat)' },
  {
    method: 'POST',
    path: '/outbox/{notificationId}/release',
    auth: 'jwt',
    fn: 'api',
    summary: 'Release (send) a notification (secretariat)',
  },
  {
    method: 'GET',
    path: '/rounds/{roundId}/export',
    auth: 'jwt',
    fn: 'api',
    summary:
      'An approved round for the office: announcement, annex and score sheet as JSON, or ?format=docx (the announcement as Word) or ?format=xlsx (the score sheet as Excel) (secretariat, approver)',
  },
  { method: 'GET', path: '/rounds/{roundId}/audit', auth: 'jwt', fn: 'api', summary: 'The audit trail as JSON lines (secretariat)' },
  {
    method: 'GET',
    path: '/rounds/{roundId}/audit/verify',
    auth: 'jwt',
    fn: 'api',
    summary: 'Recompute the hash chain; name the first broken link (secretariat)',
  },
  { method: 'GET', path: '/users', auth: 'jwt', fn: 'api', summary: 'The accounts of the user directory (secretariat)' },
  {
    method: 'POST',
    path: '/users/import',
    auth: 'jwt',
    fn: 'api',
    summary: 'Import accounts from a CSV or .xlsx file, a window of rows per call; dryRun plans only (secretariat)',
  },
  {
    method: 'POST',
    path: '/users/{username}/disable',
    auth: 'jwt',
    fn: 'api',
    summary: 'Disable an account: it can no longer sign in (secretariat)',
  },
  { method: 'POST', path: '/users/{username}/enable', auth: 'jwt', fn: 'api', summary: 'Enable a disabled account again (secretariat)' },
  {
    method: 'POST',
    path: '/users/{username}/resend-invite',
    auth: 'jwt',
    fn: 'api',
    summary: 'Send the invitation again with a fresh temporary password (secretariat)',
  },
];
