import { afterAll, describe, expect, test } from "bun:test";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import { toKubernetes } from "../../src/export/kubernetes.ts";
import { isCanopyError } from "../../src/errors.ts";
import { removeTempDirs, thrown } from "../config/tmp.ts";
import { loadStack, REPLICAS_YAML } from "./fixture.ts";

afterAll(removeTempDirs);

const config = loadStack();
const result = toKubernetes({ config, stack: "shop", image: "ghcr.io/acme/shop:1" });
type Doc = Record<string, any>;
const docs: Doc[] = result.files.flatMap((f) => f.text.split(/^---$/m).map((d) => Bun.YAML.parse(d) as Doc));
const container = (name: string) => docs.find((d) => d.kind === "Deployment" && d.metadata.name === name)?.spec.template.spec.containers[0];

/** RFC 1035 label: what a Service name must be (kubernetes-models checks types, not names). */
const DNS_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

describe("toKubernetes", () => {
  test("every manifest validates against the Kubernetes API schema", () => {
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      "Deployment/db", "Service/db", "Deployment/migrate", "Deployment/api", "Service/api", "Deployment/notifier", "Deployment/tail-log",
    ]);
    for (const doc of docs) {
      const model = doc.kind === "Deployment" ? new Deployment(doc) : new Service(doc);
      expect(() => model.validate()).not.toThrow();
      expect(doc.metadata.name).toMatch(DNS_1035);
    }
  });

  test("the schema check can fail: a probe period that is not a whole number is refused", () => {
    const doc = structuredClone(docs[0] as Doc);
    doc.spec.template.spec.containers[0].readinessProbe.periodSeconds = "1s";
    expect(() => new Deployment(doc).validate()).toThrow("periodSeconds");
  });

  test("image, command, env (without env_file values), ports, replicas, grace period", () => {
    expect(container("db")).toEqual({
      name: "db",
      image: "postgres:16",
      command: ["/bin/sleep", "1000"],
      env: [
        { name: "SHARED", value: "from-env" }, { name: "A", value: "x y" }, { name: "B", value: "50%" },
        { name: "C", value: "$HOME" }, { name: "PORT", value: "5432" },
      ],
      ports: [{ name: "main", containerPort: 5432, protocol: "TCP" }],
      readinessProbe: { tcpSocket: { port: 5432 }, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1 },
    });
    const db = docs[0] as Doc;
    expect(db.spec.replicas).toBe(1);
    expect(db.spec.template.spec.terminationGracePeriodSeconds).toBe(2);
    expect(docs.find((d) => d.metadata.name === "notifier")?.spec.replicas).toBe(0);
    expect(docs[1]).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "db", labels: { "app.kubernetes.io/name": "db", "app.kubernetes.io/part-of": "shop" } },
      spec: {
        selector: { "app.kubernetes.io/name": "db", "app.kubernetes.io/part-of": "shop" },
        ports: [{ name: "main", port: 5432, targetPort: 5432, protocol: "TCP" }],
      },
    });
  });

  test("ready and alive become probes of the same kind", () => {
    const api = container("api");
    expect(api.image).toBe("ghcr.io/acme/shop:1");
    expect(api.readinessProbe).toEqual({ httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" }, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1 });
    expect(api.livenessProbe).toEqual({ exec: { command: ["/bin/true"] }, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 4 });
    expect(container("tail-log").readinessProbe).toBeUndefined();
  });

  test("names what does not map", () => {
    expect(result.unmapped).toEqual([
      "db.stop_signal (the kubelet sends SIGTERM, or the image's STOPSIGNAL)",
      "db.env_file (its values are not copied: put them in a Secret or ConfigMap)",
      "migrate.depends_on.db, api.depends_on.migrate, api.depends_on.db (Kubernetes starts every Deployment at once)",
      "migrate.restart: on-failure (a Deployment always restarts its pods)",
      "migrate.max_restarts, api.restart_delay (the kubelet's own crash-loop backoff applies)",
      "notifier.ready.notify, tail_log.ready.log (Kubernetes has no probe of that kind)",
      "tail_log → tail-log (renamed to a valid Kubernetes name)",
    ]);
  });

  test("a service without image: and no --image is refused, naming each", () => {
    const err = thrown(() => toKubernetes({ config, stack: "shop" }));
    expect(isCanopyError(err) && { type: err.error_type, message: err.message }).toEqual({
      type: "usage",
      message: "export to kubernetes needs a container image for migrate, api, notifier, tail_log: add `image:` to the service or pass --image IMAGE",
    });
  });

  test("the same config gives the same bytes", () => {
    expect(toKubernetes({ config, stack: "shop", image: "ghcr.io/acme/shop:1" })).toEqual(result);
  });
});

describe("toKubernetes with replicas", () => {
  const replicated = toKubernetes({ config: loadStack(REPLICAS_YAML), stack: "shop" });
  const all: Doc[] = replicated.files.flatMap((f) => f.text.split(/^---$/m).map((d) => Bun.YAML.parse(d) as Doc));

  test("replicas is the Deployment's replicas; its pods all listen on port; the difference is named", () => {
    const web = all.find((d) => d.kind === "Deployment" && d.metadata.name === "web") as Doc;
    expect(web.spec.replicas).toBe(3);
    expect(() => new Deployment(web).validate()).not.toThrow();
    expect(web.spec.template.spec.containers[0].ports).toEqual([{ name: "main", containerPort: 8000, protocol: "TCP" }]);
    expect(replicated.unmapped).toContain("web.replicas (pods are alike: each has its own address and listens on port itself; none gets CANOPY_REPLICA)");
  });
});
