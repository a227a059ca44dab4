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
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await github?.close();
  fs.rmSync(configDir, { recursive: true, force: true });
});

describe("a steward planning mentoring", () => {
  it("signs in through GitHub, writes a plan with a starter task, sees it on the planning page, both people's pages and the tasks page, signs out", async () => {
    if (!browser) throw new Error("the browser did not start");
    const { page, problems } = await openPage(browser, `${app.baseUrl}/planning`);
    expect(await page.locator("form.plan-form").count()).toBe(0);
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    // Back on the same address, so the URL cannot tell the signed-in page from the one before: its header can.
    await expect.poll(() => page.locator(".sign-in span").textContent()).toBe("@steward-sam");

    const form = page.locator('[data-mentoring="middle-end"] > form.plan-form');
    await form.getByLabel("Mentor (GitHub login)").fill("mokafor");
    await form.getByLabel("Mentee (GitHub login)").fill("twren");
    await form.getByLabel("Aim", { exact: true }).fill("second maintainer of the middle-end by 2027-03-01");
    const picker = form.getByLabel("Starter tasks for the mentee (pick any)");
    const [taskKey] = await picker.selectOption({ index: 0 });
    const taskTitle = ((await picker.locator("option:checked").textContent()) ?? "")
      .replace(/ \(claimed\)$/, "")
      .replace(/`/g, "");
    await form.getByRole("button", { name: "Add a plan" }).click();
    const plan = page.locator('[data-mentoring="middle-end"] li[data-plan]');
    await expect.poll(() => plan.textContent()).toContain("second maintainer of the middle-end by 2027-03-01");
    await expect.poll(() => plan.locator(`[data-plan-task="${taskKey}"]`).textContent()).toContain(taskTitle);
    await expect
      .poll(() => plan.locator("[data-credit]").textContent())
      .toMatch(/Tomasz Wren's credit in the last 180 days: [\d.]+ of the 2 needed/);

    // Both people's pages show the plan and the task picked for the mentee.
    for (const name of [/Mira Okafor/, /Tomasz Wren/]) {
      await plan.getByRole("link", { name }).first().click();
      const onPerson = page.locator("[data-mentoring-plans]");
      await expect.poll(() => onPerson.textContent()).toContain("Middle-end");
      await expect.poll(() => onPerson.textContent()).toContain("second maintainer of the middle-end by 2027-03-01");
      await expect.poll(() => onPerson.locator(`[data-plan-task="${taskKey}"]`).count()).toBe(1);
      await page.goto(`${app.baseUrl}/planning`);
    }

    // The tasks page says who mentors the picked task.
    await page.goto(`${app.baseUrl}/tasks?state=all`);
    await expect
      .poll(() => page.locator(`[data-task="${taskKey}"] .task-mentoring`).textContent())
      .toBe("mentored: @mokafor with @twren");
    await page.goto(`${app.baseUrl}/planning`);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${app.baseUrl}/`, { waitUntil: "load" });
    await expect.poll(() => page.getByRole("link", { name: "Sign in with GitHub" }).count()).toBe(1);

    expect(problems).toEqual([]);

    const audit = await openPage(browser, `${app.baseUrl}/audit`);
    await audit.page.getByLabel("Stage").fill("middle-end");
    await audit.page.getByRole("button", { name: "Filter" }).click();
    await audit.page.waitForURL(/stage=middle-end/);
    await expect
      .poll(() => audit.page.locator("[data-audit] li").first().textContent())
      .toContain("@steward-sam: add mentoring plan");
    expect(audit.problems).toEqual([]);
  });
});

describe("a steward correcting a contribution's stages", () => {
  it("sets a contribution's stages on the contributions page, sees who set them and why, and undoes it", async () => {
    if (!browser) throw new Error("the browser did not start");
    const { page, problems } = await openPage(browser, `${app.baseUrl}/contributions`);
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    // Back on the same address, so the URL cannot tell the signed-in page from the one before: its header can.
    await expect.poll(() => page.locator(".sign-in span").textContent()).toBe("@steward-sam");
    const id = await page.locator("li.contribution").first().getAttribute("data-contribution");
    const item = page.locator(`li.contribution[data-contribution="${id}"]`);
    const label = await item.locator(".contribution-meta .stage-tag").allTextContents();
    const other = ["frontend", "middle-end", "backend"].find((s) => !label.includes(s)) ?? "backend";

    await item.locator("summary", { hasText: "Correct stages" }).click();
    const form = item.locator("form.correction-form");
    for (const stage of label) await form.locator(`input[value="${stage}"]`).uncheck();
    await form.locator(`input[value="${other}"]`).check();
    await form.getByLabel("Reason").fill("the change is in the other stage's files");
    await form.getByRole("button", { name: "Correct stages" }).click();
    await expect
      .poll(() => item.locator(".correction-note").textContent())
      .toContain("set by @steward-sam: the change is in the other stage's files");
    expect(await item.locator(".contribution-meta .stage-tag").allTextContents()).toEqual([other]);

    await item.getByRole("button", { name: "Undo correction" }).click();
    await expect.poll(() => item.locator(".correction-note").count()).toBe(0);
    expect(await item.locator(".contribution-meta .stage-tag").allTextContents()).toEqual(label);
    expect(problems).toEqual([]);
  });
});
