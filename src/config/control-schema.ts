/** Validation of the top-level `control:` (the optional TCP control listener); pure, the token file is checked by load. */
import { resolve } from "node:path";
import { checkBool, checkString, checkUnknownKeys, describe, isMapping, type Report } from "./checks.ts";
import { DEFAULTS } from "./defaults.ts";
import { isLoopbackHost, parseListen } from "./listen.ts";
import type { ControlConfig } from "./types.ts";

/** The keys allowed under `control:`. */
export const CONTROL_KEYS = ["listen", "token_file", "allow_non_loopback"] as const;

/** Validates `raw` (the value of `control`), resolving `token_file` against `dir`; undefined on any problem. */
export function validateControl(raw: unknown, dir: string, report: Report): ControlConfig | undefined {
  if (!isMapping(raw)) {
    report("control", `expected a mapping with listen and token_file, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const note: Report = (field, message) => {
    ok = false;
    report(field, message);
  };
  checkUnknownKeys(raw, CONTROL_KEYS, "control.", note);
  const allowNonLoopback =
    raw.allow_non_loopback === undefined ? DEFAULTS.allowNonLoopback : checkBool(raw.allow_non_loopback, "control.allow_non_loopback", note);
  const listen = checkListen(raw.listen, allowNonLoopback ?? false, note);
  const tokenFile = checkTokenFile(raw.token_file, dir, note);
  if (!ok || listen === undefined || tokenFile === undefined || allowNonLoopback === undefined) return undefined;
  return { listen, tokenFile, allowNonLoopback };
}

function checkListen(value: unknown, allowNonLoopback: boolean, report: Report): ControlConfig["listen"] | undefined {
  if (value === undefined) {
    report("control.listen", "missing; set listen: 127.0.0.1:7070, or remove control: to keep the TCP listener off");
    return undefined;
  }
  const text = checkString(value, "control.listen", report);
  if (text === undefined) return undefined;
  const listen = parseListen(text.trim());
  if (listen === undefined) {
    report("control.listen", `expected host:port such as 127.0.0.1:7070 or [::1]:7070, got ${describe(value)}`);
    return undefined;
  }
  if (!allowNonLoopback && !isLoopbackHost(listen.host)) {
    report("control.listen", `${listen.host} is not a loopback address; anyone who can reach it may try the token. ` +
      "Use 127.0.0.1 or ::1, or set allow_non_loopback: true");
    return undefined;
  }
  return listen;
}

function checkTokenFile(value: unknown, dir: string, report: Report): string | undefined {
  if (value === undefined) {
    report("control.token_file", "missing; required when listen is set: a file holding the bearer token, readable only by you (chmod 600)");
    return undefined;
  }
  const path = checkString(value, "control.token_file", report);
  return path === undefined ? undefined : resolve(dir, path);
}
