/** A launchd property list that runs `canopy up` in the foreground (pure). */
import { join } from "node:path";
import type { ServiceSpec } from "./spec.ts";

/** `dev.canopy.<id>`. */
export function launchdLabel(id: string): string {
  return `dev.canopy.${id}`;
}

/**
 * The plist: started at load, started again when it exits unsuccessfully (KeepAlive/SuccessfulExit),
 * SIGTERM on stop with ExitTimeOut before SIGKILL, the daemon's own output in its state directory.
 */
export function launchdPlist(spec: ServiceSpec): string {
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">`,
    `<!-- Written by canopy service install for ${xml(spec.configFile).replace(/--/g, "- -")} -->`,
    `<plist version="1.0">`,
    `<dict>`,
    ...entry("Label", string(launchdLabel(spec.id))),
    ...entry("ProgramArguments", ["<array>", ...spec.argv.map((a) => `  ${string(a)}`), "</array>"]),
    ...entry("WorkingDirectory", string(spec.workingDirectory)),
    ...(spec.environment.length === 0
      ? []
      : entry("EnvironmentVariables", ["<dict>", ...spec.environment.flatMap(([k, v]) => [`  <key>${xml(k)}</key>`, `  ${string(v)}`]), "</dict>"])),
    ...entry("RunAtLoad", "<true/>"),
    ...entry("KeepAlive", ["<dict>", "  <key>SuccessfulExit</key>", "  <false/>", "</dict>"]),
    ...entry("ThrottleInterval", "<integer>2</integer>"),
    ...entry("ExitTimeOut", `<integer>${spec.stopTimeoutSec}</integer>`),
    ...entry("StandardOutPath", string(join(spec.stateDir, "launchd.out.log"))),
    ...entry("StandardErrorPath", string(join(spec.stateDir, "launchd.err.log"))),
    `</dict>`,
    `</plist>`,
  ];
  return `${lines.join("\n")}\n`;
}

function entry(key: string, value: string | string[]): string[] {
  const values = Array.isArray(value) ? value : [value];
  return [`  <key>${xml(key)}</key>`, ...values.map((v) => `  ${v}`)];
}

function string(value: string): string {
  return `<string>${xml(value)}</string>`;
}

/** Text safe inside an XML element. */
export function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
