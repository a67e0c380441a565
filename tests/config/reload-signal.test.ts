import { expect, test } from "bun:test";
import { validateConfig } from "../../src/config/schema.ts";

const where = { file: "/x/canopy.yaml", dir: "/x" };

test("reload_signal: any spelling of a signal name, none by default; anything else names the field", () => {
  const ok = validateConfig({ services: { a: { cmd: "x", reload_signal: "hup" }, b: { cmd: "x" } } }, where);
  expect(ok.problems).toEqual([]);
  expect(ok.config.services.map((s) => s.reloadSignal)).toEqual(["SIGHUP", undefined]);
  for (const bad of ["SIGNOPE", 1, ""]) {
    const r = validateConfig({ services: { a: { cmd: "x", reload_signal: bad } } }, where);
    expect(r.problems.map((p) => [p.service, p.field])).toEqual([["a", "reload_signal"]]);
    expect(r.problems[0]?.message).toContain("SIGHUP, SIGUSR1 or SIGUSR2");
  }
});
