import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import type { Reporter, TestCase, TestModule } from "vitest/node";

/** One test that failed at first and passed when it was run again. */
export interface FlakyTest {
  /** The test file, relative to the repository. */
  file: string;
  /** The test's name with its describe blocks, joined by " › ". */
  name: string;
  /** How many times it was run again before it passed. */
  retries: number;
}

/**
 * Integration tests are run again once when they fail (vitest.config.ts `retry`): real servers and
 * processes on a loaded 2-core machine give the odd timing failure, and one of those should not fail
 * CI. A test that needed the second run is still a finding, so this reporter lists each one at the end of
 * the run and writes them to `test-results/flaky.json`, where CI's summary reads them.
 */
export default class FlakyReporter implements Reporter {
  private readonly flaky: FlakyTest[] = [];

  /** Where the list is written, relative to the working directory. */
  private readonly outputFile: string;

  /** `outputFile` defaults to `test-results/flaky.json`. */
  constructor(options: { outputFile?: string } = {}) {
    this.outputFile = options.outputFile ?? "test-results/flaky.json";
  }

  onTestCaseResult(testCase: TestCase): void {
    const diagnostic = testCase.diagnostic();
    if (testCase.result().state === "passed" && diagnostic?.flaky) {
      this.flaky.push({
        file: relative(process.cwd(), testCase.module.moduleId),
        name: testCase.fullName,
        retries: diagnostic.retryCount,
      });
    }
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>): void {
    mkdirSync(dirname(this.outputFile), { recursive: true });
    writeFileSync(this.outputFile, `${JSON.stringify(this.flaky, null, 2)}\n`);
    if (this.flaky.length === 0) {
      return;
    }
    const lines = this.flaky.map((test) => `  ${test.file} › ${test.name} (passed on run ${test.retries + 1})`);
    process.stdout.write(`\nFlaky: ${this.flaky.length} test(s) failed first and passed when run again:\n`);
    process.stdout.write(`${lines.join("\n")}\n`);
  }
}
