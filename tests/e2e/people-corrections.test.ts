import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { todayUtc } from "../../app/stewardship/metrics";
import { startAppServer, type AppServer } from "../support/app-server";
import { launchBrowser, openPage } from "../support/browser";
import { generateRepository } from "../support/github-simulator/data";
import { startGitHubSimulator, type GitHubSimulator } from "../support/github-simulator/server";

// An app of its own, with sign-in through the GitHub simulator's OAuth pages; the shared one has none.
let browser: Browser | undefined;
let github: GitHubSimulator;
let app: AppServer;
let configDir: string;
const screenshots = path.resolve("tmp/screenshots");

beforeAll(async () => {
  github = await startGitHubSimulator({
    repository: generateRepository({ now: `${todayUtc()}T12:00:00Z`, pullRequests: 5 }),
    signInLogin: "steward-sam",
  });
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-e2e-config-"));
  const config = JSON.parse(fs.readFileSync(path.resolve("steward.config.json"), "utf8")) as Record<string, unknown>;
  fs.writeFileSync(
    path.join(configDir, "steward.config.json"),
    JSON.stringify({ ...config, stewards: ["steward-sam"] }),
  );
  app = await startAppServer({
    env: {
      STEWARD_CONFIG: path.join(configDir, "steward.config.json"),
      GITHUB_API_URL: github.url,
      GITHUB_CLIENT_ID: github.oauth.clientId,
      GITHUB_CLIENT_SECRET: github.oauth.clientSecret,
      SESSION_SECRET: "an-e2e-session-secret-that-is-long-enough-0123456789",
    },
  });
  browser = await launchBrowser();
  fs.mkdirSync(screenshots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await github?.close();
  fs.rmSync(configDir, { recursive: true, force: true });
});

describe("a steward correcting who is who", () => {
  it("merges two people on a person's page, sees one person, and undoes it", async () => {
    if (!browser) throw new Error("the browser did not start");
    const { page, problems } = await openPage(browser, `${app.baseUrl}/planning`);
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    // Back on the same address, so the URL cannot tell the signed-in page from the one before: its header can.
    await expect.poll(() => page.locator(".sign-in span").textContent()).toBe("@steward-sam");
    await page
      .getByRole("link", { name: /Tomasz Wren/ })
      .first()
      .click();
    await page.waitForURL(/\/people\/\d+/);
    const tomasz = page.url().replace(/#.*$/, "");

    const merge = page.locator("form[data-merge-form]");
    await merge.getByLabel("The other person (GitHub login or person id)").fill("mokafor");
    await merge.getByLabel("Why they are one person").fill("a demo of merging two people");
    await merge.getByRole("button", { name: "Merge" }).click();
    const correction = page.locator("[data-identity-corrections] li[data-correction]");
    await expect.poll(() => correction.textContent()).toContain("a demo of merging two people");
    expect(await merge.getByLabel("Why they are one person").inputValue()).toBe("");
    expect(await page.locator("h1").textContent()).toMatch(/Mira Okafor|Tomasz Wren/);
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.locator("#corrections").scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(screenshots, `person-corrections-${width}.png`), fullPage: true });
      await page
        .locator("[data-identity-corrections]")
        .screenshot({ path: path.join(screenshots, `person-corrections-section-${width}.png`) });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    }

    await correction.getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => correction.count()).toBe(0);
    await page.goto(tomasz);
    expect(await page.locator("h1").textContent()).toContain("Tomasz Wren");
    expect(problems).toEqual([]);
  });

  it("serves the API endpoints at their addresses", async () => {
    const listed = await fetch(`${app.baseUrl}/api/people/corrections`);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ corrections: [{ kind: "merge", undoneBy: "steward-sam" }] });
    const undo = await fetch(`${app.baseUrl}/api/people/corrections/1/undo`, { method: "POST" });
    expect(undo.status).toBe(401);
    for (const endpoint of ["merges", "splits"]) {
      expect((await fetch(`${app.baseUrl}/api/people/${endpoint}`, { method: "POST", body: "{}" })).status).toBe(401);
      expect((await fetch(`${app.baseUrl}/api/people/${endpoint}`)).status).toBe(405);
    }
    expect((await fetch(`${app.baseUrl}/people-corrections`, { redirect: "manual" })).status).toBe(302);
  });
});
