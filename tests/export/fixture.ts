/** One stack using every setting export maps (and some it cannot), loaded as `canopy up` would. */
import { loadConfigFile } from "../../src/config/load.ts";
import type { CanopyConfig } from "../../src/config/types.ts";
import { tempDir } from "../config/tmp.ts";

/** A db with a port and an env_file, a one-shot migration, an api with probes, a manual worker; commands are real paths. */
export const STACK_YAML = `services:
  db:
    cmd: ["/bin/sleep", "1000"]
    port: 5432
    env_file: .env
    env: { A: "x y", B: "50%", C: "$HOME", SHARED: from-env }
    stop_signal: SIGINT
    stop_timeout: 1500ms
    image: postgres:16
  migrate:
    cmd: "echo migrate"
    restart: on-failure
    max_restarts: 2
    depends_on: { db: { condition: healthy } }
  api:
    cmd: ["/bin/sleep", "1000"]
    port: 8080
    depends_on: { migrate: { condition: completed }, db: { condition: started } }
    ready: { http: "http://127.0.0.1:8080/healthz", interval: 500ms }
    alive: { exec: ["/bin/true"], interval: 5s, failure_threshold: 4 }
    restart_delay: 1s
  notifier:
    cmd: ["/bin/sleep", "1000"]
    ready: { notify: true }
    autostart: false
  tail_log:
    cmd: ["/bin/sleep", "1000"]
    ready: { log: "started" }
`;

/** The stack in a fresh folder named `shop` (the stack's name), with its .env. */
export function loadStack(yaml = STACK_YAML): CanopyConfig {
  const root = tempDir({ "shop/canopy.yaml": yaml, "shop/.env": "SECRET=s3\nSHARED=from-file\n" });
  return loadConfigFile(`${root}/shop/canopy.yaml`);
}

/** A web with three replicas on port 8000 and an api that depends on it. */
export const REPLICAS_YAML = `services:
  web:
    cmd: ["/bin/sleep", "1000"]
    port: 8000
    replicas: 3
    image: nginx:1
  api:
    cmd: ["/bin/sleep", "1000"]
    depends_on: [web]
    image: nginx:1
`;
