/** The C library through bun:ffi, under whichever name this Linux gives it (glibc or musl). */
import type { FFIFunction, Library } from "bun:ffi";
import { bunFfi } from "./ffi.ts";

const LIBC_NAMES = ["libc.so.6", "libc.so", `libc.musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`];

/** `symbols` from the first libc that loads; throws when none does (not Linux, or no libc to find). */
export function openLibc<Fns extends Record<string, FFIFunction>>(symbols: Fns): Library<Fns>["symbols"] {
  const { dlopen } = bunFfi();
  let last: unknown;
  for (const name of LIBC_NAMES) {
    try {
      return dlopen(name, symbols).symbols;
    } catch (err) {
      last = err;
    }
  }
  throw last;
}
