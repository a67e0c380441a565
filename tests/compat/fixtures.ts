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

/** A supervisord.conf in the style of supervisord's own configuration docs: a sample file's sections and comments. */
export const SUPERVISORD_CONF = `; Sample supervisor config file.

[unix_http_server]
file=/tmp/supervisor.sock   ; the path to the socket file

[supervisord]
logfile=/tmp/supervisord.log ; main log file; default $CWD/supervisord.log
nodaemon=true                ; start in foreground if true; default false
environment=APP_ENV="production",GREETING="hello, world"

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix:///tmp/supervisor.sock ; use a unix:// URL  for a unix socket

[program:cat]
command=/bin/cat -x "a b"
process_name=%(program_name)s_%(process_num)02d
numprocs=2
directory=%(here)s
priority=10
autostart=true
autorestart=unexpected
startsecs=2
startretries=3
exitcodes=0,2
stopsignal=QUIT
stopwaitsecs=10
user=chrism
redirect_stderr=true
stdout_logfile=/a/path
environment=A="1",B="2"

[program:worker]
command=bin/worker --queue=%(ENV_QUEUE)s
autorestart=false
startsecs=0

[group:app]
programs=cat,worker
priority=999

[include]
files = conf.d/*.conf
`;

/** An ecosystem.config.js in the style of PM2's configuration docs: apps with env and env_production, a cluster. */
export const PM2_ECOSYSTEM_JS = `module.exports = {
  apps : [{
    name   : "api-app",
    script : "./api.js",
    args   : "--port 3000",
    instances : 3,
    exec_mode : "cluster",
    env: {
      NODE_ENV: "development",
      GREETING: "hello"
    },
    env_production: {
      NODE_ENV: "production"
    },
    max_memory_restart: "300M",
    watch: true,
    out_file: "./logs/api-out.log",
    kill_timeout: 3000
  }, {
    name   : "worker-app",
    script : "worker.py",
    interpreter: "python3",
    autorestart: true,
    max_restarts: 10,
    min_uptime: "5s",
    restart_delay: 2000,
    cron_restart: "0 0 * * *"
  }],
  deploy : {
    production : { user: "node", host: "212.83.163.1", ref: "origin/master" }
  }
}
`;

/** A process-compose.yaml in the shape of process-compose's Quick Start: capitalised names, shared and own environment. */
export const PC_QUICK_START = `version: "0.5"

environment:
  - "GLOBAL_ENV_VAR=1"
log_location: ./pc.log
log_level: debug

processes:
  Manager:
    command: "./manager --verbose"
    description: the one that hands out work
    availability:
      restart: "always"
    depends_on:
      ClientA:
        condition: process_started

  ClientA:
    command: "./client --name A"
    availability:
      restart: "always"
      exit_on_end: true
    depends_on:
      Server_1A:
        condition: process_started
    environment:
      - "LOCAL_ENV_VAR=1"

  Server_1A:
    command: "./server --port 9001"
    replicas: 2
    environment:
      - "GLOBAL_ENV_VAR=override"
    shutdown:
      command: "./server --stop"
      signal: 15
      timeout_seconds: 5
`;
