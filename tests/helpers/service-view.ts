/** A ServiceView as the daemon would show it, for tests. */
import { type ServiceView, toServiceView } from "../../src/api/wire.ts";

/** `name` running with pid 100 and nothing else set; `extra` overrides any field. */
export function serviceView(name: string, extra: Partial<ServiceView> = {}): ServiceView {
  const base = toServiceView({ short: name, status: "running", pid: 100, restartsInWindow: 0, ready: true, cmd: [] }, true);
  return { ...base, ...extra };
}
