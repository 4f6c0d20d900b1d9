/** Hourly schedule: remind whoever must act on approval steps past the charter's due time, and tell the office. */
import { defaultDeps } from '../../src/adapters/deps';
import { remindOverdue } from '../../src/usecases/workflow/remind-overdue';

// The scheduled event carries nothing the sweep needs: it reads "now" from the clock.
export const handler = async () => remindOverdue(defaultDeps());
