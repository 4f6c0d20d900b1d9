/** Status names for chart labels and tables (from the one labels module), and the order charts list them in. */
import type { CaseStatus } from '../model';
import { CASE_STATUSES } from '../model';

export { CASE_STATUS_ZH, SUBMISSION_STATUS_ZH } from '../labels';

/** The order cases move through: charts list statuses in it rather than by size. */
export const CASE_STATUS_ORDER: readonly CaseStatus[] = CASE_STATUSES;
