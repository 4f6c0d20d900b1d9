/**
 * jest's default runner, with one lane more: test files of the projects named in the runner's
 * `oneFileAtATime` option (e2e and browser, which each boot a local cloud or a browser) run one at
 * a time in a worker of their own, while the other projects' files share the remaining workers,
 * all at the same time. That is vitest's `fileParallelism: false` per project; jest itself only
 * knows a global `maxWorkers` (or --runInBand for everything). With --runInBand, or when jest
 * decides to run in band, both lanes run in this process, one after the other.
 */
'use strict';
const { default: TestRunner, EmittingTestRunner } = require('jest-runner');

class ProjectLanesRunner extends EmittingTestRunner {
  constructor(globalConfig, context, options = {}) {
    super(globalConfig, context, options);
    this.oneFileAtATime = new Set(options.oneFileAtATime ?? []);
    const shared = Math.max(1, globalConfig.maxWorkers - 1);
    this.sharedLane = new TestRunner(globalConfig, context);
    this.sharedLaneBeside = new TestRunner({ ...globalConfig, maxWorkers: shared }, context);
    this.singleLane = new TestRunner({ ...globalConfig, maxWorkers: 1 }, context);
  }

  isOneAtATime(test) {
    const name = test.context.config.displayName?.name;
    return name !== undefined && this.oneFileAtATime.has(name);
  }

  async runTests(tests, watcher, options) {
    const single = tests.filter((t) => this.isOneAtATime(t));
    const rest = tests.filter((t) => !this.isOneAtATime(t));
    if (options.serial) {
      if (rest.length) await this.sharedLane.runTests(rest, watcher, options);
      if (single.length) await this.singleLane.runTests(single, watcher, options);
      return;
    }
    // While a one-at-a-time file runs, the others keep maxWorkers - 1 workers: maxWorkers in all.
    const restLane = single.length ? this.sharedLaneBeside : this.sharedLane;
    await Promise.all([
      rest.length ? restLane.runTests(rest, watcher, options) : undefined,
      single.length ? this.singleLane.runTests(single, watcher, options) : undefined,
    ]);
  }

  on(eventName, listener) {
    const offs = [this.sharedLane, this.sharedLaneBeside, this.singleLane].map((lane) => lane.on(eventName, listener));
    return () => offs.forEach((off) => off());
  }
}

module.exports = ProjectLanesRunner;
