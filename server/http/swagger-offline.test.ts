// Swagger UI at /v1/swagger rendered a blank page offline: it loaded its script and styles from a
// CDN. This loads it in headless Chromium with every request to another host aborted.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { startServer, type RunningServer } from "../index";
import { launchChromium } from "../test-support/chromium";

let server: RunningServer;
let browser: Browser;

before(async () => {
  server = await startServer({ logLevel: "silent" });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("Swagger UI renders offline", async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  const elsewhere: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).hostname === "127.0.0.1") return route.continue();
    elsewhere.push(url);
    return route.abort("internetdisconnected");
  });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });

  await page.goto(`${server.url}/v1/swagger`);
  assert.deepEqual(elsewhere, [], "the page asked another host");
  await page.locator('.opblock-get .opblock-summary-path[data-path="/v1/deployments"]').waitFor();
  assert.deepEqual(problems, [], "errors in the page");
});
