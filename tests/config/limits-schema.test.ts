import { describe, expect, test } from "bun:test";
import { validateConfig } from "../../src/config/schema.ts";

const WHERE = { file: "/proj/canopy.yaml", dir: "/proj" };
const load = (settings: Record<string, unknown>) => validateConfig({ services: { api: { cmd: "x", ...settings } } }, WHERE);
const problems = (settings: Record<string, unknown>) => load(settings).problems;

describe("max_memory, nice, limits: valid", () => {
  test("sizes, niceness, and limits as one value (soft = hard) or {soft, hard}; unlimited, sizes and durations accepted", () => {
    const { config, problems: found } = load({
      max_memory: "512MB",
      nice: 10,
      limits: { nofile: 65_536, nproc: { soft: 100, hard: "unlimited" }, core: 0, memlock: "64KB", stack: { soft: "8MB" }, as: "unlimited", cpu: "2m", fsize: { hard: 4096 } },
    });
    expect(found).toEqual([]);
    const svc = config?.services[0];
    expect({ maxMemoryBytes: svc?.maxMemoryBytes, nice: svc?.nice, limits: svc?.limits }).toEqual({
      maxMemoryBytes: 512 * 1024 ** 2,
      nice: 10,
      limits: {
        nofile: { soft: 65_536, hard: 65_536 },
        nproc: { soft: 100, hard: "unlimited" },
        core: { soft: 0, hard: 0 },
        memlock: { soft: 65_536, hard: 65_536 },
        stack: { soft: 8 * 1024 ** 2 },
        as: { soft: "unlimited", hard: "unlimited" },
        cpu: { soft: 120, hard: 120 },
        fsize: { hard: 4096 },
      },
    });
  });

  test("left out: none of them is set (an empty limits mapping included)", () => {
    const svc = load({ limits: {} }).config?.services[0];
    expect([svc?.maxMemoryBytes, svc?.nice, svc?.limits]).toEqual([undefined, undefined, undefined]);
  });
});

describe("max_memory, nice, limits: refused, naming the field", () => {
  test.each([
    [{ max_memory: "lots" }, "max_memory", 'expected a size like 512KB, 10MB or 1GB, got "lots"'],
    [{ max_memory: "100KB" }, "max_memory", 'must be at least 1MB, got "100KB"'],
    [{ nice: 20 }, "nice", "must be from -20 to 19, got 20"],
    [{ nice: "low" }, "nice", 'expected a whole number from -20 to 19, got "low"'],
    [{ limits: 5 }, "limits", "expected a mapping such as { nofile: 65536, core: 0 }, got 5"],
    [{ limits: { nofiles: 5 } }, "limits.nofiles", "unknown key; did you mean nofile?"],
    [{ limits: { nofile: -1 } }, "limits.nofile", "expected a whole number, or unlimited; got -1"],
    [{ limits: { nofile: "64k" } }, "limits.nofile", 'expected a whole number, or unlimited; got "64k"'],
    [{ limits: { core: "big" } }, "limits.core", 'expected a size like 512KB, 10MB or 1GB, got "big", or unlimited'],
    [{ limits: { cpu: "60" } }, "limits.cpu", 'expected a number of seconds or a duration with its unit (60s), got "60"'],
    [{ limits: { nofile: { soft: 10, hard: 5 } } }, "limits.nofile", "soft (10) must not be above hard (5)"],
    [{ limits: { nofile: { soft: "unlimited", hard: 5 } } }, "limits.nofile", "soft (unlimited) must not be above hard (5)"],
    [{ limits: { nofile: {} } }, "limits.nofile", "expected soft, hard or both, as in { soft: 1024, hard: 4096 }"],
    [{ limits: { nofile: { soft: 1, max: 2 } } }, "limits.nofile.max", "unknown key; known keys: soft, hard"],
    [{ limits: { nofile: { hard: 1.5 } } }, "limits.nofile.hard", "expected a whole number, or unlimited; got 1.5"],
  ])("%j", (settings, field, message) => {
    expect(problems(settings)).toEqual([{ service: "api", field, message }]);
  });
});
