/** Shared config texts for the compat tests. */

/** Every supported key, plus unsupported ones at each level. */
export const PC_FILE = `version: "0.5"
log_location: /tmp/pc.log
processes:
  db:
    command: "postgres -D data"
    readiness_probe:
      exec:
        command: "pg_isready"
      initial_delay_seconds: 2
      period_seconds: 1
      timeout_seconds: 3
    availability:
      restart: always
    shutdown:
      signal: 2
      timeout_seconds: 10
  migrate:
    command: bun migrate.ts
    namespace: setup
    depends_on:
      db:
        condition: process_healthy
  api:
    command: bun api.ts
    working_dir: ./api
    environment:
      - "PORT=8080"
      - "GREETING=a=b"
    replicas: 2
    depends_on:
      db:
        condition: process_healthy
      migrate:
        condition: process_completed_successfully
    readiness_probe:
      http_get:
        host: 127.0.0.1
        port: 8080
        path: /healthz
        scheme: http
    liveness_probe:
      http_get:
        port: "8080"
        path: live
      period_seconds: 5
      failure_threshold: 4
      success_threshold: 1
    availability:
      restart: exit_on_failure
      backoff_seconds: 2
      max_restarts: 3
    shutdown:
      signal: SIGINT
  off:
    command: sleep 1
    disabled: true
`;
