import path from "node:path";
import type { TestProject } from "vitest/node";
import { startAppServer, type AppServer } from "./app-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the browser tests find the app (http://127.0.0.1:<port>). */
    baseUrl: string;
    /**
     * The day the app's demo data ends (the day the server was set up). Tests compare with it, not with a
     * today of their own: the run may cross midnight UTC after the demo was seeded.
     */
    demoAnchorDate: string;
  }
}

/** The browser tests drive the built app; every other test calls loaders and models directly. */
const browserTests = path.resolve(import.meta.dirname, "../e2e") + path.sep;

const needsAppServer = (testFiles: string[]) => testFiles.some((file) => file.startsWith(browserTests));

let server: AppServer | undefined;

/**
 * Serves the built app only when a browser test is part of the run, so `vitest run tests/unit` builds
 * and starts nothing. Vitest 4 collects the run's test files into `vitest.state` before it calls the
 * global setup (the CLI's file filters are no longer in `config.filters`); a watch-mode rerun that
 * brings in a browser test starts the server then.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.TZ = "UTC";
  project.provide("baseUrl", "");
  project.provide("demoAnchorDate", "");
  const startIfNeeded = async (testFiles: string[]) => {
    if (server || !needsAppServer(testFiles)) return;
    server = await startAppServer();
    project.provide("baseUrl", server.baseUrl);
    project.provide("demoAnchorDate", server.demoAnchorDate);
  };
  await startIfNeeded(project.vitest.state.getPaths());
  project.onTestsRerun((specifications) => startIfNeeded(specifications.map((spec) => spec.moduleId)));
  return async () => {
    await server?.stop();
    server = undefined;
  };
}
