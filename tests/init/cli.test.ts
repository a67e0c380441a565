/** `canopy init` without a terminal: flags write a valid canopy.yaml; no flags is a usage error; existing configs are kept. */
import { afterAll, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFile } from "../../src/config/index.ts";
import { runCli } from "../helpers/cli.ts";
import { removeTempDirs, tempDir } from "../config/tmp.ts";

afterAll(removeTempDirs);

test("--name/--cmd/--port triples write a canopy.yaml that loads", async () => {
  const dir = tempDir();
  const r = await runCli(["init", "--name", "web", "--cmd", "python3 -m http.server $PORT", "--port", "8123", "--name", "worker", "--cmd", "sleep 100", "--port", ""], { cwd: dir });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`wrote ${join(dir, "canopy.yaml")} (2 services: web, worker); start them with \`canopy up\`\n`);
  const config = loadConfigFile(join(dir, "canopy.yaml"));
  expect(config.services.map((s) => [s.name, s.cmd, s.port])).toEqual([
    ["web", ["/bin/sh", "-c", "python3 -m http.server $PORT"], 8123],
    ["worker", ["/bin/sh", "-c", "sleep 100"], undefined],
  ]);
  expect(readdirSync(dir)).toEqual(["canopy.yaml"]);
});

test("one service needs no --port", async () => {
  const dir = tempDir();
  const r = await runCli(["init", "--name", "app", "--cmd", "sleep 5"], { cwd: dir });
  expect(r.code).toBe(0);
  expect(loadConfigFile(join(dir, "canopy.yaml")).services.map((s) => s.name)).toEqual(["app"]);
});

test("without a terminal and without flags: usage error (exit 2) naming the flags, nothing written", async () => {
  const dir = tempDir({ Procfile: "web: sleep 1\n" });
  const r = await runCli(["init"], { cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toContain("--name NAME --cmd CMD [--port N]");
  expect(readdirSync(dir)).toEqual(["Procfile"]);
});

test("bad flags are usage errors and write nothing", async () => {
  const dir = tempDir();
  for (const args of [["--name", "web"], ["--name", "W.eb", "--cmd", "x"], ["--name", "a", "--cmd", "x", "--port", "http"], ["--cmd", "x", "--nmae", "a"], ["extra"]]) {
    const r = await runCli(["init", ...args], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith("canopy: ");
  }
  expect(readdirSync(dir)).toEqual([]);
});

test("an existing config is kept unless --force", async () => {
  const dir = tempDir({ "canopy.toml": "[services.old]\ncmd = \"sleep 1\"\n" });
  const refused = await runCli(["init", "--name", "new", "--cmd", "sleep 2"], { cwd: dir });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("canopy.toml already exists; pass --force");
  expect(readdirSync(dir)).toEqual(["canopy.toml"]);

  writeFileSync(join(dir, "canopy.yaml"), "services: {}\n");
  const yaml = await runCli(["init", "--name", "new", "--cmd", "sleep 2"], { cwd: dir });
  expect(yaml.code).toBe(2);
  expect(readFileSync(join(dir, "canopy.yaml"), "utf8")).toBe("services: {}\n");

  const forced = await runCli(["init", "--force", "--name", "new", "--cmd", "sleep 2"], { cwd: dir });
  expect(forced.code).toBe(0);
  expect(loadConfigFile(join(dir, "canopy.yaml")).services.map((s) => s.name)).toEqual(["new"]);
});
