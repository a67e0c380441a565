/**
 * 1,000 mutated config files, generated with a seeded PRNG from the valid examples
 * (examples/**\/canopy.yaml) and from a valid config that uses every feature: deleted keys,
 * wrong types, huge values, unicode names, duplicate services, dependency cycles, truncated
 * and corrupted files. Each goes through the real loader in-process: it is accepted, or
 * refused with a CanopyError("invalid_config") whose message names the field (and the
 * file), never another exception, never a stack trace. Twenty refused ones also go through
 * the real CLI: `canopy up -d` exits 2 and starts nothing.
 */
import { afterAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { loadConfigFile } from "../../src/config/index.ts";
import { LISTED_PROBLEMS } from "../../src/config/format.ts";
import { CanopyError } from "../../src/errors.ts";
import { runCli } from "../helpers/cli.ts";
import { pidsWithMarker } from "../helpers/net.ts";
import { pickSeed, pool, Rng } from "./helpers.ts";

const CONFIGS = 1_000;
const CLI_RUNS = 20;
const ROOT = join(import.meta.dir, "..", "..");

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "canopy-fuzz-")));
  dirs.push(dir);
  return dir;
}

/** The valid examples shipped with the repository. */
function exampleConfigs(): { name: string; raw: unknown }[] {
  const found = [...new Bun.Glob("examples/**/canopy.yaml").scanSync({ cwd: ROOT })].sort();
  return found.map((name) => ({ name, raw: Bun.YAML.parse(readFileSync(join(ROOT, name), "utf8")) }));
}

/** A valid config touching every feature (probes, depends_on, logs, control, env_file). */
const RICH = {
  logs: { max_size: "5MB", max_files: 4 },
  control: { listen: "127.0.0.1:7070", token_file: "token" },
  services: {
    db: {
      cmd: ["postgres", "-D", "data"],
      port: 5432,
      env: { PGDATA: "data", DEBUG: true, WORKERS: 4 },
      env_file: ".env",
      restart: "on-failure",
      max_restarts: 3,
      restart_window: "60s",
      restart_delay: "500ms",
      restart_max_delay: "10s",
      restart_reset_after: "2m",
      stop_signal: "SIGINT",
      stop_timeout: "10s",
      ready: { tcp: 5432, interval: "250ms", timeout: "1s" },
    },
    api: {
      cmd: "bun server.ts --port $PORT",
      cwd: ".",
      port: 8080,
      depends_on: { db: { condition: "healthy" } },
      ready: { http: "http://127.0.0.1:8080/health", initial_delay: "1s" },
      alive: { http: "http://127.0.0.1:8080/health", interval: "10s", failure_threshold: 3 },
    },
    worker: {
      cmd: ["bun", "worker.ts"],
      depends_on: ["api", "db"],
      autostart: false,
      restart: "always",
      ready: { log: "worker ready" },
    },
    migrate: { cmd: ["bun", "migrate.ts"], restart: "never", depends_on: ["db"] },
  },
};

/** Values of every wrong type and size. */
const WEIRD: unknown[] = [
  null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 65_536, 99_999_999_999,
  "", " ", "x", "🌲", "\u0000", "nul\u0000inside", "\u202eevil", "\u001b[31mred", "a".repeat(70_000),
  [], [1, "a", null], ["", ""], {}, { a: { b: { c: 1 } } }, { cmd: 1 },
  "1s", "-5s", "9999999999h", "1e400ms", "NaN", "Infinity", "0x10", "1e3", "5 parsecs", "10MB", "1TB", "9999TB",
  "SIGKILL", "SIGFOO", "always", "127.0.0.1:0", "0.0.0.0:7070", "[::1]:7070", "localhost:99999",
];
const NAMES = ["wéb", "🌲", "ｗｅｂ", "web\u202e", "", " ", "WEB", "-web", "_x", "a".repeat(64), "a".repeat(63), "x/../y", "..", "nul\u0000", "con", "1", "42"];
const KNOWN_KEYS = ["cmd", "cwd", "env", "port", "restart", "max_restarts", "restart_window", "restart_delay", "stop_signal", "stop_timeout",
  "autostart", "depends_on", "ready", "alive", "restart_max_delay", "restart_reset_after", "env_file", "tcp", "http", "exec", "log",
  "interval", "timeout", "initial_delay", "failure_threshold", "condition", "listen", "token_file", "allow_non_loopback", "max_size",
  "max_files", "services", "logs", "control"];

type Path = (string | number)[];

/** What a mutation touched, for checking that a refusal names it. */
interface Applied {
  what: string;
  /** Texts one of which a refusal caused by this mutation must contain. */
  anchors: string[];
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Every path to a node of `root` (the root itself excluded). */
function paths(root: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(root)) root.forEach((v, i) => out.push([...prefix, i], ...paths(v, [...prefix, i])));
  else if (isObj(root)) for (const [k, v] of Object.entries(root)) out.push([...prefix, k], ...paths(v, [...prefix, k]));
  return out;
}

function parentOf(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  return node;
}

/** How the loader names the field at `path` ("port", "env.DEBUG", "cmd[1]", "logs.max_size", "ready.tcp"). */
function anchorsFor(path: Path): string[] {
  if (path[0] === "services") {
    // The whole of services replaced: the problem is services itself, or one of the services it now holds.
    if (path.length === 1) return ['"services"', "services", "service "];
    const service = String(path[1]);
    const field = path.slice(2).reduce<string>((acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), "");
    // A service's own problem, or one of its dependents' (depends_on names it).
    return [`service ${JSON.stringify(service)}`, JSON.stringify(service), ...(field ? [field.split(/[.[]/)[0] as string] : []), "depends_on"];
  }
  const field = path.map(String).join(".");
  return [field.split(".")[0] as string];
}

/** Applies one random structural mutation to `doc`; returns what it did. */
function mutate(rng: Rng, doc: Record<string, unknown>): Applied {
  const all = paths(doc);
  const services = isObj(doc.services) ? doc.services : undefined;
  const names = services ? Object.keys(services) : [];
  const kind = rng.int(0, 8);
  if (kind === 0 && all.length > 0) {
    const path = rng.pick(all);
    const parent = parentOf(doc, path) as Record<string | number, unknown> | unknown[];
    if (Array.isArray(parent)) parent.splice(path.at(-1) as number, 1);
    else delete parent[path.at(-1) as string];
    return { what: `delete ${path.join(".")}`, anchors: anchorsFor(path) };
  }
  if (kind <= 2 && all.length > 0) {
    const path = rng.pick(all);
    const parent = parentOf(doc, path) as Record<string | number, unknown>;
    parent[path.at(-1) as string | number] = clone(rng.pick(WEIRD));
    return { what: `set ${path.join(".")} to a weird value`, anchors: anchorsFor(path) };
  }
  if (kind === 3 && services && names.length > 0) {
    // Rename a service to a strange name (its dependents now point nowhere).
    const from = rng.pick(names);
    const to = rng.pick(NAMES);
    const value = services[from];
    delete services[from];
    services[to] = value;
    return { what: `rename service ${from} to ${JSON.stringify(to)}`, anchors: [JSON.stringify(to), JSON.stringify(from), "depends_on", "service"] };
  }
  if (kind === 4 && services && names.length > 0) {
    // A dependency cycle (or a self-dependency).
    const a = rng.pick(names);
    const b = rng.pick(names);
    const sa = services[a];
    const sb = services[b];
    if (isObj(sa)) sa.depends_on = [b];
    if (isObj(sb)) sb.depends_on = [a];
    return { what: `cycle ${a} <-> ${b}`, anchors: ["depends_on", JSON.stringify(a), JSON.stringify(b)] };
  }
  if (kind === 5 && all.length > 0) {
    // An unknown key (a typo of a known one, or nonsense) somewhere a mapping is.
    const mappings = all.filter((p) => isObj(parentOf(doc, [...p, "x"])));
    const at = mappings.length > 0 ? rng.pick(mappings) : [];
    const target = at.length === 0 ? doc : (parentOf(doc, [...at, "x"]) as Record<string, unknown>);
    const known = rng.pick(KNOWN_KEYS);
    const key = rng.pick([`${known}s`, known.toUpperCase(), `${known.slice(1)}`, "🌲", "", "__proto__x", "constructor"]);
    target[key] = clone(rng.pick(WEIRD));
    return { what: `add unknown key ${JSON.stringify(key)} at ${at.join(".") || "top"}`, anchors: [key, JSON.stringify(key), "unknown key", ...anchorsFor(at.length > 0 ? at : ["services"])] };
  }
  if (kind === 6 && services) {
    // Huge values.
    const name = names.length > 0 ? rng.pick(names) : "web";
    const svc = isObj(services[name]) ? (services[name] as Record<string, unknown>) : (services[name] = {});
    const key = rng.pick(["port", "max_restarts", "restart_delay", "stop_timeout", "restart_window", "cmd", "env"]);
    const value = {
      port: rng.pick([1e20, 65_536, -0, 2 ** 31]),
      max_restarts: rng.pick([1e308, 2 ** 53, 1_000_001]),
      restart_delay: rng.pick(["99999999999999999999h", `${"9".repeat(400)}ms`, "25h"]),
      stop_timeout: rng.pick(["1e308s", "86400001ms"]),
      restart_window: rng.pick(["0ms", "-1s", "1e9d"]),
      cmd: rng.pick([Array.from({ length: 10_000 }, (_, i) => `arg${i}`), ["x".repeat(200_000)], [""]]),
      env: rng.pick([{ BIG: "v".repeat(500_000) }, Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`V${i}`, i])), { "1BAD": "x" }]),
    }[key];
    svc[key] = value;
    return { what: `huge ${name}.${key}`, anchors: anchorsFor(["services", name, key]) };
  }
  if (kind === 7 && services) {
    // Many services, some duplicates by content, one with a long valid name.
    for (let i = 0; i < rng.int(1, 200); i++) services[`svc-${i}`] = clone(services[rng.pick(names.length > 0 ? names : ["x"])] ?? { cmd: "true" });
    return { what: "many services", anchors: ["service", "depends_on"] };
  }
  // The whole document replaced by a wrong type.
  const replacement = rng.pick([[], "services", 42, null, [{ services: {} }]]);
  for (const k of Object.keys(doc)) delete doc[k];
  (doc as Record<string, unknown>).__replace = replacement;
  return { what: "top level of the wrong type", anchors: ["top of the file", "services", "mapping"] };
}

/** YAML block style for a plain value; scalars written as JSON (valid YAML double-quoted scalars). */
function toYaml(value: unknown, indent = ""): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return value.map((v) => `\n${indent}- ${isObj(v) || Array.isArray(v) ? toYaml(v, `${indent}  `).trimStart() : toYaml(v)}`).join("");
  }
  if (isObj(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return entries
      .map(([k, v]) => {
        const inner = isObj(v) || Array.isArray(v) ? toYaml(v, `${indent}  `) : ` ${toYaml(v)}`;
        return `\n${indent}${JSON.stringify(k)}:${inner.startsWith("\n") || inner.startsWith(" ") ? inner : ` ${inner}`}`;
      })
      .join("");
  }
  return value === undefined ? "null" : JSON.stringify(value);
}

/** Text-level damage: truncation, duplicated blocks, stray bytes, tabs, YAML oddities. */
function damageText(rng: Rng, text: string): { text: string | Buffer; what: string } {
  switch (rng.int(0, 6)) {
    case 0: {
      const at = rng.int(0, text.length);
      return { text: text.slice(0, at), what: `truncated at ${at}/${text.length}` };
    }
    case 1: {
      // A service block written twice (duplicate key).
      const lines = text.split("\n");
      const start = lines.findIndex((l) => /^ {2}"[^"]*":/.test(l));
      if (start < 0) return { text: `${text}\n${text}`, what: "whole text twice" };
      let end = start + 1;
      while (end < lines.length && /^ {4}/.test(lines[end] ?? "")) end++;
      const block = lines.slice(start, end);
      return { text: [...lines.slice(0, end), ...block, ...lines.slice(end)].join("\n"), what: `service block duplicated (${lines[start]?.trim()})` };
    }
    case 2: {
      const at = rng.int(0, text.length);
      const junk = rng.pick(["\u0000", "\u0007", "\t", "\r", "\u00ff", "\ufffd", "\u001b[2J", ":", "- ", "{", "&a", "*a", "!!binary", "%YAML 9.9\n", "---\n", "...\n"]);
      return { text: text.slice(0, at) + junk + text.slice(at), what: `inserted ${JSON.stringify(junk)} at ${at}` };
    }
    case 3:
      return { text: text.replace(/\n {2}/g, "\n\t"), what: "tabs for indentation" };
    case 4: {
      // Aliases: a small, finite expansion.
      return { text: `x: &big ["a","b","c","d"]\ny: [*big, *big, *big]\n${text}`, what: "anchors and aliases" };
    }
    case 5: {
      const depth = rng.int(50, 2_000);
      return { text: `${text}\ndeep: ${"[".repeat(depth)}${"]".repeat(depth)}\n`, what: `nesting ${depth} deep` };
    }
    default: {
      const bytes = Buffer.from(text, "utf8");
      for (let i = 0; i < rng.int(1, 5) && bytes.length > 0; i++) bytes[rng.int(0, bytes.length - 1)] = rng.int(0, 255);
      return { text: bytes, what: "random bytes flipped" };
    }
  }
}

interface Outcome {
  accepted: boolean;
  message?: string;
  file: string;
  what: string;
}

test("1,000 mutated configs: accepted, or refused as invalid_config naming the field — never another exception", async () => {
  const rng = new Rng(pickSeed("config-fuzz"));
  const dir = tempDir();
  writeFileSync(join(dir, ".env"), "FROM_FILE=1\n");
  writeFileSync(join(dir, "token"), "a-long-random-token-for-the-fuzzer\n");
  chmodSync(join(dir, "token"), 0o600);
  const bases = [...exampleConfigs(), { name: "rich (every feature)", raw: RICH }];
  expect(bases.length).toBeGreaterThanOrEqual(2);
  // The starting points are valid: what fails, the mutations broke.
  for (const base of bases) {
    const file = join(dir, "base.yaml");
    writeFileSync(file, toYaml(base.raw).trimStart());
    expect(loadConfigFile(file).services.length).toBeGreaterThan(0);
  }

  const outcomes: Outcome[] = [];
  const problems: string[] = [];
  const kinds = new Map<string, number>();
  const started = Date.now();
  for (let i = 0; i < CONFIGS; i++) {
    const base = rng.pick(bases);
    const doc = clone(base.raw) as Record<string, unknown>;
    const applied: Applied[] = [];
    for (let m = rng.int(1, 3); m > 0; m--) applied.push(mutate(rng, doc));
    const raw = "__replace" in doc ? doc.__replace : doc;
    const format = rng.pick(["yaml", "yaml", "yaml", "json"] as const);
    let text: string | Buffer = format === "json" ? JSON.stringify(raw, null, 2) : toYaml(raw).trimStart() || "{}";
    let damaged: string | undefined;
    if (rng.chance(0.3)) {
      const d = damageText(rng, text as string);
      text = d.text;
      damaged = d.what;
    }
    const file = join(dir, `c${i}`, `canopy.${format}`);
    mkdirSync(join(dir, `c${i}`));
    writeFileSync(file, text);
    // Relative paths (env_file, token_file) resolve against the config's folder.
    writeFileSync(join(dir, `c${i}`, ".env"), "FROM_FILE=1\n");
    writeFileSync(join(dir, `c${i}`, "token"), "a-long-random-token-for-the-fuzzer\n", { mode: 0o600 });
    const what = `#${i} from ${base.name}: ${applied.map((a) => a.what).join("; ")}${damaged ? `; text ${damaged}` : ""} (${format})`;
    kinds.set(applied[0]?.what.split(" ")[0] ?? "?", (kinds.get(applied[0]?.what.split(" ")[0] ?? "?") ?? 0) + 1);
    try {
      loadConfigFile(file, { display: relative(dir, file) });
      outcomes.push({ accepted: true, file, what });
    } catch (err) {
      if (!(err instanceof CanopyError)) {
        problems.push(`${what}: threw ${(err as Error)?.constructor?.name}: ${String((err as Error)?.message).slice(0, 200)}`);
        continue;
      }
      const message = err.message;
      outcomes.push({ accepted: false, message, file, what });
      if (err.error_type !== "invalid_config") problems.push(`${what}: error_type ${err.error_type}`);
      if (/\n\s+at .+:\d+/.test(message) || message.includes("node_modules") || message.includes("/src/")) {
        problems.push(`${what}: a stack trace or source path in the message: ${message.slice(0, 300)}`);
      }
      if (!message.startsWith(relative(dir, file))) problems.push(`${what}: the message does not start with the file: ${message.slice(0, 200)}`);
      const listed = (err.details.problems ?? []) as { service?: string; field: string; line?: number }[];
      if (listed.length === 0) problems.push(`${what}: no problems listed`);
      // Each problem the message lists names its field (or its service, or is about the file as a whole / its
      // syntax, with a line); past LISTED_PROBLEMS the message says how many more `details` holds.
      for (const pr of listed.slice(0, LISTED_PROBLEMS)) {
        if (pr.field !== "" && !message.includes(`field ${JSON.stringify(pr.field)}`)) problems.push(`${what}: field ${pr.field} not named in the message`);
      }
      if (listed.length > LISTED_PROBLEMS && !message.endsWith(`… and ${listed.length - LISTED_PROBLEMS} more`)) {
        problems.push(`${what}: ${listed.length} problems, but the message does not say how many it left out`);
      }
      // Without text damage, the refusal names what a mutation touched.
      if (damaged === undefined && !applied.some((a) => a.anchors.some((anchor) => anchor !== "" && message.includes(anchor)))) {
        problems.push(`${what}: refused without naming what was changed: ${message.slice(0, 300)}`);
      }
    }
  }
  const tookMs = Date.now() - started;
  const refused = outcomes.filter((o) => !o.accepted);
  console.log(
    `config-fuzz: ${CONFIGS} configs in ${tookMs} ms: ${outcomes.length - refused.length} accepted, ${refused.length} refused as invalid_config, ` +
      `${problems.length} problems; first mutations ${JSON.stringify(Object.fromEntries(kinds))}`,
  );
  expect(problems.slice(0, 15)).toEqual([]);
  expect(outcomes.length).toBe(CONFIGS);
  // The fuzzer does reach both outcomes.
  expect(refused.length).toBeGreaterThan(CONFIGS / 4);
  expect(outcomes.length - refused.length).toBeGreaterThan(20);

  // Through the real CLI: exit 2, the same message, nothing started.
  const picked = Array.from({ length: CLI_RUNS }, () => rng.pick(refused));
  const stateRoot = tempDir();
  const cliStarted = Date.now();
  const results = await pool(
    4,
    picked.map((o, i) => async () => {
      const stateDir = join(stateRoot, `s${i}`);
      const r = await runCli(["up", "-d", "-c", o.file], { stateDir, cwd: dir, timeoutMs: 30_000 });
      return { o, r, stateDir };
    }),
  );
  for (const { o, r, stateDir } of results) {
    const tag = `${o.what} via the CLI`;
    expect({ tag, code: r.code }).toEqual({ tag, code: 2 });
    expect(r.stderr.startsWith("canopy: ")).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+/);
    const firstLine = (o.message ?? "").split("\n")[0]?.replace(/^[^:]*/, "") ?? "";
    expect(r.stderr).toContain(firstLine.slice(0, 60));
    expect(r.stdout).toBe("");
    expect(existsSync(stateDir)).toBe(false);
    expect(pidsWithMarker(o.file)).toEqual([]);
  }
  console.log(`config-fuzz: ${CLI_RUNS} refused configs through \`canopy up -d\` in ${Date.now() - cliStarted} ms: all exit 2, nothing started`);
}, 120_000);
