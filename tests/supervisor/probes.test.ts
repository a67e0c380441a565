/** Each probe kind once, against real things: a Bun.serve in the test, real commands, a real port. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { defaultPortListening, type ProbeContext, runProbe } from "../../src/supervisor/probes.ts";
import { pidsWithMarker } from "../helpers/net.ts";
import { freePort, waitFor } from "./helpers.ts";

function ctx(extra: Partial<ProbeContext> = {}): ProbeContext {
  return {
    timeoutMs: 1000,
    logMatched: () => false,
    notified: () => false,
    portListening: (port) => defaultPortListening(port),
    ...extra,
  };
}

let server: ReturnType<typeof Bun.serve>;
let base: string;

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === "/ok") return new Response("ok");
      if (path === "/created") return new Response("made", { status: 201 });
      if (path === "/unavailable") return new Response("warming up", { status: 503 });
      if (path === "/redirect") return Response.redirect(`${base}/ok`, 302);
      if (path === "/slow") {
        await Bun.sleep(2_000);
        return new Response("late");
      }
      return new Response("no", { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => {
  server.stop(true);
});

describe("http", () => {
  test("any 2xx passes", async () => {
    expect(await runProbe({ kind: "http", url: `${base}/ok` }, ctx())).toEqual({ ok: true, detail: "HTTP 200" });
    expect(await runProbe({ kind: "http", url: `${base}/created` }, ctx())).toEqual({ ok: true, detail: "HTTP 201" });
  });

  test("503 and 404 fail, naming the status and the URL", async () => {
    const r = await runProbe({ kind: "http", url: `${base}/unavailable` }, ctx());
    expect(r.ok).toBe(false);
    expect(r.detail).toContain("HTTP 503");
    expect(r.detail).toContain("/unavailable");
    expect((await runProbe({ kind: "http", url: `${base}/missing` }, ctx())).ok).toBe(false);
  });

  test("a redirect is not followed and does not count as healthy", async () => {
    const r = await runProbe({ kind: "http", url: `${base}/redirect` }, ctx());
    expect(r).toEqual({ ok: false, detail: `HTTP 302 from ${base}/redirect` });
  });

  test("no answer within the timeout fails without waiting for the answer", async () => {
    const started = performance.now();
    const r = await runProbe({ kind: "http", url: `${base}/slow` }, ctx({ timeoutMs: 200 }));
    expect(r.ok).toBe(false);
    expect(r.detail).toContain("no answer within 200ms");
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  test("nothing listening fails", async () => {
    const port = freePort();
    const r = await runProbe({ kind: "http", url: `http://127.0.0.1:${port}/` }, ctx());
    expect(r.ok).toBe(false);
    expect(r.detail).toContain(`127.0.0.1:${port}`);
  });
});

describe("exec", () => {
  test("exit 0 passes, exit 1 fails naming the code", async () => {
    expect(await runProbe({ kind: "exec", cmd: ["/bin/sh", "-c", "exit 0"] }, ctx())).toEqual({ ok: true, detail: "exit code 0" });
    expect(await runProbe({ kind: "exec", cmd: ["/bin/sh", "-c", "exit 1"] }, ctx())).toEqual({ ok: false, detail: "/bin/sh exited with code 1" });
  });

  test("runs in the service's cwd with its env", async () => {
    const ok = await runProbe(
      { kind: "exec", cmd: ["/bin/sh", "-c", 'test "$(pwd)" = /tmp && test "$PROBE_VAR" = yes'] },
      ctx({ cwd: "/tmp", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PROBE_VAR: "yes" } }),
    );
    expect(ok.ok).toBe(true);
  });

  test("a check that outlives its timeout is killed (its whole group) and fails as timed out", async () => {
    const started = performance.now();
    const marker = `5.${process.pid}`;
    const r = await runProbe({ kind: "exec", cmd: ["/bin/sh", "-c", `sleep ${marker} & wait`] }, ctx({ timeoutMs: 200 }));
    expect(r).toEqual({ ok: false, detail: "/bin/sh timed out after 200ms" });
    expect(performance.now() - started).toBeLessThan(3_000);
    // The backgrounded sleep went with it.
    await waitFor(() => pidsWithMarker(marker).length === 0, "the check's grandchild to be gone", 5_000);
  });

  test("a command that cannot be run fails instead of throwing", async () => {
    const r = await runProbe({ kind: "exec", cmd: ["/nonexistent/canopy-probe"] }, ctx());
    expect(r.ok).toBe(false);
  });
});

describe("tcp", () => {
  test("passes while something accepts on the port, fails once it stops", async () => {
    const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = listener.port;
    expect(await runProbe({ kind: "tcp", port }, ctx())).toEqual({ ok: true, detail: "accepting" });
    listener.stop(true);
    const r = await runProbe({ kind: "tcp", port }, ctx());
    expect(r.ok).toBe(false);
    expect(r.detail).toContain(String(port));
  });
});

describe("log and notify", () => {
  test("log passes once a line matched, and names the pattern until then", async () => {
    let matched = false;
    const c = ctx({ logMatched: () => matched });
    expect(await runProbe({ kind: "log", pattern: "listening on \\d+" }, c)).toEqual({
      ok: false,
      detail: "no output line matched /listening on \\d+/ yet",
    });
    matched = true;
    expect((await runProbe({ kind: "log", pattern: "listening on \\d+" }, c)).ok).toBe(true);
  });

  test("notify passes once READY=1 arrived", async () => {
    let notified = false;
    const c = ctx({ notified: () => notified });
    expect((await runProbe({ kind: "notify" }, c)).ok).toBe(false);
    notified = true;
    expect(await runProbe({ kind: "notify" }, c)).toEqual({ ok: true, detail: "READY=1" });
  });
});
