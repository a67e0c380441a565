/**
 * A service's stdout and stderr are pipes, so programs that open /dev/stdout or /dev/stderr by
 * name run unchanged — through the real daemon, with a shell and with Debian's nginx logging
 * `access_log /dev/stdout` and `error_log /dev/stderr` (which fail with ENXIO on a socket).
 */
import { afterEach, expect, test } from "bun:test";
import { requireTool } from "../helpers/system-tool.ts";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function logsOf(p: TempProject, name: string): Promise<string> {
  return (await p.cli(["logs", name, "-n", "100"])).stdout;
}

test("a shell writing to /dev/stdout and /dev/stderr by name has both lines in its log", async () => {
  const p = (project = tempProject());
  p.writeConfig({
    services: { named: { cmd: ["sh", "-c", "echo to-dev-stdout > /dev/stdout; echo to-dev-stderr > /dev/stderr; sleep 60"] } },
  });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  await waitFor(async () => {
    const logs = await logsOf(p, "named");
    return logs.includes("to-dev-stdout") && logs.includes("to-dev-stderr");
  }, "both lines in the log");
  const status = await p.status();
  expect(status.services.find((s) => s.name === "named")).toMatchObject({ status: "running", restarts: 0 });
}, 60_000);

test("nginx with access_log /dev/stdout and error_log /dev/stderr serves, and its request is in canopy's log", async () => {
  const nginx = requireTool("nginx", "nginx");
  const p = (project = tempProject());
  const port = freePort();
  // Everything nginx writes lives in the project; as root its workers run as nobody, who needs nothing from there.
  const conf = p.writeFile(
    "nginx.conf",
    `daemon off;
pid ${p.dir}/nginx.pid;
error_log /dev/stderr notice;
events { worker_connections 64; }
http {
  access_log /dev/stdout;
  client_body_temp_path ${p.dir}/body;
  proxy_temp_path ${p.dir}/proxy;
  fastcgi_temp_path ${p.dir}/fastcgi;
  uwsgi_temp_path ${p.dir}/uwsgi;
  scgi_temp_path ${p.dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / { return 200 "hello from nginx\\n"; }
  }
}
`,
  );
  p.writeConfig({
    services: { web: { cmd: [nginx, "-e", "/dev/stderr", "-p", p.dir, "-c", conf], port } },
  });
  const up = await p.cli(["up", "-d"]);
  expect(up.code).toBe(0);
  await waitFor(async () => (await p.status()).services.find((s) => s.name === "web")?.status === "running", "nginx to be running");
  const res = await fetch(`http://127.0.0.1:${port}/canopy-was-here`);
  expect(await res.text()).toBe("hello from nginx\n");
  await waitFor(async () => (await logsOf(p, "web")).includes('"GET /canopy-was-here HTTP/1.1" 200'), "the access log line in canopy's log");
  const logs = await logsOf(p, "web");
  expect(logs).not.toContain("No such device or address");
  expect(logs).toContain("start worker process");
  const web = (await p.status()).services.find((s) => s.name === "web");
  expect(web).toMatchObject({ status: "running", restarts: 0 });
}, 90_000);
