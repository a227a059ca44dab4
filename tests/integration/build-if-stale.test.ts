import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildIsStale } from "../../scripts/build-if-stale";

// `npm start` builds the app only when build/index.js is stale; a project laid out in a temporary folder
// stands in for the checkout, with the modification times set by hand.
let root: string;
const hourAgo = new Date(Date.now() - 3_600_000);
const now = new Date();

function write(file: string, text: string, mtime: Date) {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text);
  fs.utimesSync(full, mtime, mtime);
}

/** A server build as Remix writes it: the build's mode is a variable the bundle exports. */
const serverBuild = (mode: string) =>
  `import * as x from "x";\nvar mode = "${mode}", assetsBuildDirectory = "public/build";\nexport { mode };\n`;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "steward-build-"));
  write("app/root.tsx", "export default function App() {}", hourAgo);
  fs.utimesSync(path.join(root, "app"), hourAgo, hourAgo);
  write("package.json", "{}", hourAgo);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("whether npm start must build first", () => {
  it("builds when there is no build", () => {
    expect(buildIsStale(root)).toBe(true);
  });

  it("keeps a production build newer than every source", () => {
    write("build/index.js", serverBuild("production"), now);
    expect(buildIsStale(root)).toBe(false);
  });

  it("builds again when a source changed after the build", () => {
    write("build/index.js", serverBuild("production"), hourAgo);
    write("app/routes/_index.tsx", "export default function Index() {}", now);
    expect(buildIsStale(root)).toBe(true);
  });

  it("builds again over the development build `npm run dev` left, however new", () => {
    write("build/index.js", serverBuild("development"), now);
    expect(buildIsStale(root)).toBe(true);
  });
});
