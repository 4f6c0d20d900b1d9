import { describe, expect, it } from '@jest/globals';
import { synthesize } from './support';

/**
 * Replaces what changes without a change of infrastructure: asset hashes and bundle paths, and
 * the state-machine definitions (the files are checked by state-machines.test.ts; a wording
 * change in a workflow should not churn this snapshot).
 */
export function normalise(template: unknown): unknown {
  const text = JSON.stringify(template)
    .replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '<hash>$1')
    .replace(/"aws:asset:path":"[^"]*"/g, '"aws:asset:path":"<asset>"');
  return JSON.parse(text, (key, value) => (key === 'DefinitionString' ? '<statemachines/*.asl.json>' : value));
}

describe('template snapshot', () => {
  it('matches the normalised template (review the diff, then `npm run test:infra -- test/infra/snapshot -u`)', () => {
    const { template } = synthesize();
    expect(normalise(template.toJSON())).toMatchSnapshot();
  });
});
