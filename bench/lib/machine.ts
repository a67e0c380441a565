// What machine the numbers come from.
import { readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";

export type Machine = { cpu: string; cores: number; memory_mib: number; kernel: string; bun: string; tools: Record<string, string> };

export function machine(tools: Record<string, string>): Machine {
  let cpu = cpus()[0]?.model ?? "?";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m?.[1]) cpu = m[1].trim();
  } catch {}
  return { cpu, cores: cpus().length, memory_mib: Math.round(totalmem() / 2 ** 20), kernel: release(), bun: Bun.version, tools };
}
