import { expect, test } from "bun:test";
import { withoutHostOptions } from "../../src/remote/host-argv.ts";

test("withoutHostOptions drops every form of -H and keeps the rest in order", () => {
  expect(withoutHostOptions(["-H", "a", "-c", "x.yaml", "--host", "b", "up", "-Hc", "--host=d", "-d"])).toEqual(["-c", "x.yaml", "up", "-d"]);
  expect(withoutHostOptions(["logs", "--", "-H", "x"])).toEqual(["logs", "--", "-H", "x"]);
});
