/** Where a unit or plist goes, and the commands that enable, reload and disable it (pure). */
import { isAbsolute, join } from "node:path";
import { launchdLabel } from "./launchd.ts";
import type { Scope } from "./spec.ts";
import { systemdUnitName } from "./systemd.ts";

/** The init systems Canopy writes for. */
export type InitSystem = "systemd" | "launchd";

/** systemd on Linux, launchd on macOS; undefined elsewhere. */
export function initSystemFor(platform: string): InitSystem | undefined {
  if (platform === "linux") return "systemd";
  if (platform === "darwin") return "launchd";
  return undefined;
}

/** The file's absolute path: systemd's user or system unit folder, or LaunchAgents/LaunchDaemons. */
export function serviceFilePath(init: InitSystem, scope: Scope, id: string, env: Record<string, string | undefined>, home: string): string {
  if (init === "launchd") {
    const name = `${launchdLabel(id)}.plist`;
    return scope === "system" ? join("/Library/LaunchDaemons", name) : join(env.HOME || home, "Library/LaunchAgents", name);
  }
  const name = systemdUnitName(id);
  if (scope === "system") return join("/etc/systemd/system", name);
  const configHome = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(env.HOME || home, ".config");
  return join(configHome, "systemd/user", name);
}

/** What to run after installing: the commands, and advice lines. */
export function enableInstructions(init: InitSystem, scope: Scope, id: string, file: string): string[] {
  if (init === "launchd") {
    const domain = scope === "system" ? "system" : "gui/$(id -u)";
    const sudo = scope === "system" ? "sudo " : "";
    return [
      "Load and start it:",
      `  ${sudo}launchctl bootstrap ${domain} ${shellQuote(file)}`,
      "Reload the config later with:",
      `  ${sudo}launchctl kill SIGHUP ${domain}/${launchdLabel(id)}`,
    ];
  }
  const ctl = scope === "system" ? "systemctl" : "systemctl --user";
  const unit = systemdUnitName(id);
  const lines = ["Enable and start it:", `  ${ctl} daemon-reload && ${ctl} enable --now ${unit}`];
  if (scope === "user") lines.push("On a server, keep it running when you are logged out (and start it at boot):", "  loginctl enable-linger $USER");
  lines.push("Reload the config later with:", `  ${ctl} reload ${unit}`, "Its output:", `  journalctl ${scope === "user" ? "--user " : ""}-u ${unit} -f`);
  return lines;
}

/** What to run after uninstalling (the file and its enable links are gone): stop the running instance, forget the unit. */
export function disableInstructions(init: InitSystem, scope: Scope, id: string): string[] {
  if (init === "launchd") {
    const domain = scope === "system" ? "system" : "gui/$(id -u)";
    return ["Stop it if it is loaded:", `  ${scope === "system" ? "sudo " : ""}launchctl bootout ${domain}/${launchdLabel(id)}`];
  }
  const ctl = scope === "system" ? "systemctl" : "systemctl --user";
  return ["Stop it and forget it:", `  ${ctl} stop ${systemdUnitName(id)}; ${ctl} daemon-reload`];
}

/** `'text'` for a POSIX shell, when it needs quoting. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
