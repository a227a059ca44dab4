import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../support/browser";

const baseUrl = inject("baseUrl");
/** Written on every run (gitignored): the pages as a person sees them, to look at after a layout change. */
const screenshots = path.resolve(import.meta.dirname, "../../tmp/screenshots");
const widths = [
  { name: "small phone", width: 360, height: 740 },
  { name: "phone", width: 390, height: 844 },
  { name: "laptop", width: 1366, height: 768 },
];
let browser: Browser | undefined;
let personPath = "";

beforeAll(async () => {
  browser = await launchBrowser();
  fs.mkdirSync(screenshots, { recursive: true });
  // A maintainer's page: its id depends on the demo's insertion order, so it is read from a link.
  const { page } = await openPage(browser, `${baseUrl}/stages/middle-end`);
  personPath = new URL((await page.locator("article.maintainer h3 a").first().getAttribute("href")) ?? "/", baseUrl)
    .pathname;
  await page.close();
});
afterAll(async () => {
  await browser?.close();
});

const pages = [
  { name: "dashboard", path: () => "/" },
  { name: "stage", path: () => "/stages/middle-end" },
  { name: "stage-frontend", path: () => "/stages/frontend" },
  { name: "person", path: () => personPath },
  { name: "contributions", path: () => "/contributions" },
  { name: "tasks", path: () => "/tasks" },
  { name: "planning", path: () => "/planning" },
  { name: "onboarding", path: () => "/onboarding" },
  { name: "not-found", path: () => "/no-such-page", status: 404 },
];

/** Serious and critical axe-core findings, one line each, naming the rule and the elements. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe.each(widths)("every page at $width px ($name)", ({ name: widthName, width, height }) => {
  it.each(pages)(
    "$name fits the screen, logs no error and passes axe-core",
    async ({ name, path: pagePath, status }) => {
      if (!browser) throw new Error("the browser did not start");
      const { page, problems } = await openPage(browser, `${baseUrl}${pagePath()}`, { width, height });
      await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await page.screenshot({ path: path.join(screenshots, `${name}-${width}.png`), fullPage: true });
      expect(overflow, `${name} scrolls sideways at ${width} px (${widthName})`).toBeLessThanOrEqual(0);
      expect(await accessibilityProblems(page)).toEqual([]);
      // The browser itself reports an error page's status; nothing else may go wrong.
      expect(problems.filter((p) => !(status && p.includes(`status of ${status}`)))).toEqual([]);
      // The first Tab reaches the skip link, which leads past the header.
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
      await page.close();
    },
  );
});

describe("charts a person can read", () => {
  it("labels the axes, names the goal, writes the latest value and reaches each month by keyboard", async () => {
    if (!browser) throw new Error("the browser did not start");
    const { page, problems } = await openPage(browser, `${baseUrl}/stages/middle-end`, { width: 390, height: 844 });
    const chart = page.locator("figure.trend-chart").first();
    expect(await chart.locator(".y-label").textContent()).toBe("Active maintainers");
    expect(await chart.locator(".chart-legend").textContent()).toContain("goal: 2");
    // Whole numbers from 0, none skipped.
    const ticks = await chart.locator(".y-tick").allTextContents();
    expect(ticks.map(Number)).toEqual(ticks.map((_, k) => k));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(await chart.locator(".latest").textContent()).toMatch(/^\d+$/);
    // Text keeps a readable size on a phone, and the last month is not cut off at the right edge.
    const fontSize = await chart
      .locator(".month")
      .first()
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(11);
    const lastMonth = await chart.locator(".month.last").boundingBox();
    const figure = await chart.boundingBox();
    expect(lastMonth && figure && lastMonth.x + lastMonth.width <= figure.x + figure.width).toBe(true);
    // Every month with data is a focusable point saying its value.
    const point = chart.locator(".point").last();
    expect(await point.getAttribute("tabindex")).toBe("0");
    expect(await point.getAttribute("aria-label")).toMatch(/^[A-Z][a-z]{2} \d{2}: \d+$/);
    // The demo's middle-end grew from one maintainer to four: the months it grew say who joined.
    expect(await chart.locator(".point.changed").first().getAttribute("aria-label")).toMatch(/: \d+; joined: \w/);
    expect(await chart.locator(".trend-changes li").first().textContent()).toMatch(/^[A-Z][a-z]{2} \d{2} joined: \w/);

    // The person page's chart says what it counts.
    await page.goto(`${baseUrl}${personPath}`);
    expect(await page.locator("figure.trend-chart .y-label").first().textContent()).toBe("Credited contributions");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("gives planning bars their units, and keeps bars drawn on a phone", async () => {
    if (!browser) throw new Error("the browser did not start");
    const { page, problems } = await openPage(browser, `${baseUrl}/planning`, { width: 390, height: 844 });
    const frontend = page.locator('section.plan[data-stage="frontend"]');
    expect(await frontend.locator(".bar-list").first().locator(".bar-value").first().textContent()).toMatch(
      /^\d+ days left$/,
    );
    expect(await frontend.locator(".bar-list").nth(1).locator(".bar-value").first().textContent()).toMatch(
      /^[\d.]+ credit$/,
    );
    const bar = await frontend.locator(".bar-fill").first().boundingBox();
    expect(bar?.width).toBeGreaterThan(10);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("caps a long list with 'and N more'", async () => {
    if (!browser) throw new Error("the browser did not start");
    // A year's window gives the demo's middle-end maintainers more credited work than a card lists.
    const { page, problems } = await openPage(browser, `${baseUrl}/stages/middle-end?window=365`);
    const more = await page.locator(".and-more").allTextContents();
    expect(more.length).toBeGreaterThan(0);
    expect(more.every((text) => /^and \d+ more\b/.test(text))).toBe(true);
    expect(await page.locator(".and-more a").first().getAttribute("href")).toMatch(/^\/contributions\?/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
