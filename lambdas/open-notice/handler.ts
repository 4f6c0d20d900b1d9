/** round-finalization task: start the public-notice period. */
import { workflowDeps } from '../../src/adapters/deps';
import { AuditRepository } from '../../src/store/audit';
import { RoundRepository } from '../../src/store/rounds';
import { openNotice } from '../../src/usecases/workflow/notice';
import type { RoundInput } from '../../src/usecases/workflow/check-round';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => {
  const rounds = new RoundRepository(table);
  return { rounds, audit: new AuditRepository(table, rounds) };
});

export const handler = async (event: RoundInput) => openNotice(deps(), event);
