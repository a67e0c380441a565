import { expect, test } from "bun:test";
import { limitAbove, limitArgv, parseProcLimits, prlimitOptions } from "../../src/os/resource-limits.ts";

const TOOLS = { prlimit: "/usr/bin/prlimit", nice: "/usr/bin/nice" };

test("prlimitOptions: soft:hard per limit in a fixed order; a side left out stays empty (inherited)", () => {
  expect(prlimitOptions({ core: { soft: 0, hard: 0 }, nofile: { soft: 1024, hard: "unlimited" }, cpu: { hard: 60 }, stack: { soft: 8_388_608 } })).toEqual([
    "--nofile=1024:unlimited", "--core=0:0", "--stack=8388608:", "--cpu=:60",
  ]);
  expect(prlimitOptions({})).toEqual([]);
});

test("limitArgv: prlimit first, then nice, then the command as given (a user: prefix inside it); nothing to set leaves cmd alone", () => {
  const cmd = ["/usr/bin/setpriv", "--reuid=65534", "--", "sh", "-c", "echo --nofile=1"];
  expect(limitArgv(TOOLS, { limits: { nofile: { soft: 10, hard: 10 } }, niceBy: 5 }, cmd)).toEqual([
    "/usr/bin/prlimit", "--nofile=10:10", "--", "/usr/bin/nice", "-n", "5", "--", ...cmd,
  ]);
  expect(limitArgv(TOOLS, { niceBy: -3 }, ["x"])).toEqual(["/usr/bin/nice", "-n", "-3", "--", "x"]);
  expect(limitArgv(TOOLS, { limits: { core: { soft: 0, hard: 0 } } }, ["x"])).toEqual(["/usr/bin/prlimit", "--core=0:0", "--", "x"]);
  expect(limitArgv(TOOLS, { niceBy: 0, limits: {} }, ["x"])).toEqual(["x"]);
  expect(limitArgv(TOOLS, {}, ["x"])).toEqual(["x"]);
});

test("parseProcLimits reads the soft and hard columns of /proc/PID/limits", () => {
  const text = [
    "Limit                     Soft Limit           Hard Limit           Units     ",
    "Max cpu time              unlimited            unlimited            seconds   ",
    "Max file size             unlimited            unlimited            bytes     ",
    "Max stack size            8388608              unlimited            bytes     ",
    "Max core file size        0                    unlimited            bytes     ",
    "Max processes             96367                96367                processes ",
    "Max open files            20000                20000                files     ",
    "Max locked memory         8388608              8388608              bytes     ",
    "Max address space         unlimited            unlimited            bytes     ",
    "Max nice priority         0                    0                    ",
  ].join("\n");
  expect(parseProcLimits(text)).toEqual({
    nofile: { soft: 20_000, hard: 20_000 },
    nproc: { soft: 96_367, hard: 96_367 },
    core: { soft: 0, hard: "unlimited" },
    memlock: { soft: 8_388_608, hard: 8_388_608 },
    stack: { soft: 8_388_608, hard: "unlimited" },
    as: { soft: "unlimited", hard: "unlimited" },
    cpu: { soft: "unlimited", hard: "unlimited" },
    fsize: { soft: "unlimited", hard: "unlimited" },
  });
  expect(parseProcLimits("")).toEqual({});
});

test("limitAbove: unlimited is above every number, and not above itself", () => {
  expect([limitAbove(2, 1), limitAbove(1, 1), limitAbove(1, 2)]).toEqual([true, false, false]);
  expect([limitAbove("unlimited", 5), limitAbove(5, "unlimited"), limitAbove("unlimited", "unlimited")]).toEqual([true, false, false]);
});
