import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addDays } from "../../app/stewardship/metrics";
import { hostile } from "../support/app-server";
import { launchBrowser, openPage } from "../support/browser";

const baseUrl = inject("baseUrl");
// The demo's last day, as the server was seeded: a today of this test's could be the next day by now.
const demoAnchorDate = inject("demoAnchorDate");
let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function open(path: string) {
  if (!browser) throw new Error("the browser did not start");
  return openPage(browser, `${baseUrl}${path}`);
}

describe("a maintainer looking at the bus factor", () => {
  it("sees every stage against its goal on the dashboard, with the demo banner", async () => {
    const { page, problems } = await open("/");
    await expect.poll(() => page.locator("article.stage-card").count()).toBe(3);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Demo data");

    const middle = page.locator('article[data-stage="middle-end"]');
    expect(await middle.locator(".count strong").textContent()).toBe("4");
    expect(await middle.locator(".status-badge").textContent()).toBe("Goal met");
    expect(await middle.locator(".maintainers li").count()).toBe(4);

    const frontend = page.locator('article[data-stage="frontend"]');
    expect(await frontend.getAttribute("class")).toContain("status-at-risk");
    // The status is said once, by the badge; the count says how many.
    expect(await frontend.locator(".status-badge").textContent()).toBe("At risk: one below goal");
    expect(await frontend.locator(".status-text").count()).toBe(0);
    expect(await frontend.locator(".count strong").textContent()).toBe("1");
    expect(await frontend.locator(".maintainers").textContent()).toContain("Kai Lindqvist");

    // A drawn trend per stage, with the goal line.
    expect(await page.locator("figure.trend-chart svg .goal").count()).toBe(3);
    // The demo ends the day it was seeded: its range is stated, with no "old data" note and no month without data.
    expect(await page.locator(".coverage-range").textContent()).toMatch(
      new RegExp(`^Data from \\d{4}-\\d{2}-\\d{2} to ${demoAnchorDate}\\.$`),
    );
    expect(await page.locator(".coverage-note").count()).toBe(0);
    expect(await page.locator("figure.trend-chart .no-data").count()).toBe(0);
    expect(await page.locator(".page-footer").textContent()).toContain("Last import: demo data");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("drills into a stage and sees why each maintainer counts", async () => {
    const { page, problems } = await open("/");
    await page.locator('article[data-stage="middle-end"] h2 a').click();
    await page.waitForURL(/\/stages\/middle-end$/);
    await expect.poll(() => page.locator("h1").textContent()).toContain("Middle-end");
    const maintainers = page.locator("article.maintainer");
    expect(await maintainers.count()).toBe(4);
    // Evidence shared by all of a person's contributions is said once, their contributions folded below.
    const evidence = await maintainers.allTextContents();
    expect(evidence.join(" ")).toMatch(/middle-end files are \d+% of the changed lines/);
    expect(await maintainers.first().locator("details.credited").count()).toBe(1);
    expect(await page.locator("#files ~ .bar-list li").count()).toBeGreaterThan(0);
    // Starter tasks of the stage with the maintainers as mentors.
    expect(await page.locator("section[aria-labelledby=tasks] .task-mentors").first().textContent()).toContain(
      "Suggested mentors",
    );

    // On to a maintainer's own page.
    await maintainers.first().locator("h3 a").click();
    await page.waitForURL(/\/people\/\d+$/);
    await expect.poll(() => page.locator(".page-header").textContent()).toContain("Active maintainer of: Middle-end");
    expect(await page.locator("figure.trend-chart").count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("changes the as-of date with the form and sees the past", async () => {
    const { page, problems } = await open("/");
    // The demo's story is told from its anchor: 670 days before it, the middle-end had one maintainer.
    const twoYearsAgo = addDays(demoAnchorDate, -670);
    await page.locator('input[name="asOf"]').fill(twoYearsAgo);
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(new RegExp(`asOf=${twoYearsAgo}`));
    await expect.poll(() => page.locator('article[data-stage="middle-end"] .count strong').textContent()).toBe("1");

    // The day and the rule stay on every link: to the stage, on to a person, and in the header.
    const kept = `asOf=${twoYearsAgo}&window=180&min=2`;
    await page.locator('article[data-stage="middle-end"] h2 a').click();
    await page.waitForURL(new RegExp(`/stages/middle-end\\?${kept}$`));
    await page.locator("article.maintainer h3 a").first().click();
    await page.waitForURL(new RegExp(`/people/\\d+\\?${kept}$`));
    await expect.poll(() => page.locator(".page-header").textContent()).toContain(`as of ${twoYearsAgo}`);
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const name of ["Dashboard", "Starter tasks", "Planning", "Contributions"]) {
      expect(await nav.getByRole("link", { name }).getAttribute("href")).toMatch(new RegExp(`\\?${kept}$`));
    }
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("a maintainer planning the next maintainers", () => {
  it("sees who lapses when, what one departure does, and who is closest, stage by stage", async () => {
    const { page, problems } = await open("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Planning" }).click();
    await page.waitForURL(/\/planning$/);
    await expect.poll(() => page.locator("section.plan").count()).toBe(3);

    const frontend = page.locator('section.plan[data-stage="frontend"]');
    expect(await frontend.locator(".plan-summary").textContent()).toMatch(/^1 more maintainer wanted to reach 2/);
    expect(await frontend.locator(".departures li").first().textContent()).toBe(
      "If Kai Lindqvist @klindqvist stepped away, the stage would miss its goal.",
    );
    // Drawn: days each maintainer still counts, and the candidates' credit against the rule.
    expect(await frontend.locator(".bar-list").count()).toBe(2);
    expect(await frontend.locator("[data-candidate]").count()).toBeGreaterThan(0);

    const middle = page.locator('section.plan[data-stage="middle-end"]');
    // Departures that change nothing are said once for everyone, not once per maintainer.
    expect(await middle.locator(".departures li").count()).toBe(1);
    expect(await middle.locator(".departures li").textContent()).toMatch(
      /^Any one of .+ could step away and the goal would still be met\.$/,
    );
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("a maintainer asking whether the starter track works", () => {
  it("opens Onboarding from the navigation and reads the funnel, the cohorts and the refcount track", async () => {
    const { page, problems } = await open("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Onboarding" }).click();
    await page.waitForURL(/\/onboarding$/);
    await expect.poll(() => page.locator(".onboarding-stage").count()).toBe(3);
    // The demo's middle-end: Mira and the three newcomers of the refcount track, each back and maintaining,
    // and Ana, who arrived last week with an open refcount PR and has not had time to come back yet.
    const middle = page.locator(".onboarding-stage", { has: page.locator("#stage-middle-end") });
    expect(await middle.locator(".bar-list .bar-value").allTextContents()).toEqual([
      "5 people",
      "5 people",
      "4 people",
      "4 people",
    ]);
    expect(await middle.locator(".cohort-group").count()).toBeGreaterThan(4);
    const track = page.locator('[data-track="gh-134584"]');
    expect(await track.locator(".track-summary").textContent()).toMatch(
      /^7 of 12 tasks taken up by 4 people; 3 newcomers, of whom 3 returned \(100%\) and 3 became maintainers\.$/,
    );
    await track.locator("details.taken-up summary").click();
    expect(await track.locator(".evidence-list li").first().textContent()).toContain("Tomasz Wren");
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("a newcomer looking for a starter task", () => {
  it("filters the tasks to free middle-end work and sees mentors", async () => {
    const { page, problems } = await open("/tasks");
    const all = await page.locator(".task").count();
    await page.locator('select[name="stage"]').selectOption("middle-end");
    await page.locator('select[name="state"]').selectOption("free");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/stage=middle-end&state=free/);
    await expect.poll(() => page.locator(".task").count()).toBeLessThan(all);
    const states = await page.locator(".task").evaluateAll((tasks) => tasks.map((t) => t.getAttribute("data-state")));
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(["free"]));
    expect(await page.locator('section[data-stage="middle-end"]').count()).toBe(1);
    expect(await page.locator('section[data-stage="frontend"]').count()).toBe(0);
    expect(await page.getByTestId("task-count").textContent()).toBe(`${states.length} tasks`);
    expect(await page.locator(".task-mentors").first().textContent()).toContain("Mira Okafor");
    // What to do next: how to claim, and where in the code the uop is.
    const free = page.locator(".task").first();
    expect(await free.locator(".task-claim").textContent()).toMatch(/comment on gh-\d+ naming this item/);
    expect(await free.locator(".task-code a").first().getAttribute("href")).toBe(
      "https://github.com/python/cpython/blob/main/Python/bytecodes.c",
    );
    expect(await free.locator("a[href*='#:~:text=']").count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("safety and errors", () => {
  it("shows contributor-written titles and names as text, never as markup", async () => {
    // The hostile contribution is no JIT work: /contributions shows JIT work unless asked for all.
    const { page, problems } = await open("/contributions?pr=999999&stage=all");
    const first = page.locator("li.contribution").first();
    expect(await first.locator(".title").textContent()).toBe(hostile.title);
    expect(await first.locator(".person-link").first().textContent()).toBe(hostile.name);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator("li.contribution img").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("answers a bad parameter with a 400 page that says what to fix", async () => {
    const { page, problems } = await open("/?asOf=2026-02-30");
    expect(await page.locator("h1").textContent()).toBe("400 · That request needs fixing");
    expect(await page.locator(".error-message").textContent()).toContain(
      "asOf must be a calendar date written YYYY-MM-DD",
    );
    // The header leads back to a working page, not to the bad date again.
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "Dashboard" }).getAttribute("href")).toBe("/");
    // The browser itself reports the 400 document; nothing else may go wrong.
    expect(problems.filter((p) => !p.includes("status of 400"))).toEqual([]);
    await page.close();
  });

  it("answers an unknown stage with a 404 page", async () => {
    const { page } = await open("/stages/compiler");
    expect(await page.locator("h1").textContent()).toBe("404 · Not found");
    expect(await page.locator(".error-message").textContent()).toContain('There is no stage "compiler"');
    // The stages and the ways onward are links, not a developer's message.
    expect(
      await page.locator(".stage-links a").evaluateAll((links) => links.map((a) => a.getAttribute("href"))),
    ).toEqual(["/stages/frontend", "/stages/middle-end", "/stages/backend"]);
    expect(await page.locator(".onward a").count()).toBe(3);
    await page.close();
  });

  it("answers an unknown address with a 404 in words and links onward", async () => {
    const { page } = await open("/no/such/page");
    expect(await page.locator("h1").textContent()).toBe("404 · Not found");
    expect(await page.locator(".error-message").textContent()).toBe(
      "There is no page at this address. It may have moved, or the link may have a typo.",
    );
    expect(await page.locator(".onward a").evaluateAll((links) => links.map((a) => a.getAttribute("href")))).toEqual([
      "/",
      "/tasks",
      "/how-steward-counts",
    ]);
    await page.close();
  });
});
