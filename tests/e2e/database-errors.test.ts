import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIfStale } from "../../scripts/build-if-stale";
import { serveBuild, type ServedBuild } from "../support/app-server";

let dir: string;
let server: ServedBuild | undefined;
let baseUrl: string;

// The built app served over a file that is not a database, as someone pointing DATABASE_URL at the
// wrong file would run it.
beforeAll(async () => {
  buildIfStale();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-broken-"));
  const file = path.join(dir, "notes.sqlite");
  fs.writeFileSync(file, "These are my notes, not a database.\n".repeat(200));
  // Its error log (the unusable file, at every request) is what these tests provoke: not shown.
  server = await serveBuild({ DATABASE_URL: file }, { forwardErrors: false });
  baseUrl = server.baseUrl;
});

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a server whose database file is not a database", () => {
  it("answers pages with a 503 page naming the file", async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.status).toBe(503);
    const html = (await response.text()).replaceAll("<!-- -->", ""); // React's text separators
    expect(html).toContain("503 · Steward cannot answer right now");
    expect(html).toContain(`<p class="error-message">${path.join(dir, "notes.sqlite")} is not a SQLite database`);
  });

  it("answers the API with a 503 and the documented { error } shape", async () => {
    const response = await fetch(`${baseUrl}/api/bus-factor`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: expect.stringContaining("is not a SQLite database") });
  });
});
