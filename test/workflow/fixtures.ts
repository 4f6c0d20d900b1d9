/** Builders for rounds and cases used by the workflow tests. */
import type { Charter, Round } from '../../src/domain/model';
import { workflowCharter } from '../support/charters';

export function testRound(roundId: string, status: Round['status'] = 'OPEN', charter: Charter = workflowCharter()): Round {
  return { roundId, charter, status, createdAt: '2026-01-01T00:00:00.000Z', openedAt: '2026-01-02T00:00:00.000Z' };
}
