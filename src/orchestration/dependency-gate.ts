/** Whether a service may start, given its dependencies' states. Pure: no I/O. */
import type { Dependency } from "../config/types.ts";
import type { ServiceState } from "../supervisor/types.ts";

/** `go`: start now; `wait`: a dependency is on its way; `blocked`: a dependency failed. */
export type Gate =
  | { kind: "go" }
  | { kind: "wait"; on: string[] }
  | { kind: "blocked"; dependency: string; detail: string };

/** A dependency's state: one, or one per replica (`replicas: N`). */
type Looked = ServiceState | undefined | readonly (ServiceState | undefined)[];

/**
 * Evaluates every dependency: any failed one blocks, any pending one waits, else go. A dependency with replicas
 * holds when it holds for every replica, and fails when one of them failed.
 */
export function evaluateDependencies(deps: Dependency[], stateOf: (name: string) => Looked): Gate {
  const waiting: string[] = [];
  for (const dep of deps) {
    const looked = stateOf(dep.service);
    const states = Array.isArray(looked) ? looked : [looked as ServiceState | undefined];
    const verdicts = states.map((s) => check(dep, s));
    const failedAt = verdicts.indexOf("failed");
    const state = states[failedAt === -1 ? 0 : failedAt];
    const verdict = failedAt !== -1 ? "failed" : verdicts.length > 0 && verdicts.every((v) => v === "met") ? "met" : "pending";
    if (verdict === "failed") {
      return { kind: "blocked", dependency: dep.service, detail: failure(dep, state) };
    }
    if (verdict === "pending") waiting.push(dep.service);
  }
  return waiting.length === 0 ? { kind: "go" } : { kind: "wait", on: waiting };
}

function check(dep: Dependency, state: ServiceState | undefined): "met" | "pending" | "failed" {
  const status = state?.status;
  if (status === "crashed") return "failed";
  switch (dep.condition) {
    case "started":
      return status === "starting" || status === "running" || status === "completed" ? "met" : "pending";
    case "healthy":
      return status === "running" && state?.ready ? "met" : "pending";
    case "completed":
      return status === "completed" ? "met" : "pending";
  }
}

function failure(dep: Dependency, state: ServiceState | undefined): string {
  const why = state?.startError?.error_description ?? state?.reason ?? "it crashed";
  return `dependency "${dep.service}" crashed (${why}); starts once "${dep.service}" is ${dep.condition === "completed" ? "completed" : "running"} again`;
}
