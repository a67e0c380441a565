/** `canopy remote-info [-c FILE]` (hidden): run over ssh by `-H`, prints where this machine's daemon for FILE listens. */
import { findConfigFile, loadConfigWithWarnings } from "../../config/index.ts";
import { resolvePaths } from "../../daemon/paths.ts";
import { isCanopyError } from "../../errors.ts";
import { type RemoteInfo, type RemoteInfoError, withoutSecrets } from "../../remote/remote-info.ts";
import { versionString } from "../../version.ts";
import type { ParsedArgs } from "../args.ts";
import { DaemonClient } from "../client.ts";
import type { Io } from "../context.ts";

/** Always one JSON line and exit 0 once canopy runs: the caller tells ssh's failures from canopy's by that. */
export async function remoteInfo(io: Io, args: ParsedArgs): Promise<number> {
  let file: string;
  try {
    file = findConfigFile({ explicit: args.config, env: io.env, cwd: io.cwd });
  } catch (err) {
    if (!isCanopyError(err)) throw err;
    const doc: RemoteInfoError = { canopy_remote: 1, error_type: err.error_type, error_description: err.message };
    io.stdout(`${JSON.stringify(doc)}\n`);
    return 0;
  }
  const paths = resolvePaths({ configFile: file, env: io.env });
  const doc: RemoteInfo = {
    canopy_remote: 1,
    version: versionString(),
    config_file: file,
    paths,
    daemon_running: await new DaemonClient(paths.socketPath, file).alive(),
    config: null,
    config_error: null,
    warnings: [],
  };
  try {
    const { config, warnings } = loadConfigWithWarnings({ explicit: file, env: io.env, cwd: io.cwd });
    doc.config = withoutSecrets(config);
    doc.warnings = warnings;
  } catch (err) {
    if (!isCanopyError(err)) throw err;
    doc.config_error = err.message;
  }
  io.stdout(`${JSON.stringify(doc)}\n`);
  return 0;
}
