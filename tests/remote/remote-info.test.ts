import { describe, expect, test } from "bun:test";
import { isCanopyError } from "../../src/errors.ts";
import { parseRemoteInfo, withoutSecrets } from "../../src/remote/remote-info.ts";
import { thrown } from "../config/tmp.ts";
import { serviceConfig } from "../helpers/service-config.ts";

describe("remote-info", () => {
  test("the config goes without any variable's value or env_file", () => {
    const svc = { ...serviceConfig("api"), env: { TOKEN: "s3cret", PORT: "80" }, envFile: { path: "/srv/.env", keys: ["TOKEN"], shadowed: [] } };
    const config = { file: "/srv/canopy.yaml", dir: "/srv", services: [svc], logs: { maxSizeBytes: 1, maxFiles: 1 } };
    const out = withoutSecrets(config);
    expect(out.services[0]?.env).toEqual({ TOKEN: "", PORT: "" });
    expect(JSON.stringify(out)).not.toContain("s3cret");
    expect(JSON.stringify(out)).not.toContain("/srv/.env");
  });

  test("its answer is the last line; anything else is not remote-info's", () => {
    const doc = { canopy_remote: 1, version: "canopy 1", config_file: "/srv/canopy.yaml" };
    expect(parseRemoteInfo(`Welcome!\n${JSON.stringify(doc)}\n`, "web1")).toMatchObject(doc);
    expect(parseRemoteInfo("canopy: unknown command \"remote-info\"\n", "web1")).toBeUndefined();
    expect(parseRemoteInfo('{"other":1}\n', "web1")).toBeUndefined();
  });

  test("an error there becomes the same error here, naming the host", () => {
    const err = thrown(() => parseRemoteInfo('{"canopy_remote":1,"error_type":"invalid_config","error_description":"config file x does not exist"}', "web1"));
    expect(isCanopyError(err) && [err.error_type, err.message, err.exitCode]).toEqual(["invalid_config", "on web1: config file x does not exist", 2]);
  });
});
