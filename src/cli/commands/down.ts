/** `canopy down`: stop every service and the daemon. */
import { CanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, openDaemon } from "../context.ts";
import { waitUntil } from "../wait.ts";

export async function down(io: Io, args: ParsedArgs): Promise<number> {
  // Not validated: a daemon must be stoppable after its config was broken by an edit.
  const { client } = openDaemon(io, args.config);
  if (!(await client.alive())) {
    io.stderr("canopy: no daemon is running for this config; nothing to stop\n");
    return 0;
  }
  await client.call("POST", "/v1/shutdown");
  if (!(await waitUntil(async () => !(await client.alive()), 30_000))) {
    throw new CanopyError("internal", "the daemon stopped its services but is still answering after 30s");
  }
  io.stderr("canopy: stopped every service and the daemon\n");
  return 0;
}
