/** `canopy service install|uninstall [--user|--system] [--print]`: run the daemon under systemd or launchd. */
import { homedir } from "node:os";
import { findConfigFile, loadConfig } from "../../config/index.ts";
import { ensurePrivateDir, resolvePaths } from "../../daemon/paths.ts";
import { CanopyError } from "../../errors.ts";
import { removeServiceFile, writeServiceFile } from "../../service/files.ts";
import { launchdPlist } from "../../service/launchd.ts";
import { disableInstructions, enableInstructions, type InitSystem, initSystemFor, serviceFilePath } from "../../service/locations.ts";
import { reachabilityNote, serviceEnvironment } from "../../service/reachable.ts";
import { buildServiceSpec, type Scope } from "../../service/spec.ts";
import { systemdUnit } from "../../service/systemd.ts";
import type { ParsedArgs } from "../args.ts";
import { choiceOf, type Io } from "../context.ts";
import { selfCommand } from "../self.ts";

/** Dispatches `service install` and `service uninstall`. */
export async function service(io: Io, args: ParsedArgs): Promise<number> {
  const [action, ...extra] = args.positionals;
  if (extra.length > 0 || (action !== "install" && action !== "uninstall")) {
    throw new CanopyError("usage", "expected `canopy service install` or `canopy service uninstall` (see `canopy help service`)");
  }
  if (action === "uninstall" && args.flags.print === true) throw new CanopyError("usage", "--print goes with `service install`");
  const init = initSystemFor(process.platform);
  if (init === undefined) throw new CanopyError("usage", `canopy service supports Linux (systemd) and macOS (launchd), not ${process.platform}`);
  const scope = scopeOf(args);
  return action === "install" ? install(io, args, init, scope) : uninstall(io, args, init, scope);
}

function install(io: Io, args: ParsedArgs, init: InitSystem, scope: Scope): number {
  const config = loadConfig({ explicit: args.config, env: io.env, cwd: io.cwd, choice: choiceOf(args) });
  const paths = resolvePaths({ configFile: config.file, env: io.env });
  const spec = buildServiceSpec({ config, paths, self: selfCommand(), env: io.env, scope });
  const text = init === "systemd" ? systemdUnit(spec) : launchdPlist(spec);
  const home = homedir();
  const file = serviceFilePath(init, scope, spec.id, io.env, home);
  const uid = process.getuid?.() ?? 0;
  const note = reachabilityNote({ configFile: config.file, shellEnv: io.env, serviceEnv: serviceEnvironment(init, scope, spec.environment, home, uid), uid });
  if (args.flags.print === true) {
    io.stdout(text);
    io.stderr(`canopy: not written (--print); \`canopy service install\` would write ${file}\n`);
    for (const line of note) io.stderr(`canopy: ${line}\n`);
    return 0;
  }
  // launchd opens StandardOutPath itself but does not create its folder.
  if (init === "launchd") ensurePrivateDir(paths.stateDir);
  const outcome = writeServiceFile(file, text);
  io.stdout(`${outcome === "unchanged" ? "unchanged" : outcome === "created" ? "wrote" : "updated"} ${file}\n`);
  io.stdout(`${[...enableInstructions(init, scope, spec.id, file), ...note].join("\n")}\n`);
  return 0;
}

function uninstall(io: Io, args: ParsedArgs, init: InitSystem, scope: Scope): number {
  // Only the config's path names the unit: a config that no longer validates can still be uninstalled.
  const configFile = findConfigFile({ explicit: args.config, env: io.env, cwd: io.cwd });
  const { id } = resolvePaths({ configFile, env: io.env });
  const file = serviceFilePath(init, scope, id, io.env, homedir());
  const { removed, links } = removeServiceFile(file);
  if (!removed && links.length === 0) {
    throw new CanopyError("not_found", `no ${scope} service is installed for ${configFile} (looked for ${file})`);
  }
  for (const link of links) io.stdout(`removed ${link}\n`);
  if (removed) io.stdout(`removed ${file}\n`);
  io.stdout(`${disableInstructions(init, scope, id).join("\n")}\n`);
  return 0;
}

/** --user or --system; neither means --system for root, --user for everyone else. */
function scopeOf(args: ParsedArgs): Scope {
  if (args.flags.user === true && args.flags.system === true) throw new CanopyError("usage", "--user and --system exclude each other");
  if (args.flags.user === true) return "user";
  if (args.flags.system === true) return "system";
  return process.getuid?.() === 0 ? "system" : "user";
}
