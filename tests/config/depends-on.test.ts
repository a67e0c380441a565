import { describe, expect, test } from "bun:test";
import { parseDependsOn } from "../../src/config/depends-schema.ts";
import { validateConfig } from "../../src/config/schema.ts";
import type { ConfigProblem, Dependency } from "../../src/config/types.ts";

const WHERE = { file: "/proj/canopy.yaml", dir: "/proj" };

function validate(services: Record<string, unknown>): { deps: Record<string, Dependency[]>; problems: ConfigProblem[] } {
  const { config, problems } = validateConfig({ services }, WHERE);
  return { deps: Object.fromEntries(config.services.map((s) => [s.name, s.dependsOn])), problems };
}

describe("parseDependsOn: syntax", () => {
  const parse = (raw: unknown) => {
    const problems: string[] = [];
    const deps = parseDependsOn(raw, (field, message) => problems.push(`${field}: ${message}`));
    return { deps, problems };
  };

  test("list form: names, condition left to the default", () => {
    expect(parse(["db", "cache"])).toEqual({
      deps: [{ service: "db", field: "depends_on[0]" }, { service: "cache", field: "depends_on[1]" }],
      problems: [],
    });
  });

  test("mapping form: condition optional, null and {} allowed", () => {
    expect(parse({ db: { condition: "healthy" }, cache: null, queue: {} })).toEqual({
      deps: [
        { service: "db", condition: "healthy", field: "depends_on.db" },
        { service: "cache", field: "depends_on.cache" },
        { service: "queue", field: "depends_on.queue" },
      ],
      problems: [],
    });
  });

  test.each([
    ["db", 'depends_on: expected a list of service names or a mapping of name to { condition }, got "db"'],
    [["db", 3], "depends_on[1]: expected a service name, got 3"],
    [["db", "db"], 'depends_on[1]: "db" is listed twice (also at depends_on[0])'],
    [{ db: "healthy" }, 'depends_on.db: expected { condition: started | healthy | completed }, got "healthy"'],
    [{ db: { condition: "ready" } }, 'depends_on.db.condition: expected one of started, healthy, completed, got "ready"'],
    [{ db: { conditon: "healthy" } }, "depends_on.db.conditon: unknown key; did you mean condition?"],
  ])("%j → problem", (raw, problem) => {
    expect(parse(raw).problems).toEqual([problem]);
  });
});

describe("depends_on across services", () => {
  test("the example from the docs: list and mapping forms, default conditions", () => {
    const { deps, problems } = validate({
      db: { cmd: ["postgres"], ready: { exec: "pg_isready" } },
      migrate: { cmd: "bun migrate.ts", restart: "never", depends_on: { db: { condition: "healthy" } } },
      api: { cmd: ["bun", "api.ts"], port: 8080, depends_on: ["db", "migrate"] },
    });
    expect(problems).toEqual([]);
    expect(deps).toEqual({
      db: [],
      migrate: [{ service: "db", condition: "healthy" }],
      api: [
        { service: "db", condition: "healthy" },
        { service: "migrate", condition: "started" },
      ],
    });
  });

  test("default condition: healthy for a dependency with a port (its default tcp probe), started without any probe", () => {
    const { deps } = validate({
      web: { cmd: "x", port: 3000 },
      worker: { cmd: "y" },
      app: { cmd: "z", depends_on: { web: null, worker: {} } },
    });
    expect(deps.app).toEqual([
      { service: "web", condition: "healthy" },
      { service: "worker", condition: "started" },
    ]);
  });

  test("completed on a dependency that may exit", () => {
    const { deps, problems } = validate({
      seed: { cmd: "x", restart: "on-failure" },
      app: { cmd: "y", depends_on: { seed: { condition: "completed" } } },
    });
    expect(problems).toEqual([]);
    expect(deps.app).toEqual([{ service: "seed", condition: "completed" }]);
  });

  test("unknown dependency, with a suggestion or the list of services", () => {
    expect(validate({ db: { cmd: "x" }, api: { cmd: "y", depends_on: ["dbb", "queue"] } }).problems).toEqual([
      { service: "api", field: "depends_on[0]", message: 'unknown service "dbb"; did you mean db?' },
      { service: "api", field: "depends_on[1]", message: 'unknown service "queue"; services: db, api' },
    ]);
  });

  test("a dependency on a service that is itself invalid is not called unknown", () => {
    const { problems } = validate({ db: { cmd: [] }, api: { cmd: "y", depends_on: ["db"] } });
    expect(problems).toEqual([{ service: "db", field: "cmd", message: "must not be an empty list" }]);
  });

  test("completed on a restart: always dependency (explicit or by default) is refused", () => {
    const { problems } = validate({
      db: { cmd: "x" },
      cache: { cmd: "x", restart: "always" },
      api: { cmd: "y", depends_on: { db: { condition: "completed" }, cache: { condition: "completed" } } },
    });
    expect(problems.map((p) => [p.service, p.field])).toEqual([
      ["api", "depends_on.db.condition"],
      ["api", "depends_on.cache.condition"],
    ]);
    expect(problems[0]?.message).toBe(
      'condition completed waits for "db" to exit, but it has restart: always so it never completes; ' +
        "give db restart: on-failure or never, or wait for started/healthy",
    );
  });

  test("healthy on a dependency without a ready probe is refused", () => {
    expect(validate({ db: { cmd: "x" }, api: { cmd: "y", depends_on: { db: { condition: "healthy" } } } }).problems).toEqual([
      {
        service: "api",
        field: "depends_on.db.condition",
        message: 'condition healthy needs "db" to have a ready probe (ready: or port:); add one, or wait for started',
      },
    ]);
  });

  test("a service depending on itself", () => {
    expect(validate({ a: { cmd: "x", depends_on: ["a"] } }).problems).toEqual([
      { service: "a", field: "depends_on", message: "dependency cycle: a → a (a service cannot depend on itself)" },
    ]);
  });

  test("a cycle is named from its first service in file order", () => {
    const { problems } = validate({
      ok: { cmd: "x" },
      a: { cmd: "x", depends_on: ["b"] },
      c: { cmd: "x", depends_on: ["a", "ok"] },
      b: { cmd: "x", depends_on: ["c"] },
    });
    expect(problems).toEqual([{ service: "a", field: "depends_on", message: "dependency cycle: a → b → c → a" }]);
  });

  test("every disjoint cycle is reported", () => {
    const { problems } = validate({
      a: { cmd: "x", depends_on: ["b"] },
      b: { cmd: "x", depends_on: ["a"] },
      c: { cmd: "x", depends_on: ["d"] },
      d: { cmd: "x", depends_on: ["c"] },
    });
    expect(problems.map((p) => p.message)).toEqual(["dependency cycle: a → b → a", "dependency cycle: c → d → c"]);
  });
});
