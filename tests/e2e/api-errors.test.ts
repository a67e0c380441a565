/** Errors through the real socket: unknown services, malformed requests, unknown routes, wrong methods, huge bodies; socket permissions. */
import { afterEach, expect, test } from "bun:test";
import { chmodSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function api(p: TempProject, path: string, method = "GET"): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://x${path}`, { method, unix: p.socketPath });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function expectError(r: { status: number; body: Record<string, unknown> }, status: number, type: string): void {
  expect(r.status).toBe(status);
  expect(r.body.error_type).toBe(type);
  expect(typeof r.body.error_description).toBe("string");
  expect((r.body.error_description as string).length).toBeGreaterThan(0);
}

test("unknown service, malformed request, unknown route and wrong method answer with error bodies", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { printer: p.printer(3) } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);

  const stop = await p.cli(["stop", "nope"]);
  expect(stop.code).toBe(1);
  expect(stop.stderr).toContain('no service named "nope"');
  expect(stop.stdout).toBe("");
  const status = await p.cli(["status", "nope"]);
  expect(status.code).toBe(1);
  expect(status.stderr).toContain('"nope"');

  const unknown = await api(p, "/v1/services/nope");
  expectError(unknown, 404, "unknown_service");
  expect(unknown.body.error_description).toContain("nope");
  expectError(await api(p, "/v1/services/nope/stop", "POST"), 404, "unknown_service");
  expectError(await api(p, "/v1/services/nope/logs"), 404, "unknown_service");

  expectError(await api(p, "/v1/services/printer/logs?tail=abc"), 400, "bad_request");
  expectError(await api(p, "/v1/logs?tail=-1"), 400, "bad_request");
  expectError(await api(p, "/v1/nothing-here"), 404, "not_found");
  expectError(await api(p, "/"), 404, "not_found");
  expectError(await api(p, "/v1/services", "POST"), 405, "method_not_allowed");
  expectError(await api(p, "/v1/services/printer/stop", "GET"), 405, "method_not_allowed");
  expectError(await api(p, "/v1/shutdown", "GET"), 405, "method_not_allowed");

  // Still alive and well after all that.
  const ok = await api(p, "/v1/services/printer");
  expect(ok.status).toBe(200);
  expect(ok.body.status).toBe("running");
}, 60_000);

// Regression: Bun answered a body over maxRequestBodySize itself, with a bare 413 and no JSON.
test("a 4 MiB POST is 413 payload_too_large with an error body, on the unix socket and on the TCP control listener", async () => {
  const p = (project = tempProject());
  const port = freePort();
  const token = "t0ken-for-the-body-test";
  chmodSync(p.writeFile("control.token", `${token}\n`), 0o600);
  p.writeConfig({ control: { listen: `127.0.0.1:${port}`, token_file: "control.token" }, services: { printer: p.printer(3) } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const before = await p.status();

  const body = new Uint8Array(4 * 1024 * 1024).fill(0x61);
  const post = async (via: "unix" | "tcp", path: string) => {
    const init = { method: "POST", body };
    const res =
      via === "unix"
        ? await fetch(`http://canopy${path}`, { ...init, unix: p.socketPath })
        : await fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  for (const via of ["unix", "tcp"] as const) {
    for (const path of ["/v1/services/printer/restart", "/v1/shutdown", "/v1/services", "/v1/nothing-here"]) {
      const r = await post(via, path);
      expect({ via, path, status: r.status, error_type: r.body.error_type }).toEqual({ via, path, status: 413, error_type: "payload_too_large" });
      expect(r.body.error_description).toContain("4194304 bytes");
    }
  }
  // Refused, never acted on: the same daemon and the same process.
  const after = await p.status();
  expect(after.daemon.pid).toBe(before.daemon.pid);
  expect(after.services[0]?.pid).toBe(before.services[0]?.pid as number);
}, 60_000);

test("the socket is 0600 in a 0700 directory, even under umask 000", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { printer: p.printer(1) } });
  const up = await p.cli(["up", "-d"], { umask: "000" });
  expect(up.code).toBe(0);
  expect(statSync(p.socketPath).isSocket()).toBe(true);
  expect(statSync(p.socketPath).mode & 0o777).toBe(0o600);
  expect(statSync(dirname(p.socketPath)).mode & 0o777).toBe(0o700);
}, 60_000);
