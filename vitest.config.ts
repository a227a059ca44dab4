import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // expect.poll gives up after 1 s by default: too little for a browser test waiting on a form's round
    // trip (action, redirect, render) on a loaded 2-core CI machine. A poll ends as soon as it passes.
    expect: { poll: { timeout: 15_000 } },
    setupFiles: ["tests/support/fail-on-console-error.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    // The JSON report is what .ci/run counts for its closing "N passed, N failed" line.
    reporters: ["default", "json"],
    outputFile: { json: "tmp/vitest-report.json" },
  },
});
