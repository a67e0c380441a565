/** One-line human descriptions of a service's state. */
import type { ServiceView } from "../api/wire.ts";

/** `api: running (pid 123, port 8080)` / `db: crashed: exited with code 1; 5 crashes …`. */
export function describeService(s: ServiceView): string {
  const details: string[] = [];
  if (s.pid !== null) details.push(`pid ${s.pid}`);
  if (s.port !== null) details.push(`port ${s.port}`);
  let line = `${s.name}: ${s.status}${details.length ? ` (${details.join(", ")})` : ""}`;
  const why = explain(s);
  if (why) line += ` — ${why}`;
  return line;
}

/** Why a service is in its state, when that needs saying. */
export function explain(s: ServiceView): string | undefined {
  if (s.start_error) return s.start_error.error_description;
  const exit = s.exit_signal ? `killed by ${s.exit_signal}${s.exit_signal === "SIGKILL" ? " (possibly out of memory)" : ""}` : s.exit_code !== null ? `last exit code ${s.exit_code}` : undefined;
  if (s.status === "crashed") {
    return [exit, s.restarts > 0 ? `gave up after ${s.restarts} crashes in the restart window` : undefined].filter(Boolean).join("; ");
  }
  if (s.status === "restarting") return [exit, s.next_restart_at ? `restarting at ${s.next_restart_at}` : undefined].filter(Boolean).join("; ");
  return undefined;
}
