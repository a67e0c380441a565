/**
 * `GET /metrics` against a real daemon: promtool accepts it, its values agree with `status --json`,
 * `canopy metrics` prints the same, and the TCP listener serves it behind the bearer token.
 */
import { afterEach, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { chmodSync } from "node:fs";
import { BUN, type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, waitFor } from "../helpers/net.ts";
import { requireTool } from "../helpers/system-tool.ts";

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
}, 60_000);

/** `name{labels} value` lines, keyed by the name and its labels as written; comments skipped. */
function parseSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

/** A service that crashes on its first `crashes` runs (counted in a file), then idles. */
const CRASH_THEN_IDLE = `import { existsSync, readFileSync, writeFileSync } from "node:fs";
const file = process.argv[2], crashes = Number(process.argv[3]);
const runs = existsSync(file) ? Number(readFileSync(file, "utf8")) + 1 : 1;
writeFileSync(file, String(runs));
console.error("run " + runs);
if (runs <= crashes) process.exit(1);
setInterval(() => {}, 1 << 30);
`;

test.skipIf(process.platform !== "linux")("/metrics passes promtool, matches status --json, and is served on the TCP listener with the token", async () => {
  const promtool = requireTool("promtool", "prometheus");
  const p = (project = tempProject());
  const port = freePort();
  const token = randomBytes(32).toString("hex");
  chmodSync(p.writeFile("control.token", `${token}\n`), 0o600);
  const flaky = p.writeFile("flaky.ts", CRASH_THEN_IDLE);
  p.writeConfig({
    control: { listen: `127.0.0.1:${port}`, token_file: "control.token" },
    services: {
      printer: p.printer(25),
      flaky: { cmd: [BUN, flaky, `${p.dir}/runs`, "2"], restart_delay: "10ms" },
      "off_2": { cmd: [BUN, flaky, `${p.dir}/never`, "0"], autostart: false },
    },
  });
  // Its exit code depends on whether flaky's crashes fall inside up's wait: what follows waits for the state itself.
  await p.cli(["up", "-d"]);
  const fetchMetrics = async () => (await fetch("http://canopy/metrics", { unix: p.socketPath })).text();
  // Settled: flaky running after its two crashes, and the printer's 25 lines counted.
  const text = await waitFor(async () => {
    const t = await fetchMetrics();
    const s = parseSamples(t);
    return s.get('canopy_service_up{service="flaky"}') === 1 &&
      s.get('canopy_service_restarts_total{service="flaky"}') === 2 &&
      // Each of flaky's three runs writes one stderr line.
      s.get('canopy_service_log_lines_total{service="flaky",stream="stderr"}') === 3 &&
      s.get('canopy_service_log_lines_total{service="printer",stream="stdout"}') === 25
      ? t
      : undefined;
  }, "flaky to run after two crashes, and every line to be counted");
  const doc = await p.status();

  const check = Bun.spawnSync([promtool, "check", "metrics"], { stdin: new TextEncoder().encode(text), stderr: "pipe", stdout: "pipe" });
  expect(`${check.stdout}${check.stderr}`.trim()).toBe("");
  expect(check.exitCode).toBe(0);

  const samples = parseSamples(text);
  for (const svc of doc.services) {
    const label = `{service="${svc.name}"}`;
    expect({
      name: svc.name,
      up: samples.get(`canopy_service_up${label}`),
      pid: samples.get(`canopy_service_pid${label}`),
      restarts: samples.get(`canopy_service_restarts_total${label}`),
      started: samples.get(`canopy_service_start_time_seconds${label}`),
      hasCpu: samples.has(`canopy_service_cpu_seconds_total${label}`),
      hasMemory: (samples.get(`canopy_service_memory_bytes${label}`) ?? 0) > 0,
    }).toEqual({
      name: svc.name,
      up: svc.pid === null ? 0 : 1,
      pid: svc.pid ?? undefined,
      restarts: svc.restarts,
      started: svc.pid === null || svc.started_at === null ? undefined : Date.parse(svc.started_at) / 1000,
      hasCpu: svc.pid !== null,
      hasMemory: svc.pid !== null,
    });
  }
  expect(doc.services.find((s) => s.name === "flaky")?.restarts).toBe(2);
  // status says "canopy 0.1.0 (3f2a9c1)"; the metric says the same in labels.
  const [, version, commit] = /^canopy (\S+) \((\S+)\)$/.exec(doc.daemon.version) ?? [];
  expect(samples.get(`canopy_daemon_build_info{version="${version}",commit="${commit}"}`)).toBe(1);
  expect(samples.get("canopy_daemon_pid")).toBe(doc.daemon.pid);
  expect(samples.get("canopy_daemon_start_time_seconds")).toBe(Date.parse(doc.daemon.started_at) / 1000);
  expect(samples.get("canopy_daemon_memory_bytes")).toBeGreaterThan(1024 * 1024);
  expect(samples.get("canopy_daemon_cpu_seconds_total")).toBeGreaterThan(0);

  // canopy metrics prints the same families.
  const cli = await p.cli(["metrics"]);
  expect(cli.code).toBe(0);
  expect(parseSamples(cli.stdout).get('canopy_service_up{service="printer"}')).toBe(1);

  // Over TCP: 401 without the token, the metrics with it.
  expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
  const tcp = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(tcp.status).toBe(200);
  expect(tcp.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  expect(parseSamples(await tcp.text()).get('canopy_service_restarts_total{service="flaky"}')).toBe(2);
}, 60_000);

test.skipIf(process.platform !== "linux")("CPU seconds of a busy service grow between scrapes and come from its whole group", async () => {
  const p = (project = tempProject());
  const busy = p.writeFile("busy.ts", "for (;;) {}\n");
  // The work happens in a grandchild under sh: counted too.
  p.writeConfig({ services: { busy: { cmd: `${BUN} ${busy} & wait` } } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const cpu = async () => parseSamples((await p.cli(["metrics"])).stdout).get('canopy_service_cpu_seconds_total{service="busy"}') ?? 0;
  const first = await waitFor(async () => {
    const v = await cpu();
    return v > 0.2 ? v : undefined;
  }, "the busy service to show CPU seconds");
  await waitFor(async () => (await cpu()) > first + 0.2, "the CPU seconds to grow");
}, 60_000);
