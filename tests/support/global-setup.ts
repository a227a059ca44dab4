import type { TestProject } from "vitest/node";
import { startAppServer, type AppServer } from "./app-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the browser tests find the app (http://127.0.0.1:<port>). */
    baseUrl: string;
  }
}

let server: AppServer | undefined;

/**
 * Serves the built app for the browser tests. Only when a browser test is part of the run, so
 * `vitest run tests/unit` stays instant.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.TZ = "UTC";
  const filters = project.vitest.config.filters ?? [];
  const wantsBrowser = filters.length === 0 || filters.some((f) => f.includes("e2e"));
  if (wantsBrowser) {
    server = await startAppServer();
    project.provide("baseUrl", server.baseUrl);
  } else {
    project.provide("baseUrl", "");
  }
  return async () => {
    await server?.stop();
  };
}
