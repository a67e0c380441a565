import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { CanopyError } from "../../src/errors.ts";
import { findConfigFile } from "../../src/config/find.ts";
import { removeTempDirs, tempDir, thrown } from "./tmp.ts";

afterAll(removeTempDirs);

const ALL = { "canopy.yaml": "", "canopy.yml": "", "canopy.toml": "", "canopy.json": "" };

describe("findConfigFile", () => {
  test("looks for canopy.yaml, .yml, .toml, .json in that order", () => {
    const dir = tempDir(ALL);
    expect(findConfigFile({ env: {}, cwd: dir })).toBe(join(dir, "canopy.yaml"));
    const noYaml = tempDir({ "canopy.yml": "", "canopy.toml": "", "canopy.json": "" });
    expect(findConfigFile({ env: {}, cwd: noYaml })).toBe(join(noYaml, "canopy.yml"));
    const tomlJson = tempDir({ "canopy.toml": "", "canopy.json": "" });
    expect(findConfigFile({ env: {}, cwd: tomlJson })).toBe(join(tomlJson, "canopy.toml"));
    const json = tempDir({ "canopy.json": "" });
    expect(findConfigFile({ env: {}, cwd: json })).toBe(join(json, "canopy.json"));
  });

  test("CANOPY_CONFIG beats the cwd search; -c beats CANOPY_CONFIG", () => {
    const dir = tempDir({ ...ALL, "other/env.toml": "", "cli.json": "" });
    expect(findConfigFile({ env: { CANOPY_CONFIG: "other/env.toml" }, cwd: dir })).toBe(join(dir, "other/env.toml"));
    expect(findConfigFile({ explicit: "cli.json", env: { CANOPY_CONFIG: "other/env.toml" }, cwd: dir })).toBe(join(dir, "cli.json"));
    expect(findConfigFile({ explicit: join(dir, "cli.json"), env: {}, cwd: "/" })).toBe(join(dir, "cli.json"));
  });

  test("an empty CANOPY_CONFIG is ignored", () => {
    const dir = tempDir({ "canopy.toml": "" });
    expect(findConfigFile({ env: { CANOPY_CONFIG: "" }, cwd: dir })).toBe(join(dir, "canopy.toml"));
  });

  test("returns the real path through symlinks", () => {
    const dir = tempDir({ "real/canopy.yaml": "" });
    symlinkSync(join(dir, "real"), join(dir, "link"));
    expect(findConfigFile({ env: {}, cwd: join(dir, "link") })).toBe(join(dir, "real/canopy.yaml"));
    symlinkSync(join(dir, "real/canopy.yaml"), join(dir, "alias.yaml"));
    expect(findConfigFile({ explicit: "alias.yaml", env: {}, cwd: dir })).toBe(join(dir, "real/canopy.yaml"));
  });

  test("a named folder is searched like cwd", () => {
    const dir = tempDir({ "proj/canopy.json": "" });
    expect(findConfigFile({ explicit: "proj", env: {}, cwd: dir })).toBe(join(dir, "proj/canopy.json"));
  });

  test("nothing found: says which names were tried and suggests canopy init / -c FILE", () => {
    const dir = tempDir({ "canopy.yaml.bak": "" });
    const err = thrown(() => findConfigFile({ env: {}, cwd: dir })) as CanopyError;
    expect(err).toBeInstanceOf(CanopyError);
    expect(err.error_type).toBe("invalid_config");
    expect(err.message).toBe(
      `no config file found in ${dir} (looked for canopy.yaml, canopy.yml, canopy.toml, canopy.json); run \`canopy init\` to create one, or pass -c FILE`,
    );
  });

  test("a named file that does not exist is an error naming it, even when cwd has a config", () => {
    const dir = tempDir(ALL);
    const viaFlag = thrown(() => findConfigFile({ explicit: "missing.yaml", env: {}, cwd: dir })) as CanopyError;
    expect(viaFlag.error_type).toBe("invalid_config");
    expect(viaFlag.message).toBe(`config file missing.yaml (from -c) does not exist (looked at ${join(dir, "missing.yaml")})`);
    expect(viaFlag.details.file).toBe(join(dir, "missing.yaml"));
    const viaEnv = thrown(() => findConfigFile({ env: { CANOPY_CONFIG: "/nope/x.toml" }, cwd: dir })) as CanopyError;
    expect(viaEnv.message).toBe("config file /nope/x.toml (from CANOPY_CONFIG) does not exist (looked at /nope/x.toml)");
  });

  test("a named folder without a config is an error naming it", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "empty"));
    const err = thrown(() => findConfigFile({ explicit: "empty", env: {}, cwd: dir })) as CanopyError;
    expect(err.message).toBe("config folder empty (from -c) holds none of canopy.yaml, canopy.yml, canopy.toml, canopy.json");
  });
});
