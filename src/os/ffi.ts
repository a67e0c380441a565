/** bun:ffi, loaded on first use rather than imported. */
import type * as Ffi from "bun:ffi";

let loaded: typeof Ffi | undefined;

/**
 * The bun:ffi module. An `import` of it would be evaluated at start by every command, and
 * the module costs a daemon's RSS about 1 MiB; only sd_notify services and a daemon running
 * as PID 1 need it.
 */
export function bunFfi(): typeof Ffi {
  loaded ??= require("bun:ffi") as typeof Ffi;
  return loaded;
}
