import { expect, test } from "bun:test";
import { limitProblems } from "../../src/config/limit-checks.ts";
import type { LimitFacts } from "../../src/os/process-limits.ts";

/** An unprivileged Linux process at niceness 0, nofile 1024:4096, core 0:unlimited. */
const USER: LimitFacts = {
  platform: "linux",
  niceness: 0,
  canLowerNice: false,
  canRaiseHard: false,
  current: { nofile: { soft: 1024, hard: 4096 }, core: { soft: 0, hard: "unlimited" } },
  nrOpen: 1_048_576,
};
const ROOT: LimitFacts = { ...USER, canLowerNice: true, canRaiseHard: true };

test("within what the process may do: no problem", () => {
  expect(limitProblems({ nice: 5, limits: { nofile: { soft: 4096, hard: 4096 }, core: { soft: "unlimited", hard: "unlimited" } } }, USER)).toEqual([]);
  expect(limitProblems({ nice: 0, limits: { nofile: { soft: 2048 } } }, USER)).toEqual([]);
});

test("a niceness below canopy's own needs CAP_SYS_NICE", () => {
  expect(limitProblems({ nice: -5 }, USER)).toEqual([
    { field: "nice", message: "-5 is below canopy's own niceness (0), which needs root (CAP_SYS_NICE); run canopy as root, or use 0 to 19" },
  ]);
  expect(limitProblems({ nice: 2 }, { ...USER, niceness: 5 })).toEqual([
    { field: "nice", message: "2 is below canopy's own niceness (5), which needs root (CAP_SYS_NICE); run canopy as root, or use 5 to 19" },
  ]);
  expect(limitProblems({ nice: -20 }, ROOT)).toEqual([]);
});

test("raising a hard limit above canopy's own needs CAP_SYS_RESOURCE; root may, up to fs.nr_open for nofile", () => {
  const raise = { limits: { nofile: { soft: 65_536, hard: 65_536 } } };
  expect(limitProblems(raise, USER)).toEqual([
    { field: "limits.nofile", message: "hard limit 65536 is above canopy's own (4096), which needs root (CAP_SYS_RESOURCE); run canopy as root, or stay at or below 4096" },
  ]);
  expect(limitProblems(raise, ROOT)).toEqual([]);
  expect(limitProblems({ limits: { nofile: { soft: "unlimited", hard: "unlimited" } } }, ROOT)).toEqual([
    { field: "limits.nofile", message: "unlimited is above the kernel's ceiling for open files (fs.nr_open = 1048576), even for root" },
  ]);
});

test("a soft limit alone above the inherited hard one is refused, saying to set hard too", () => {
  expect(limitProblems({ limits: { nofile: { soft: 8192 } } }, ROOT)).toEqual([
    { field: "limits.nofile", message: "soft limit 8192 would be above the hard limit 4096 canopy passes on; set hard too" },
  ]);
  expect(limitProblems({ limits: { nofile: { hard: 512 } } }, USER)).toEqual([
    { field: "limits.nofile", message: "soft limit 1024 would be above the hard limit 512" },
  ]);
});

test("limits off Linux are refused (macOS has no prlimit); nice still works there", () => {
  expect(limitProblems({ nice: 5, limits: { core: { soft: 0, hard: 0 } } }, { ...USER, platform: "darwin", current: {} })).toEqual([
    { field: "limits", message: "supported on Linux only (darwin has no prlimit); leave limits out here" },
  ]);
});
