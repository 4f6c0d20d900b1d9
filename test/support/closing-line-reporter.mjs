/**
 * Prints the plain closing line `tests: N passed, N failed[, N skipped]` after jest's own
 * summary, so that any reader of CI logs (people and tools that do not know jest's format) sees
 * the count of tests that ran. A test file that failed to run at all (it did not load, or threw
 * outside any test) counts as one failure, as do errors jest reports for the run as a whole.
 * Plain JavaScript: jest loads reporters without transforming them.
 */
export default class ClosingLineReporter {
  /**
   * @param {unknown} _contexts
   * @param {import('@jest/test-result').AggregatedResult} results
   */
  onRunComplete(_contexts, results) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const file of results.testResults) {
      let failedHere = 0;
      for (const test of file.testResults) {
        if (test.status === 'passed') passed += 1;
        else if (test.status === 'failed') failedHere += 1;
        else skipped += 1; // pending, skipped, todo, disabled, focused-out
      }
      if (failedHere === 0 && (file.testExecError || file.failureMessage)) failedHere = 1;
      failed += failedHere;
    }
    if (results.runExecError) failed += 1;
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }

  getLastError() {
    return undefined;
  }
}
