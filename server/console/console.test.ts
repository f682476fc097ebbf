// End-to-end tests of the web console in headless Chromium against a real reference server on
// loopback: what a person does with a mouse and keyboard, checked against what the API then says.
// Screenshots of every page (desktop and 360 px) go to test-output/console/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { sealSdlSecrets, type SdlSecretsContext } from "../../sdk";
import { startServer, type RunningServer } from "../index";
import { launchChromium } from "../test-support/chromium";
import { helloSdl } from "../test-support/http";

// Compiled to dist/server/console/; screenshots go to <repo>/test-output/console.
const SHOTS = resolve(__dirname, "..", "..", "..", "test-output", "console");
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

const SDL = helloSdl();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads of API answers

describe("web console in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let userKey: string;

  /** The API as any client sees it, to check what the console did. */
  async function api(method: string, path: string, key: string, body?: unknown) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
  }

  /** Whole-page screenshots, except while a modal is open: its backdrop only covers the viewport. */
  async function shot(name: string, fullPage = true) {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  }

  function usd(micro: number | string) {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(Number(micro) / 1e6);
  }

  async function expectNoHorizontalScroll() {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `page is ${width}px wide at ${PHONE.width}px: it scrolls sideways`);
  }

  /** Every input, textarea and button on the page has an accessible name (label, text or aria-label). */
  async function expectEveryControlLabelled() {
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>("input, textarea, select, button")]
        .filter((el) => el.offsetParent !== null)
        .filter((el) => {
          const labels = (el as HTMLInputElement).labels;
          const named =
            (labels && labels.length > 0) || el.getAttribute("aria-label") || el.textContent?.trim();
          return !named;
        })
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    assert.deepEqual(unlabelled, [], "controls without a label");
  }

  async function openProfileMenuWithKeyboard() {
    const account = page.getByRole("button", { name: "Account" });
    await account.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("link", { name: "API keys" }).waitFor();
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer({ logLevel: "silent", bidDelayMs: 100, startDelayMs: 200 });
    userKey = (await server.createUser("console@example.com", 100)).apiKey;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("serves the page under /console with a strict content security policy", async () => {
    const response = await fetch(`${server.url}/console/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(response.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${server.url}/console`);
    await page.getByRole("heading", { name: "Sign in to the Akash console" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/console/");
    assert.deepEqual(violations, []);
  });

  test("refuses a wrong key in plain words, then signs in with the keyboard", async () => {
    await shot("sign-in");
    await expectEveryControlLabelled();
    await page.getByLabel("API key").fill("ac.sk.local." + "0".repeat(64));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "That API key was not accepted" }).waitFor();

    await page.getByLabel("API key").fill("");
    await page.getByLabel("API key").focus();
    await page.keyboard.type(userKey);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Deployments", level: 1 }).waitFor();

    assert.equal(await page.getByTestId("balance").textContent(), "$100.00");
    assert.ok(!page.url().includes(userKey), "the key must never be in the URL");
    const storage = await page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: localStorage.length,
      cookies: document.cookie,
    }));
    assert.deepEqual(storage, { session: [userKey], local: 0, cookies: "" });
  });

  let newKey = "";
  let newKeyId = "";

  test("creates a key from the profile menu, refuses a past expiry and shows the key exactly once", async () => {
    await openProfileMenuWithKeyboard();
    await page.keyboard.press("Escape");
    await page.getByRole("link", { name: "API keys" }).waitFor({ state: "hidden" });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Account");

    await openProfileMenuWithKeyboard();
    await shot("profile-menu");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent),
      "API keys",
      "after navigation, focus is on the new page's heading",
    );
    await page
      .getByRole("cell", { name: /\*\*\*/ })
      .first()
      .waitFor();
    await expectEveryControlLabelled();
    const before = (await api("GET", "/v1/api-keys", userKey)).body.data.length;

    await page.getByLabel("Name", { exact: true }).fill("ci pipeline");
    await page.getByLabel("Expires (optional)").fill("2020-01-01T10:00");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByText("The expiry must be in the future.").waitFor();
    assert.equal(await page.getByLabel("Expires (optional)").getAttribute("aria-invalid"), "true");
    assert.equal((await api("GET", "/v1/api-keys", userKey)).body.data.length, before, "no key was created");

    const nextYear = new Date().getFullYear() + 1;
    await page.getByLabel("Expires (optional)").fill(`${nextYear}-06-30T12:00`);
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByText("you will not see this key again").waitFor();
    newKey = await page.getByLabel("New API key").inputValue();
    assert.match(newKey, /^ac\.sk\.[a-z0-9-]+\.[0-9a-f]{64}$/);

    await page.getByRole("button", { name: "Copy key" }).click();
    await page.getByText("Copied to the clipboard.").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), newKey);
    await shot("api-keys-new-key");

    await page.getByRole("button", { name: "Done, I have stored it" }).click();
    await page.getByRole("heading", { name: "Create a key" }).waitFor();
    const row = page.locator("tr", { hasText: "ci pipeline" });
    await row.waitFor();
    assert.equal(
      await page.content().then((html) => html.includes(newKey)),
      false,
      "the key is gone from the page",
    );
    assert.match((await row.locator("code").textContent()) ?? "", /\*\*\*/);
    assert.match(
      (await row.locator('td[data-label="Expires"]').textContent()) ?? "",
      new RegExp(`${nextYear}`),
    );
    newKeyId = (await row.getAttribute("data-key-id")) ?? "";

    await page.reload();
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await page.locator("tr", { hasText: "ci pipeline" }).waitFor();
    assert.equal(await page.content().then((html) => html.includes(newKey)), false, "not shown after reload");
    await shot("api-keys");
  });

  test("the new key works against the API", async () => {
    const listed = await api("GET", "/v1/api-keys", newKey);
    assert.equal(listed.status, 200);
    const mine = (listed.body.data as Json[]).find((k) => k.id === newKeyId);
    assert.equal(mine?.name, "ci pipeline");
    assert.ok(mine?.expiresAt, "the expiry was sent");
  });

  test("renames a key", async () => {
    await page.getByRole("button", { name: "Rename ci pipeline" }).click();
    const field = page.getByLabel("New name for “ci pipeline”");
    await field.fill("deploy bot");
    await field.press("Enter");
    await page.getByRole("status").filter({ hasText: "Renamed the key to “deploy bot”." }).waitFor();
    await page.locator("tr", { hasText: "deploy bot" }).waitFor();
    const got = await api("GET", `/v1/api-keys/${newKeyId}`, userKey);
    assert.equal(got.body.data.name, "deploy bot");
  });

  test("deletes a key only after confirmation; the deleted key then gets 401", async () => {
    await page.getByRole("button", { name: "Delete deploy bot" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete the key “deploy bot”?" });
    await dialog.waitFor();
    await shot("api-keys-delete-dialog", false);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    assert.equal((await api("GET", "/v1/api-keys", newKey)).status, 200, "Escape keeps the key");

    await page.getByRole("button", { name: "Delete deploy bot" }).click();
    await dialog.getByRole("button", { name: "Delete key" }).click();
    await page.getByRole("status").filter({ hasText: "Deleted the key “deploy bot”." }).waitFor();
    await page.locator("tr", { hasText: "deploy bot" }).waitFor({ state: "detached" });
    assert.equal((await api("GET", "/v1/api-keys", newKey)).status, 401);
  });

  let dseq = "";
  let uri = "";

  test("lists a deployment created through the API with its escrow, runway and service URI", async () => {
    ({ dseq, uri } = await deployThroughApi(api, userKey));
    await page.getByRole("link", { name: "Deployments", exact: true }).click();
    await page.getByRole("heading", { name: "Deployments", level: 1 }).waitFor();
    const card = page.locator(`[data-dseq="${dseq}"]`);
    await card.getByRole("link", { name: "web", exact: true }).waitFor();
    await card.getByText(dseq, { exact: true }).waitFor();
    await card.getByRole("link", { name: uri }).waitFor();

    const fresh = (await api("GET", `/v1/deployments/${dseq}`, userKey)).body.data;
    const escrowText = (await card.getByTestId("escrow").textContent()) ?? "";
    assertUsdClose(escrowText, escrowMicro(fresh));
    assert.match((await card.getByTestId("funded-until").textContent()) ?? "", /^about .*\(in /);
    assert.match((await card.textContent()) ?? "", new RegExp(fresh.leases[0].id.provider));
    assert.match((await card.textContent()) ?? "", /\$[\d,.]+ \/ month/);
    assert.equal(await card.getByRole("link", { name: uri }).getAttribute("href"), toHref(uri));
    await shot("deployments");
  });

  test("the detail shows logs and events, adds funds and closes after confirmation", async () => {
    await page.locator(`[data-dseq="${dseq}"]`).getByRole("link", { name: "web", exact: true }).click();
    await page.getByRole("heading", { name: "web", level: 1 }).waitFor();
    await page.getByText("No secrets.").waitFor();
    await page.getByRole("link", { name: uri }).waitFor();
    const logs = (await api("GET", `/v1/logs/${dseq}`, userKey)).body.data as Json[];
    const events = (await api("GET", `/v1/events/${dseq}`, userKey)).body.data as Json[];
    assert.ok(logs.length > 0 && events.length > 0, "the server reports logs and events");
    await page.getByText(events[0]?.message).first().waitFor();
    await page.getByText(logs[0]?.message).first().waitFor();
    await expectEveryControlLabelled();
    await shot("deployment-detail");

    const amount = page.getByLabel("Amount (US dollars)");
    await amount.fill("two dollars");
    await page.getByRole("button", { name: "Add funds" }).click();
    await page.getByText("Enter a plain amount in dollars").waitFor();

    const escrowBefore = escrowMicro((await api("GET", `/v1/deployments/${dseq}`, userKey)).body.data);
    const balanceBefore = (await api("GET", "/v1/balances", userKey)).body.data.balance as number;
    await amount.fill("2.50");
    await page.getByRole("button", { name: "Add funds" }).click();
    await page.getByRole("status").filter({ hasText: "Added $2.50." }).waitFor();
    const escrowAfter = escrowMicro((await api("GET", `/v1/deployments/${dseq}`, userKey)).body.data);
    const balanceAfter = (await api("GET", "/v1/balances", userKey)).body.data.balance as number;
    assert.equal(balanceBefore - balanceAfter, 2_500_000, "the credit paid for the deposit");
    assert.ok(
      escrowAfter - escrowBefore > 2_400_000,
      `escrow grew by ${escrowAfter - escrowBefore} micro-units`,
    );
    await page
      .getByTestId("balance")
      .filter({ hasText: usd(balanceAfter) })
      .waitFor();

    await page.getByRole("button", { name: "Close deployment" }).click();
    const dialog = page.getByRole("dialog", { name: `Close “web” (${dseq})?` });
    await dialog.waitFor();
    await shot("close-dialog", false);
    await dialog.getByRole("button", { name: "Keep it running" }).click();
    await dialog.waitFor({ state: "hidden" });
    assert.equal((await api("GET", `/v1/deployments/${dseq}`, userKey)).body.data.deployment.state, "active");

    await page.getByRole("button", { name: "Close deployment" }).click();
    await dialog.getByRole("button", { name: "Close deployment" }).click();
    await page.getByTestId("deployment-state").filter({ hasText: "closed" }).waitFor();
    assert.equal((await api("GET", `/v1/deployments/${dseq}`, userKey)).body.data.deployment.state, "closed");
    const refunded = (await api("GET", "/v1/balances", userKey)).body.data.balance as number;
    assert.ok(refunded > balanceAfter, "closing refunded the escrow");
    await page
      .getByTestId("balance")
      .filter({ hasText: usd(refunded) })
      .waitFor();
    await page.getByTestId("close-reason").filter({ hasText: "closed by its owner" }).waitFor();
  });

  test("names, the runtime left, secrets by name only, and the closed deployments view", async () => {
    const sdl = SDL.replace(
      "    image: nginx:1.25.3\n",
      '    image: nginx:1.25.3\n    env:\n      - "DB_PASSWORD=ac-secret://DB_PASSWORD"\n      - "MODE=production"\n',
    );
    const value = `console-secret-${Date.now()}`;
    const context = (await api("GET", "/v1/sdl-secrets-context", userKey)).body.data as SdlSecretsContext;
    const sealedSecrets = await sealSdlSecrets(context, { DB_PASSWORD: value }, { sdl });
    const { dseq: named } = await deployThroughApi(api, userKey, {
      sdl,
      name: "api-prod",
      runtimeLimitHours: 2,
      sealedSecrets,
    });

    await page.goto(`${server.url}/console/#/deployments`);
    const card = page.locator(`[data-dseq="${named}"]`);
    await card.getByRole("link", { name: "api-prod", exact: true }).waitFor();
    assert.match(
      (await card.getByTestId("runtime").textContent()) ?? "",
      /^2 h: (2 hours|1 hour|\d+ minutes) left/,
    );
    await card.getByRole("link", { name: "api-prod", exact: true }).click();
    await page.getByRole("heading", { name: "api-prod", level: 1 }).waitFor();
    await page.getByTestId("secret-names").getByText("DB_PASSWORD").waitFor();
    assert.match((await page.getByTestId("runtime").textContent()) ?? "", /left/);
    await shot("deployment-detail-secrets");
    assert.equal(
      await page.content().then((html) => html.includes(value)),
      false,
      "the value is never on the page",
    );

    await page.getByRole("link", { name: "← All deployments" }).click();
    await page.getByRole("link", { name: "Closed", exact: true }).click();
    await page
      .getByRole("link", { name: "Closed", exact: true })
      .and(page.locator('[aria-current="page"]'))
      .waitFor();
    const closedCard = page.locator(`[data-dseq="${dseq}"]`);
    await closedCard.getByTestId("close-reason").filter({ hasText: "closed by its owner" }).waitFor();
    assert.equal(
      await page.locator(`[data-dseq="${named}"]`).count(),
      0,
      "active ones are not in the archive",
    );
    await shot("deployments-closed");
    await page.getByRole("link", { name: "Active", exact: true }).click();
    await page.locator(`[data-dseq="${named}"]`).getByRole("link", { name: "api-prod", exact: true }).click();
    await page.getByRole("heading", { name: "api-prod", level: 1 }).waitFor();
  });

  test("every page is readable at 360 px without sideways scrolling", async () => {
    const { dseq: second } = await deployThroughApi(api, userKey);
    await page.setViewportSize(PHONE);
    try {
      await page.goto(`${server.url}/console/#/deployments`);
      await page.getByRole("heading", { name: "Deployments", level: 1 }).waitFor();
      await page.locator(`[data-dseq="${second}"] .uris a`).first().waitFor();
      await expectNoHorizontalScroll();
      await shot("phone-deployments");

      await page.goto(`${server.url}/console/#/deployments/${second}`);
      await page.getByText(second, { exact: true }).waitFor();
      await page.getByRole("heading", { name: "Events" }).waitFor();
      await expectNoHorizontalScroll();
      await shot("phone-deployment-detail");

      await page.goto(`${server.url}/console/#/keys`);
      await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
      await page
        .getByRole("cell", { name: /\*\*\*/ })
        .first()
        .waitFor();
      await expectNoHorizontalScroll();
      await shot("phone-api-keys");
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  test("signing out forgets the key; a key deleted elsewhere sends the user back to sign-in", async () => {
    await page.getByRole("button", { name: "Account" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You have signed out.").waitFor();
    assert.deepEqual(await page.evaluate(() => sessionStorage.length), 0);
    await page.setViewportSize(PHONE);
    await expectNoHorizontalScroll();
    await shot("phone-sign-in");
    await page.setViewportSize(DESKTOP);

    const created = await api("POST", "/v1/api-keys", userKey, { data: { name: "short-lived" } });
    const temporary = created.body.data.apiKey as string;
    await page.goto(`${server.url}/console/#/deployments`);
    await page.getByLabel("API key").fill(temporary);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Deployments", level: 1 }).waitFor();
    const refresh = page.getByRole("button", { name: "Refresh", exact: true });
    await refresh.waitFor(); // loading finished: the key is deleted between two page loads
    assert.equal((await api("DELETE", `/v1/api-keys/${created.body.data.id}`, userKey)).status, 204);
    await refresh.click();
    await page.getByText("The server no longer accepts your API key").waitFor();
    assert.deepEqual(await page.evaluate(() => sessionStorage.length), 0);
  });
});

/** What a script does with the API: create, wait for a bid, accept it, wait for the service URI. */
async function deployThroughApi(
  api: (method: string, path: string, key: string, body?: unknown) => Promise<{ status: number; body: Json }>,
  key: string,
  extra: Record<string, unknown> = {},
): Promise<{ dseq: string; uri: string }> {
  const created = await api("POST", "/v1/deployments", key, { data: { sdl: SDL, deposit: 5, ...extra } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { dseq, manifest } = created.body.data as { dseq: string; manifest: string };

  const bid = await poll(async () => {
    const bids = (await api("GET", `/v1/bids?dseq=${dseq}`, key)).body.data as Json[];
    return bids.find((b) => b.bid.state === "open")?.bid;
  }, "a bid");
  const { gseq, oseq, provider } = bid.id;
  const lease = await api("POST", "/v1/leases", key, { manifest, leases: [{ dseq, gseq, oseq, provider }] });
  assert.equal(lease.status, 200, JSON.stringify(lease.body));

  const uri = await poll(async () => {
    const d = (await api("GET", `/v1/deployments/${dseq}`, key)).body.data;
    const services = Object.values((d.leases[0]?.status?.services ?? {}) as Record<string, Json>);
    return services[0]?.uris?.[0] as string | undefined;
  }, "the service URI");
  return { dseq, uri };
}

async function poll<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after 20 s waiting for ${what}`);
}

function escrowMicro(deployment: Json): number {
  return (deployment.escrow_account.state.funds as Json[]).reduce((t, c) => t + Number(c.amount), 0);
}

/** The page shows dollars rounded to cents; the escrow keeps draining between the two reads. */
function assertUsdClose(shown: string, micro: number) {
  const dollars = Number(shown.replace(/[$,]/g, ""));
  assert.ok(Math.abs(dollars - micro / 1e6) <= 0.02, `page shows ${shown}, API says ${micro / 1e6} dollars`);
}

function toHref(uri: string): string {
  return /^https?:\/\//i.test(uri) ? uri : `http://${uri}`;
}
