import { defineConfig } from "vitest/config";

/**
 * Test projects: `unit` tests sit next to the code they test; `integration` tests (under test/) start
 * real servers, processes and databases and get longer timeouts.
 */
export default defineConfig({
  test: {
    // The default summary, and a list of the tests that passed only when run again (see `retry` below).
    reporters: ["default", "./test/support/flaky-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["control-plane/src/**/*.test.ts", "sdk/src/**/*.test.ts"],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration tests start servers and worker processes; on 2 cores, running a few files at a time
          // keeps timing-sensitive tests (leases, long polls) honest.
          maxWorkers: 2,
          // A failed integration test is run once more: real servers and processes on a loaded 2-core
          // machine give the odd timing failure. One that needed it is listed at the end of the run
          // (test/support/flaky-reporter.ts) and counted in CI's summary, so it is seen and fixed.
          retry: 1,
          // The Pulumi provider's built code runs as Node loads it, untransformed: Pulumi serializes
          // its functions from their source text, which must not name Vite's module-runner helpers.
          server: { deps: { external: [/\/provider\/dist\//] } },
        },
      },
    ],
  },
});
