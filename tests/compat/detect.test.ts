import { describe, expect, test } from "bun:test";
import {
  isComposeName, isEcosystemName, isJavaScriptName, isProcessComposeName, isProcfileName, isSupervisordName, looksLikePm2, looksLikeProcessCompose,
} from "../../src/compat/detect.ts";

describe("isProcfileName", () => {
  test.each([["Procfile"], ["/app/Procfile"], ["Procfile.dev"], ["/x/Procfile.local"], ["web.procfile"], ["dev.Procfile"]])("%s", (path) => {
    expect(isProcfileName(path)).toBe(true);
  });
  test.each([["procfile"], ["Procfile."], [".procfile"], ["canopy.yaml"], ["MyProcfile"], ["/Procfile/canopy.yaml"]])("%s is not", (path) => {
    expect(isProcfileName(path)).toBe(false);
  });
});

describe("isComposeName", () => {
  test.each([["compose.yaml"], ["/x/compose.yml"], ["docker-compose.yml"], ["compose.prod.yaml"], ["docker-compose-dev.yaml"]])("%s", (path) => {
    expect(isComposeName(path)).toBe(true);
  });
  test.each([["process-compose.yaml"], ["canopy.yaml"], ["compose.json"], ["mycompose.yaml"], ["compose.yaml.bak"]])("%s is not", (path) => {
    expect(isComposeName(path)).toBe(false);
  });
});

describe("isProcessComposeName", () => {
  test.each([["process-compose.yaml"], ["process-compose.yml"], ["/x/process-compose.override.yaml"], ["process-compose-dev.yml"]])("%s", (path) => {
    expect(isProcessComposeName(path)).toBe(true);
  });
  test.each([["process-compose.json"], ["my-process-compose.yaml"], ["canopy.yaml"], ["process-compose.yaml.bak"]])("%s is not", (path) => {
    expect(isProcessComposeName(path)).toBe(false);
  });
});

describe("looksLikeProcessCompose", () => {
  test("processes without services", () => {
    expect(looksLikeProcessCompose({ version: "0.5", processes: {} })).toBe(true);
    expect(looksLikeProcessCompose({ processes: {}, services: {} })).toBe(false);
    expect(looksLikeProcessCompose({ services: {} })).toBe(false);
    expect(looksLikeProcessCompose(null)).toBe(false);
    expect(looksLikeProcessCompose(["processes"])).toBe(false);
  });
});

describe("supervisord, PM2 and JavaScript names", () => {
  test("supervisord: any .conf or .ini", () => {
    expect(["supervisord.conf", "/etc/supervisor/conf.d/app.conf", "programs.INI"].map(isSupervisordName)).toEqual([true, true, true]);
    expect(["canopy.yaml", "supervisord.conf.bak", "Procfile"].map(isSupervisordName)).toEqual([false, false, false]);
  });
  test("PM2: ecosystem*.json/.yaml/.js/.cjs/.mjs by name; JavaScript by extension", () => {
    expect(["ecosystem.config.js", "ecosystem.config.cjs", "ecosystem.json", "ecosystem.prod.yaml"].map(isEcosystemName)).toEqual([true, true, true, true]);
    expect(["canopy.json", "my-ecosystem.json"].map(isEcosystemName)).toEqual([false, false]);
    expect(["a.js", "b.cjs", "c.mjs", "d.json", "e.ts"].map(isJavaScriptName)).toEqual([true, true, true, false, false]);
  });
  test("looksLikePm2: an apps list without services", () => {
    expect([looksLikePm2({ apps: [] }), looksLikePm2({ apps: {} }), looksLikePm2({ apps: [], services: {} }), looksLikePm2(null)]).toEqual([true, false, false, false]);
  });
});
