import { describe, expect, test } from "bun:test";
import { interpolate } from "../../src/config/interpolate.ts";

const vars: Record<string, string> = { HOST: "db.local", EMPTY: "", PORT: "5432" };
const lookup = (name: string) => vars[name];
const ok = (text: string) => interpolate(text, lookup);

describe("interpolate", () => {
  test("${NAME} is replaced, as many times as written, anywhere in the text", () => {
    expect(ok("postgres://${HOST}:${PORT}/x?h=${HOST}")).toEqual({ ok: true, value: "postgres://db.local:5432/x?h=db.local" });
  });

  test("${NAME:-default}: the default when unset or empty, the value otherwise", () => {
    expect(ok("${NOPE:-fallback}")).toEqual({ ok: true, value: "fallback" });
    expect(ok("${EMPTY:-fallback}")).toEqual({ ok: true, value: "fallback" });
    expect(ok("${HOST:-fallback}")).toEqual({ ok: true, value: "db.local" });
    expect(ok("${NOPE:-}")).toEqual({ ok: true, value: "" });
    expect(ok("${NOPE:-a b:c-d $x}")).toEqual({ ok: true, value: "a b:c-d $x" });
  });

  test("${NAME} set to the empty string is the empty string", () => {
    expect(ok("[${EMPTY}]")).toEqual({ ok: true, value: "[]" });
  });

  test("$$ is a literal $; any other $ is left for the shell", () => {
    expect(ok("echo $$ $$$$ $${HOST}")).toEqual({ ok: true, value: "echo $ $$ ${HOST}" });
    expect(ok("echo $HOME $1 $ cost: 5$")).toEqual({ ok: true, value: "echo $HOME $1 $ cost: 5$" });
    expect(ok("no dollars at all")).toEqual({ ok: true, value: "no dollars at all" });
  });

  test("an unset variable without a default fails, naming it", () => {
    const r = ok("x ${HOST} ${MISSING_VAR} ${ALSO_MISSING}");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toStartWith("variable MISSING_VAR is not set");
    expect(!r.ok && r.message).toContain("${MISSING_VAR:-value}");
  });

  test("malformed references fail with what was expected", () => {
    for (const text of ["${}", "${1X}", "${A B}", "${A:default}", "${A-b}"]) {
      const r = ok(text);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toContain("invalid variable reference");
    }
    const open = ok("run ${HOST");
    expect(!open.ok && open.message).toContain("unterminated ${");
  });
});
