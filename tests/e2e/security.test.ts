import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../support/browser";

const baseUrl = inject("baseUrl");
let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function expectSecurityHeaders(response: Response) {
  expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
  expect(response.headers.get("content-security-policy")).toMatch(/object-src 'none'|default-src 'none'/);
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
}

describe("headers and errors as served by remix-serve", () => {
  it("sends a page a nonce CSP whose nonce is the one on its inline scripts, fresh per response", async () => {
    const [first, second] = await Promise.all([
      fetch(`${baseUrl}/stages/middle-end`),
      fetch(`${baseUrl}/stages/middle-end`),
    ]);
    expectSecurityHeaders(first);
    const csp = first.headers.get("content-security-policy") ?? "";
    for (const directive of ["default-src 'none'", "base-uri 'self'", "form-action 'self'", "object-src 'none'"]) {
      expect(csp).toContain(directive);
    }
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    const html = await first.text();
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
    expect(inline.length).toBeGreaterThan(0);
    expect(inline.every((attributes) => attributes?.includes(`nonce="${nonce}"`))).toBe(true);
    expect(second.headers.get("content-security-policy")).not.toBe(csp);
  });

  it("sends the headers with error pages, data requests, the API and the webhook endpoint", async () => {
    const answers = await Promise.all([
      fetch(`${baseUrl}/stages/compiler`),
      fetch(`${baseUrl}/stages/middle-end.data`),
      fetch(`${baseUrl}/api/bus-factor`),
      fetch(`${baseUrl}/api/tasks?stage=nope`),
      fetch(`${baseUrl}/webhooks/github`, { method: "POST", body: "{}" }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([404, 200, 200, 404, 503]);
    for (const answer of answers) expectSecurityHeaders(answer);
  });

  it("answers unknown API paths and other methods in JSON, and a POST to a page in words", async () => {
    const unknown = await fetch(`${baseUrl}/api/nothing/here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: expect.stringContaining("There is no API endpoint /api/nothing/here"),
    });
    expectSecurityHeaders(unknown);

    const posted = await fetch(`${baseUrl}/api/bus-factor`, { method: "POST", body: "{}" });
    expect(posted.status).toBe(405);
    expect(posted.headers.get("allow")).toBe("GET, HEAD");
    expect(await posted.json()).toEqual({ error: expect.stringContaining("POST is not allowed here") });
    expectSecurityHeaders(posted);

    const page = await fetch(`${baseUrl}/planning`, { method: "POST", body: new URLSearchParams({ a: "b" }) });
    expect(page.status).toBe(405);
    expectSecurityHeaders(page);
    // What the page says (the scripts and preloads around it name every route for the client).
    const shown = /<main[\s\S]*<\/main>/.exec(await page.text())?.[0] ?? "";
    expect(shown).toContain("This page can only be read");
    expect(shown).not.toMatch(/routes\/|action/);
  });

  it("hydrates under the CSP: links navigate in the page, with no violation in the console", async () => {
    if (!browser) throw new Error("the browser did not start");
    const { page, problems } = await openPage(browser, `${baseUrl}/`);
    // A client-side navigation fetches the next page's data instead of a new document.
    const dataRequest = page.waitForRequest((request) => request.url().includes(".data"));
    await page.locator('article[data-stage="middle-end"] h2 a').click();
    await dataRequest;
    await page.waitForURL(/\/stages\/middle-end$/);
    await expect.poll(() => page.locator("h1").textContent()).toContain("Middle-end");
    expect(problems).toEqual([]);
    await page.close();
  });
});
