import { describe, expect, test } from "bun:test";
import { interpolateConfig } from "../../src/config/interpolate-config.ts";

const vars: Record<string, string> = { APP: "/srv/app", PORT: "8081", LEVEL: "debug" };
const lookup = (name: string) => vars[name];

describe("interpolateConfig", () => {
  test("resolves cmd (string and argv), cwd, env values, env_file and port; leaves other keys and env names alone", () => {
    const raw = {
      services: {
        api: {
          cmd: ["${APP}/bin/api", "--port", "${PORT}"],
          cwd: "${APP}",
          env: { LOG_LEVEL: "${LEVEL}", COUNT: 3, "${NOT_A_REF}": "x" },
          env_file: "${APP}/.env",
          port: "${PORT:-80}",
          stop_signal: "${NOT_INTERPOLATED}",
        },
        sh: { cmd: "echo $$ $HOME ${LEVEL:-info}", port: 9000 },
      },
      logs: { max_size: "${NOR_HERE}" },
    };
    const { raw: out, problems } = interpolateConfig(raw, lookup);
    expect(problems).toEqual([]);
    expect(out).toEqual({
      services: {
        api: {
          cmd: ["/srv/app/bin/api", "--port", "8081"],
          cwd: "/srv/app",
          env: { LOG_LEVEL: "debug", COUNT: 3, "${NOT_A_REF}": "x" },
          env_file: "/srv/app/.env",
          port: 8081,
          stop_signal: "${NOT_INTERPOLATED}",
        },
        sh: { cmd: "echo $ $HOME debug", port: 9000 },
      },
      logs: { max_size: "${NOR_HERE}" },
    });
    // The input is not changed.
    expect(raw.services.api.cwd).toBe("${APP}");
  });

  test("each unresolved reference is a problem naming the service and the field", () => {
    const { problems } = interpolateConfig(
      { services: { a: { cmd: ["x", "${NO_ARG}"], env: { K: "${NO_ENV}" }, port: "${NO_PORT}" }, b: { cmd: "run ${NO_CMD}", cwd: "${NO_CWD}" } } },
      lookup,
    );
    expect(problems.map((p) => [p.service, p.field, /variable (\w+)/.exec(p.message)?.[1]])).toEqual([
      ["a", "cmd[1]", "NO_ARG"],
      ["a", "env.K", "NO_ENV"],
      ["a", "port", "NO_PORT"],
      ["b", "cmd", "NO_CMD"],
      ["b", "cwd", "NO_CWD"],
    ]);
  });

  test("a port that does not resolve to digits stays a string, for the schema to refuse", () => {
    expect(interpolateConfig({ services: { a: { port: "${LEVEL}" } } }, lookup).raw).toEqual({ services: { a: { port: "debug" } } });
  });

  test("shapes it cannot walk are handed on unchanged", () => {
    for (const raw of [null, "text", { services: [1] }, { services: { a: "x" } }]) {
      expect(interpolateConfig(raw, lookup)).toEqual({ raw, problems: [] });
    }
  });
});
