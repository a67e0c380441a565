/** `canopy metrics`: the daemon's Prometheus metrics, as `GET /metrics` answers them. */
import type { ParsedArgs } from "../args.ts";
import { type Io, openDaemon } from "../context.ts";

export async function metrics(io: Io, args: ParsedArgs): Promise<number> {
  const daemon = openDaemon(io, args.config);
  io.stdout(await daemon.client.text("/metrics"));
  return 0;
}
