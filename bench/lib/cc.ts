// Builds the C fixtures with the system compiler into a temp dir.
import { join } from "node:path";
import { run } from "./exec.ts";

export type Fixtures = { listener: string; writer: string };

const SRC = join(import.meta.dir, "..", "fixtures");

/** Compiles bench/fixtures/{listener,writer}.c with `cc -O2` into dir. */
export async function buildFixtures(dir: string): Promise<Fixtures> {
  const out: Record<string, string> = {};
  for (const name of ["listener", "writer"]) {
    const bin = join(dir, name);
    await run(["cc", "-O2", "-o", bin, join(SRC, `${name}.c`)], { timeoutMs: 60_000 });
    out[name] = bin;
  }
  return { listener: out.listener as string, writer: out.writer as string };
}
