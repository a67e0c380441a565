/** What `canopy init` proposes from a Procfile and package.json, how it names them, and the file it renders (pure logic, real files for loading). */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFile } from "../../src/config/index.ts";
import { isCanopyError } from "../../src/errors.ts";
import { parsePort, toServiceName, uniqueName } from "../../src/init/draft.ts";
import { draftsFromFlags } from "../../src/init/flags.ts";
import { guessPort, proposeServices, runnerFor } from "../../src/init/propose.ts";
import { renderConfig } from "../../src/init/render.ts";
import { scanFolder } from "../../src/init/scan.ts";
import { writeConfig } from "../../src/init/write.ts";
import { removeTempDirs, tempDir, thrown } from "../config/tmp.ts";

afterAll(removeTempDirs);

describe("proposals", () => {
  test("a Procfile: one ticked service per entry, names made valid and unique, ports guessed from the command", () => {
    const procfile = "# processes\nweb: bundle exec puma -p 5000\nWeb_Worker: bin/worker --queue=default\nweb!: echo twin\nbroken line\n";
    const { proposals, notes } = proposeServices({ procfile, lockfiles: [] });
    expect(proposals).toEqual([
      { name: "web", cmd: "bundle exec puma -p 5000", port: 5000, source: "Procfile", preselected: true },
      { name: "Web_Worker", cmd: "bin/worker --queue=default", source: "Procfile", preselected: true },
      { name: "web-2", cmd: "echo twin", source: "Procfile", preselected: true },
    ]);
    expect(notes).toEqual(['Procfile line 5: expected "name: command", got "broken line"; skipped']);
  });

  test("package.json scripts: `<runner> run <script>`, only the first app-like script ticked, helper scripts left out", () => {
    const packageJson = JSON.stringify({
      scripts: { build: "tsc", test: "bun test", dev: "vite --port 5173", start: "node server.js", worker: "node worker.js", lint: "x" },
    });
    const { proposals, notes } = proposeServices({ packageJson, lockfiles: ["pnpm-lock.yaml"] });
    expect(notes).toEqual([]);
    expect(proposals.map((p) => [p.name, p.cmd, p.port, p.preselected])).toEqual([
      ["app", "pnpm run start", undefined, true],
      ["dev", "pnpm run dev", 5173, false],
      ["worker", "pnpm run worker", undefined, true],
    ]);
    expect(proposals[1]?.source).toBe('package.json "dev": vite --port 5173');
  });

  test("with a Procfile, package.json scripts are offered but not ticked; unreadable package.json is a note", () => {
    const both = proposeServices({ procfile: "app: ./run\n", packageJson: JSON.stringify({ scripts: { start: "node ." } }), lockfiles: [] });
    expect(both.proposals.map((p) => [p.name, p.preselected])).toEqual([["app", true], ["app-2", false]]);
    const broken = proposeServices({ packageJson: "{ nope", lockfiles: [] });
    expect(broken.proposals).toEqual([]);
    expect(broken.notes).toEqual(["package.json could not be read as JSON; skipped"]);
    expect(proposeServices({ packageJson: "{}", lockfiles: [] })).toEqual({ proposals: [], notes: [] });
    expect(proposeServices({ lockfiles: [] })).toEqual({ proposals: [], notes: [] });
  });

  test("runner from lock files, ports from command lines, names from anything", () => {
    expect(runnerFor([])).toBe("npm run");
    expect(runnerFor(["package-lock.json"])).toBe("npm run");
    expect(runnerFor(["bun.lockb"])).toBe("bun run");
    expect(runnerFor(["bun.lock", "yarn.lock"])).toBe("bun run");
    expect(runnerFor(["yarn.lock"])).toBe("yarn run");
    expect(guessPort("next dev --port=3001")).toBe(3001);
    expect(guessPort("PORT=8080 node server.js")).toBe(8080);
    expect(guessPort("serve -p 4000")).toBe(4000);
    expect(guessPort("open http://localhost:9000/")).toBe(9000);
    expect(guessPort("node server.js")).toBeUndefined();
    expect(guessPort("x --port 99999")).toBeUndefined();
    expect(guessPort("ssh-p 22")).toBeUndefined();
    expect(toServiceName("My App.js")).toBe("My-App-js");
    expect(toServiceName("__")).toBe("app");
    expect(uniqueName("web", ["web", "web-2"])).toBe("web-3");
    expect(uniqueName("Web", ["web"])).toBe("Web-2");
    expect(parsePort("")).toEqual({});
    expect(parsePort(" 80 ")).toEqual({ port: 80 });
    expect(parsePort("0")).toHaveProperty("error");
    expect(parsePort("8o")).toHaveProperty("error");
  });

  test("scanFolder reads Procfile, package.json and lock files from disk", () => {
    const dir = tempDir({ Procfile: "w: x\n", "package.json": "{}", "yarn.lock": "" });
    expect(scanFolder(dir)).toEqual({ procfile: "w: x\n", packageJson: "{}", lockfiles: ["yarn.lock"] });
    expect(scanFolder(tempDir())).toEqual({ procfile: undefined, packageJson: undefined, lockfiles: [] });
  });
});

describe("the written file", () => {
  test("renderConfig loads back to the same services, in order, with awkward commands intact", () => {
    const drafts = [
      { name: "web", cmd: 'python3 -m http.server "$PORT" # serve', port: 8080 },
      { name: "1", cmd: "echo 'a: b' && sleep 1" },
      { name: "worker", cmd: "yes" },
    ];
    const dir = tempDir({ "canopy.yaml": renderConfig(drafts) });
    const config = loadConfigFile(join(dir, "canopy.yaml"));
    expect(config.services.map((s) => [s.name, s.cmd, s.port])).toEqual(drafts.map((d) => [d.name, ["/bin/sh", "-c", d.cmd], d.port]));
    expect(loadConfigFile(join(tempDir({ "canopy.yaml": renderConfig([]) }), "canopy.yaml")).services).toEqual([]);
  });

  test("writeConfig validates before writing, leaves no temp file, and never replaces a file without force", () => {
    const dir = tempDir();
    const e = thrown(() => writeConfig(dir, "services:\n  Bad Name: { cmd: x }\n", false));
    expect(isCanopyError(e) && e.error_type).toBe("invalid_config");
    expect(readdirSync(dir)).toEqual([]);

    writeFileSync(join(dir, "canopy.yaml"), "services: {}\n");
    const refused = thrown(() => writeConfig(dir, renderConfig([{ name: "a", cmd: "x" }]), false));
    expect(isCanopyError(refused) && refused.error_type).toBe("usage");
    expect(readFileSync(join(dir, "canopy.yaml"), "utf8")).toBe("services: {}\n");
    expect(readdirSync(dir)).toEqual(["canopy.yaml"]);

    writeConfig(dir, renderConfig([{ name: "a", cmd: "x" }]), true);
    expect(loadConfigFile(join(dir, "canopy.yaml")).services.map((s) => s.name)).toEqual(["a"]);
    expect(readdirSync(dir)).toEqual(["canopy.yaml"]);
    expect(existsSync(join(dir, "canopy.yaml"))).toBe(true);
  });
});

describe("flags", () => {
  test("--name/--cmd/--port pair up in order; --port for all or none", () => {
    expect(draftsFromFlags({ name: ["a", "b"], cmd: ["x", "y"], port: [] })).toEqual([
      { name: "a", cmd: "x" },
      { name: "b", cmd: "y" },
    ]);
    expect(draftsFromFlags({ name: ["a", "b"], cmd: ["x", "y"], port: ["80", ""] })).toEqual([
      { name: "a", cmd: "x", port: 80 },
      { name: "b", cmd: "y" },
    ]);
  });

  test("mismatched counts, bad names, duplicate names, empty commands and bad ports are usage errors", () => {
    const cases: [Parameters<typeof draftsFromFlags>[0], string][] = [
      [{ name: [], cmd: [], port: [] }, "give each service a --name and a --cmd"],
      [{ name: ["a"], cmd: [], port: [] }, "got 1 --name, 0 --cmd"],
      [{ name: ["a", "b"], cmd: ["x", "y"], port: ["1"] }, "got 1 for 2 services"],
      [{ name: ["b@d"], cmd: ["x"], port: [] }, 'service "b@d": use letters, digits'],
      [{ name: ["Api", "api"], cmd: ["x", "y"], port: [] }, '"Api" is already a service (names must differ in more than case)'],
      [{ name: ["a", "a"], cmd: ["x", "y"], port: [] }, '"a" is already a service'],
      [{ name: ["a"], cmd: [" "], port: [] }, "needs a command"],
      [{ name: ["a"], cmd: ["x"], port: ["70000"] }, "is not a port"],
    ];
    for (const [flags, message] of cases) {
      const e = thrown(() => draftsFromFlags(flags));
      expect(isCanopyError(e) && e.error_type).toBe("usage");
      expect((e as Error).message).toContain(message);
    }
  });
});
