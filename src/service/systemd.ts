/** A systemd unit that runs `canopy up` in the foreground (pure). */
import type { ServiceSpec } from "./spec.ts";

/** `canopy-<id>.service`. */
export function systemdUnitName(id: string): string {
  return `canopy-${id}.service`;
}

/**
 * The unit text: Type=simple with `up` in the foreground, restarted on failure; SIGTERM goes to
 * canopy alone (KillMode=mixed) so it stops its own process groups, SIGKILL to leftovers after
 * TimeoutStopSec; `systemctl reload` sends SIGHUP, on which the daemon re-reads its config.
 * Delegate=yes hands canopy its cgroup, so even a user unit gets a cgroup per service.
 */
export function systemdUnit(spec: ServiceSpec): string {
  const system = spec.scope === "system";
  const unit = [
    "[Unit]",
    `Description=Canopy: the services of ${escapeSpecifiers(spec.configFile)}`,
    "Documentation=https://github.com/canopy-sh/canopy",
    ...(system ? ["Wants=network-online.target", "After=network-online.target"] : []),
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${spec.argv.map(quoteExecArg).join(" ")}`,
    "ExecReload=/bin/kill -HUP $MAINPID",
    `WorkingDirectory=${escapeSpecifiers(spec.workingDirectory)}`,
    ...spec.environment.map(([k, v]) => `Environment=${quoteValue(`${k}=${v}`)}`),
    "Restart=on-failure",
    "RestartSec=2",
    "KillMode=mixed",
    "KillSignal=SIGTERM",
    // The daemon's cgroup is its own to divide: a cgroup per service (see src/os/cgroup/).
    "Delegate=yes",
    `TimeoutStopSec=${spec.stopTimeoutSec}`,
    "",
    "[Install]",
    `WantedBy=${system ? "multi-user.target" : "default.target"}`,
  ];
  return `# Written by \`canopy service install\` for ${spec.configFile}\n${unit.join("\n")}\n`;
}

/** One ExecStart argument: bare when plain, else double-quoted; `%` and `$` are escaped so systemd keeps them literal. */
export function quoteExecArg(arg: string): string {
  const escaped = escapeSpecifiers(arg).replace(/\$/g, "$$$$");
  return /^[A-Za-z0-9_@%+=:,./$-]+$/.test(escaped) ? escaped : quoteValue(arg).replace(/\$/g, "$$$$");
}

/** A double-quoted systemd value: `\` and `"` backslashed, control characters as C escapes, `%` doubled. */
export function quoteValue(value: string): string {
  const body = escapeSpecifiers(value)
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\t/g, "\\t")
    // biome-ignore lint: control characters are the point here
    .replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return `"${body}"`;
}

/** `%` starts a specifier in most unit settings; `%%` is a literal one. */
function escapeSpecifiers(text: string): string {
  return text.replace(/%/g, "%%");
}
