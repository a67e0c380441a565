/** A config that does not validate: exit 2, the file, service and field named, and nothing started. */
import { afterEach, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { pidsWithMarker } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const cases: { what: string; config: (p: TempProject) => string; service?: string; field?: string }[] = [
  {
    what: "an unknown key",
    config: (p) => `services:\n  api:\n    cmd: ${JSON.stringify(p.printer().cmd)}\n    colour: red\n`,
    service: "api",
    field: "colour",
  },
  {
    what: "a bad duration",
    config: (p) => `services:\n  worker:\n    cmd: ${JSON.stringify(p.printer().cmd)}\n    restart_delay: 5 parsecs\n`,
    service: "worker",
    field: "restart_delay",
  },
  {
    what: "a missing cmd",
    config: () => `services:\n  web:\n    port: 3000\n`,
    service: "web",
    field: "cmd",
  },
  {
    what: "unparsable YAML",
    config: () => `services:\n  web:\n    cmd: [unclosed, list\n    port: 3000\n`,
  },
];

for (const c of cases) {
  test(`${c.what}: up -d exits 2 naming the file${c.field ? ", the service and the field" : ""}; nothing starts`, async () => {
    const p = (project = tempProject());
    p.writeConfig(c.config(p));

    const up = await p.cli(["up", "-d"]);
    expect(up.code).toBe(2);
    expect(up.stdout).toBe("");
    expect(up.stderr).toContain("canopy.yaml");
    if (c.service) expect(up.stderr).toContain(`"${c.service}"`);
    if (c.field) expect(up.stderr).toContain(`"${c.field}"`);
    if (!c.field) expect(up.stderr).toMatch(/canopy\.yaml:\d+: cannot parse YAML/);

    // Nothing started: no state dir, no socket, no process mentioning the project.
    expect(existsSync(p.socketPath)).toBe(false);
    expect(existsSync(p.stateDir)).toBe(false);
    expect(pidsWithMarker(p.dir)).toEqual([]);

    // The foreground `up` refuses the same way.
    const fg = await p.cli(["up"]);
    expect(fg.code).toBe(2);
    expect(fg.stderr).toContain("canopy.yaml");
    expect(existsSync(p.socketPath)).toBe(false);
  }, 60_000);
}
