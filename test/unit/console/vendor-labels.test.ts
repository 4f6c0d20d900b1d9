/**
 * console/vendor/labels.js is generated (scripts/vendor-labels.ts) from src/domain/labels.ts, the
 * one table of role, status and task-kind names. The committed file must be exactly what a fresh
 * build gives, so the console shows the words the site, the dashboard and the API use.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from '@jest/globals';
import { expect } from '../../support/expect';
import { VENDORED_LABELS } from '../../../scripts/vendor-labels';
import * as labels from '../../../src/domain/labels';

describe('console/vendor/labels.js', () => {
  it('holds the same tables as the module, with no import of its own (the console has no bundler)', async () => {
    const text = readFileSync(VENDORED_LABELS, 'utf8');
    expect(text).not.toMatch(/^\s*import\s/m);
    const vendored = (await import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`)) as Record<string, unknown>;
    for (const name of ['ROLE_ZH', 'ROUND_STATUS_ZH', 'CASE_STATUS_ZH', 'SUBMISSION_STATUS_ZH', 'TASK_KIND_ZH'] as const) {
      expect(vendored[name], name).toEqual(labels[name]);
    }
  });

  it('is where the console takes its labels from, not a copy of its own', () => {
    const core = readFileSync('console/js/core.js', 'utf8');
    expect(core).toMatch(/export \{[^}]*ROLE_ZH[^}]*\} from '\.\.\/vendor\/labels\.js'/);
    for (const file of ['core.js', 'office.js', 'applicant.js', 'approver.js', 'accounts.js', 'reviewer.js', 'round-view.js']) {
      const source = readFileSync(`console/js/${file}`, 'utf8');
      expect(source, file).not.toMatch(/(const|let|var)\s+\w*_ZH\s*=\s*\{\s*(applicant|DRAFT|ELIGIBILITY|UPLOADED)\b/);
    }
  });
});
