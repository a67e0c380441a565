/**
 * The web dashboard end to end: a real daemon and real services, `canopy dashboard` as a real
 * process, and the page in Debian's headless Chromium. One page stays open across the tests,
 * as a user's would; each test waits on what the page shows, with a deadline.
 *
 * CANOPY_DASHBOARD_SCREENSHOT=1 writes the last test's screenshot to docs/dashboard.png.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { type Browser, launchBrowser } from "../helpers/browser.ts";
import { BUN, type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, LineReader, waitFor } from "../helpers/net.ts";
import { fixtures, serviceOf, waitForService } from "./orchestration-fixtures.ts";

const XSS = "<script>alert(1)</script>";
/** Prints a line with markup in it once, then one line a second. */
const CHATTY = `console.log("rendered as text: ${XSS} <img src=x onerror=alert(2)>");
let n = 0;
setInterval(() => console.log("tick " + ++n + " — GET /healthz 200"), 1000);
`;
/** Burns a little CPU and holds some memory, so the charts have something to draw. */
const BUSY = `const keep = Buffer.alloc(24 * 1024 * 1024, 1);
setInterval(() => { const end = Date.now() + 20 + 20 * Math.sin(Date.now() / 3000); while (Date.now() < end) {} keep[0]++; }, 200);
console.log("busy");
`;

let project: TempProject;
let dashboard: ReturnType<TempProject["spawn"]>;
let base: string;
let browser: Browser;
let page: Page;
let flag: string;
let webPort: number;
const dialogs: string[] = [];

beforeAll(async () => {
  project = tempProject();
  const f = fixtures(project);
  flag = join(project.dir, "db-may-start");
  const chatty = [BUN, project.writeFile("chatty.ts", CHATTY)];
  const busy = [BUN, project.writeFile("busy.ts", BUSY)];
  webPort = freePort();
  project.writeConfig({
    services: {
      web: { cmd: f.server, port: webPort, alive: { http: `http://127.0.0.1:${webPort}/livez`, interval: "5s" } },
      worker: { cmd: chatty },
      // A crash waits 30 s for its restart, so the page can be caught showing it.
      flaky: { cmd: busy, restart_delay: "30s" },
      // db exits at once until the flag exists, and gives up after one crash: api is blocked.
      db: { cmd: f.server, port: freePort(), env: { REQUIRE_FLAG: flag }, max_restarts: 1, restart_delay: "100ms" },
      api: { cmd: f.server, port: freePort(), depends_on: { db: { condition: "healthy" } } },
    },
  });
  await project.cli(["up", "-d"]);
  await waitForService(project, "api", (s) => s.status === "blocked", "blocked by db");

  dashboard = project.spawn(["dashboard", "--listen", "127.0.0.1:0"]);
  const url = await new LineReader(dashboard.stdout).next(30_000);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  base = url.slice(0, url.indexOf("/?token="));
  expect(base).not.toBe("http://127.0.0.1:0");

  browser = await launchBrowser();
  page = browser.page;
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (dashboard) {
    dashboard.kill("SIGINT");
    const code = await Promise.race([dashboard.exited, Bun.sleep(10_000).then(() => "hung")]);
    if (code === "hung") dashboard.kill("SIGKILL");
    expect(code).toBe(0);
  }
  await project?.cleanup();
}, 60_000);

const card = (name: string) => page.locator(`article.svc[data-service="${name}"]`);
const cardAttr = (name: string, attr: string) => card(name).getAttribute(attr, { timeout: 5000 });

test("the token leaves the address bar, and the page lists every service with its status, pid and WHY", async () => {
  expect(page.url()).toBe(`${base}/`);
  await waitFor(async () => (await page.locator("article.svc").count()) === 5, "five service cards", 30_000);
  expect(await page.locator("article.svc h3").allTextContents()).toEqual(["web", "worker", "flaky", "db", "api"]);
  const web = await waitForService(project, "web", (s) => s.status === "running", "running");
  await waitFor(async () => (await cardAttr("web", "data-pid")) === String(web.pid), "web's pid on the page");
  expect(await card("web").locator('[data-field="pid"]').textContent()).toBe(String(web.pid));
  expect(await card("web").locator(".badge").textContent()).toBe("running");
  expect(await card("web").locator('[data-field="ready"]').textContent()).toBe("yes");
  expect(await card("web").locator(".alive").textContent()).toBe(`alive: http :${webPort}/livez every 5s`);
  expect(await card("worker").locator(".alive").isHidden()).toBe(true);
  expect(await page.locator("#daemon").textContent()).toContain(project.configFile);
}, 60_000);

test("a dependent shows blocked while its dependency is down — card, WHY and graph — and starts by itself once the dependency is started from the page", async () => {
  await waitFor(async () => (await cardAttr("api", "data-status")) === "blocked", "api blocked on the page");
  expect(await card("api").locator(".why").textContent()).toContain("db");
  expect(await cardAttr("db", "data-status")).toBe("crashed");
  const node = page.locator('#graph [data-node="api"]');
  expect(await node.getAttribute("data-status")).toBe("blocked");
  expect(await node.getAttribute("class")).toContain("st-blocked");
  expect(await page.locator('#graph [data-edge="db->api"] text').textContent()).toBe("healthy");

  writeFileSync(flag, "");
  await card("db").locator('button[data-action="start"]').click();
  await waitFor(async () => (await cardAttr("api", "data-status")) === "running", "api running on the page once db is", 30_000);
  expect(await page.locator('#graph [data-node="api"]').getAttribute("data-status")).toBe("running");
  expect(await page.locator('#graph [data-node="db"]').getAttribute("data-status")).toBe("running");
}, 60_000);

test("clicking restart gives the service a new pid on the page, the daemon's new pid", async () => {
  const before = await serviceOf(project, "web");
  await card("web").locator('button[data-action="restart"]').click();
  const shown = await waitFor(async () => {
    const pid = await cardAttr("web", "data-pid");
    return pid !== "" && pid !== String(before.pid) && (await cardAttr("web", "data-status")) === "running" ? pid : undefined;
  }, "a new pid for web on the page");
  expect(shown).toBe(String((await serviceOf(project, "web")).pid));
}, 60_000);

test("a crash shows on the page within a second, with its exit in the timeline", async () => {
  const flaky = await waitForService(project, "flaky", (s) => s.status === "running" && s.pid !== null, "running");
  await waitFor(async () => (await cardAttr("flaky", "data-status")) === "running", "flaky running on the page");
  const killedAt = Date.now();
  process.kill(flaky.pid as number, "SIGKILL");
  await page.waitForSelector('article.svc[data-service="flaky"][data-status="restarting"]', { timeout: 10_000 });
  const latencyMs = Date.now() - killedAt;
  console.log(`dashboard: SIGKILL → "restarting" on the page in ${latencyMs} ms`);
  // The target is 1 s; the margin is for this shared, loaded machine, and the figure is printed.
  expect(latencyMs).toBeLessThan(1500);
  await card("flaky").click();
  const crash = page.locator("#timeline li[data-kind='crash']").first();
  await crash.waitFor({ timeout: 5000 });
  expect(await crash.textContent()).toContain("SIGKILL");
  expect(await page.locator("#timeline li[data-kind='restart']").first().textContent()).toMatch(/restart in (2[7-9]|3[0-3])\.\ds — killed by SIGKILL/);
  await card("flaky").click();
}, 60_000);

test("a log line carrying markup is shown as text: no element made of it, no script run", async () => {
  const line = page.locator("#log .line", { hasText: "rendered as text:" }).first();
  await page.selectOption("#log-service", "");
  await line.waitFor({ timeout: 20_000 });
  expect(await line.locator(".txt").textContent()).toBe(`rendered as text: ${XSS} <img src=x onerror=alert(2)>`);
  expect(await page.locator("#log script, #log img").count()).toBe(0);
  expect(dialogs).toEqual([]);
  // The filter narrows the view; clearing it brings everything back.
  await page.fill("#log-filter", "alert(1)");
  await waitFor(async () => (await page.locator("#log .line").count()) === 1, "one line left by the filter");
  await page.fill("#log-filter", "");
  await waitFor(async () => (await page.locator("#log .line").count()) > 1, "every line back");
}, 60_000);

test("stop asks first: cancel keeps the service, confirm stops it; start brings it back", async () => {
  const pid = await cardAttr("worker", "data-pid");
  await card("worker").locator('button[data-action="stop"]').click();
  await page.locator("dialog#confirm[open]").waitFor({ timeout: 5000 });
  await page.click("dialog#confirm button[value='cancel']");
  expect((await serviceOf(project, "worker")).status).toBe("running");
  expect(await cardAttr("worker", "data-pid")).toBe(pid);

  await card("worker").locator('button[data-action="stop"]').click();
  await page.click("#confirm-ok");
  await waitFor(async () => (await cardAttr("worker", "data-status")) === "stopped", "worker stopped on the page");
  expect((await serviceOf(project, "worker")).status).toBe("stopped");
  await card("worker").locator('button[data-action="start"]').click();
  await waitFor(async () => (await cardAttr("worker", "data-status")) === "running", "worker running again");
}, 60_000);

test("an error from the API is shown with its error_type (a reload of a broken config)", async () => {
  const good = await Bun.file(project.configFile).text();
  project.writeConfig("services:\n  web: { cmd: 42 }\n");
  try {
    await page.click("#reload");
    await page.locator("#banner:not([hidden])").waitFor({ timeout: 10_000 });
    expect(await page.locator("#banner-text").textContent()).toMatch(/^invalid_config: /);
  } finally {
    project.writeConfig(good);
  }
  await page.click("#banner-close");
}, 60_000);

test("without the token, or from a foreign Origin, the dashboard refuses (401/403, JSON) and nothing restarts", async () => {
  const pid = (await serviceOf(project, "web")).pid;
  const noToken = await fetch(`${base}/api/services`);
  expect({ status: noToken.status, body: await noToken.json() }).toEqual({
    status: 401,
    body: { error_type: "unauthorized", error_description: expect.any(String) },
  });
  const wrongToken = await fetch(`${base}/?token=not-the-token`, { redirect: "manual" });
  expect(wrongToken.status).toBe(401);
  const cookies = await browser.context.cookies(base);
  expect(cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite }))).toEqual([
    { name: `canopy_dashboard_${new URL(base).port}`, httpOnly: true, sameSite: "Strict" },
  ]);
  const cookie = `${cookies[0]?.name}=${cookies[0]?.value}`;
  for (const origin of ["http://evil.example", undefined]) {
    const res = await fetch(`${base}/v1/services/web/restart`, { method: "POST", headers: { cookie, ...(origin ? { origin } : {}) } });
    expect({ origin, status: res.status, body: await res.json() }).toEqual({
      origin,
      status: 403,
      body: { error_type: "forbidden", error_description: expect.any(String) },
    });
  }
  const noCookie = await fetch(`${base}/v1/services/web/restart`, { method: "POST", headers: { origin: base } });
  expect(noCookie.status).toBe(401);
  expect((await serviceOf(project, "web")).pid).toBe(pid);
  // The page itself cannot run inline script: the CSP says so.
  const res = await fetch(`${base}/`, { headers: { cookie } });
  expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
}, 60_000);

test("the page weighs under 150 KB with everything it loads, fits a phone's width and honours a dark scheme", async () => {
  const other = await browser.context.newPage();
  try {
    const sizes: Record<string, number> = {};
    other.on("response", async (r) => {
      if (r.headers()["content-type"]?.startsWith("text/event-stream")) return;
      sizes[new URL(r.url()).pathname] = (await r.body().catch(() => Buffer.alloc(0))).byteLength;
    });
    await other.setViewportSize({ width: 390, height: 844 });
    await other.emulateMedia({ colorScheme: "dark" });
    await other.goto(`${base}/`);
    await waitFor(async () => (await other.locator("article.svc").count()) === 5 && (await other.locator("#graph svg").count()) === 1, "the page drawn");
    await waitFor(() => Object.keys(sizes).length >= 9, "every asset and API answer loaded");
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.log(`dashboard: page weight ${total} bytes uncompressed (${JSON.stringify(sizes)})`);
    expect(total).toBeLessThan(150 * 1024);
    expect(await other.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    const background = await other.evaluate<string>("getComputedStyle(document.body).backgroundColor");
    const [r = 255, g = 255, b = 255] = (background.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(3 * 64);
  } finally {
    await other.close();
  }
}, 60_000);

test("the charts draw a sample a second, and the whole page makes a screenshot", async () => {
  // flaky waits 30 s after its crash: start it now, so the picture shows it at work.
  await card("flaky").locator('button[data-action="start"]').click();
  await waitFor(async () => (await cardAttr("flaky", "data-status")) === "running", "flaky running again");
  const from = Number(await cardAttr("flaky", "data-samples"));
  await waitFor(async () => Number(await cardAttr("flaky", "data-samples")) >= from + 12, "a dozen more samples in flaky's charts", 60_000);
  const line = await card("web").locator(".chart.cpu path.line").getAttribute("d");
  expect(line).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){11,}/);
  // For the picture: db broken again, so api shows blocked in its card and in the graph.
  rmSync(flag);
  await project.cli(["stop", "api", "db"]);
  await project.cli(["start", "api"]);
  await waitFor(async () => (await page.locator('#graph [data-node="api"]').getAttribute("data-status")) === "blocked", "api blocked again", 30_000);
  await page.selectOption("#log-service", "");
  await page.mouse.move(0, 0);
  const png = await page.screenshot({ fullPage: true });
  expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  if (process.env.CANOPY_DASHBOARD_SCREENSHOT === "1") writeFileSync(join(import.meta.dir, "..", "..", "docs", "dashboard.png"), png);
}, 90_000);

test("when the daemon stops the page says so, and when it is back the page is live again with the new pids", async () => {
  expect((await project.cli(["down"])).code).toBe(0);
  await waitFor(async () => (await page.locator("#conn").getAttribute("data-state")) === "down", "the page to see the daemon gone");
  await project.cli(["up", "-d"]);
  const web = await waitForService(project, "web", (s) => s.status === "running", "running under the new daemon");
  await waitFor(async () => (await page.locator("#conn").getAttribute("data-state")) === "live", "the page live again", 30_000);
  await waitFor(async () => (await cardAttr("web", "data-pid")) === String(web.pid), "web's new pid on the page");
  // And the live stream is the new daemon's: a crash shows without a reload of the page.
  const flaky = await waitForService(project, "flaky", (s) => s.status === "running" && s.pid !== null, "running");
  await waitFor(async () => (await cardAttr("flaky", "data-pid")) === String(flaky.pid), "flaky's new pid on the page");
  process.kill(flaky.pid as number, "SIGKILL");
  await page.waitForSelector('article.svc[data-service="flaky"][data-status="restarting"]', { timeout: 10_000 });
}, 90_000);
