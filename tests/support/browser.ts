import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium; playwright-core never downloads a browser. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Chromium with a fresh temporary profile (playwright makes one per launch). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // No background traffic: this machine has no network and Chromium should not try.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A page that records console errors, page errors and failed requests; tests assert there are none. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport?: { width: number; height: number },
): Promise<{ page: Page; problems: string[] }> {
  // A context of its own (closed with the page): axe-core's AxeBuilder refuses pages from browser.newPage().
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  // When the browser itself closes, the context is gone already: nothing is left to close.
  page.on("close", () => void context.close().catch(() => undefined));
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console.error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText ?? "";
    // A navigation cancels the old page's requests still in flight (its favicon, a prefetch): the browser
    // says ERR_ABORTED, which is not the app failing. A refused or failed request still counts.
    if (reason === "net::ERR_ABORTED" && !request.isNavigationRequest()) return;
    problems.push(`request failed: ${request.url()} ${reason}`);
  });
  await page.goto(url);
  return { page, problems };
}
