import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { removeTempDirs, tempDir } from "../config/tmp.ts";
import { runCli } from "../helpers/cli.ts";

afterAll(removeTempDirs);

const EXAMPLES = join(import.meta.dir, "..", "..", "examples");
const examples = readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, "canopy.yaml")));

describe("canopy export", () => {
  test.each(examples.flatMap((ex) => ["systemd", "kubernetes", "compose"].map((to) => [ex, to])))("examples/%s exports to %s", async (ex, to) => {
    const out = tempDir();
    const r = await runCli(["export", "--to", to as string, "-c", join(EXAMPLES, ex as string, "canopy.yaml"), "--image", "oven/bun:1", "-o", out]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).length).toBeGreaterThan(0);
    // At most the "wrote" line and one warning line.
    expect(r.stderr.split("\n").filter((l) => l.startsWith("canopy: warning:")).length).toBeLessThanOrEqual(1);
  });

  test("-o DIR keeps existing files unless --force; stdout otherwise, the same bytes each time", async () => {
    const dir = tempDir({ "app/canopy.yaml": "services:\n  web:\n    cmd: [/bin/sleep, '9']\n    image: nginx\n" });
    const config = join(dir, "app", "canopy.yaml");
    const out = join(dir, "out");
    expect((await runCli(["export", "--to", "compose", "-c", config, "-o", out])).code).toBe(0);
    const again = await runCli(["export", "--to", "compose", "-c", config, "-o", out]);
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 2, stderr: `canopy: ${out}/compose.yaml already exists; pass --force to overwrite\n` });
    expect((await runCli(["export", "--to", "compose", "-c", config, "-o", out, "--force"])).code).toBe(0);
    const printed = await runCli(["export", "--to", "compose", "-c", config]);
    expect(printed.stdout).toBe(`# ==> compose.yaml <==\n${readFileSync(join(out, "compose.yaml"), "utf8")}`);
    expect(printed.stderr).toBe("");
  });

  test("an unknown engine, or none, is a usage error; a missing image names the services", async () => {
    const dir = tempDir({ "canopy.yaml": "services:\n  web:\n    cmd: [/bin/sleep, '9']\n" });
    const config = join(dir, "canopy.yaml");
    expect(await runCli(["export", "--to", "nomad", "-c", config])).toEqual({
      code: 2, stdout: "", stderr: 'canopy: cannot export to "nomad": choose one of systemd, kubernetes, compose\n',
    });
    expect((await runCli(["export", "-c", config])).code).toBe(2);
    expect(await runCli(["export", "--to", "kubernetes", "-c", config])).toEqual({
      code: 2, stdout: "", stderr: "canopy: export to kubernetes needs a container image for web: add `image:` to the service or pass --image IMAGE\n",
    });
  });
});
