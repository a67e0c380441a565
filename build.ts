// Compiles the CLI into standalone executables: `bun run build [--target host|all|OS-ARCH,…] [--entry FILE] [--outdir DIR]`.
// Writes DIR/canopy-<os>-<arch> per target, DIR/canopy for the host, and DIR/SHA256SUMS.
import { copyFileSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = import.meta.dir;

// The release platforms: name in dist, Bun's --target, npm package holding that Bun runtime.
const PLATFORMS = [
  { name: "linux-x64", target: "bun-linux-x64", npm: "@oven/bun-linux-x64" },
  { name: "linux-arm64", target: "bun-linux-arm64", npm: "@oven/bun-linux-aarch64" },
  { name: "darwin-x64", target: "bun-darwin-x64", npm: "@oven/bun-darwin-x64" },
  { name: "darwin-arm64", target: "bun-darwin-arm64", npm: "@oven/bun-darwin-aarch64" },
] as const;
type Platform = (typeof PLATFORMS)[number];

type Options = { targets: Platform[]; entry: string; outdir: string };

// Parses argv into build options, or throws a usage message.
function parseArgs(argv: string[]): Options {
  let target = "all";
  let entry = join(ROOT, "src/main.ts");
  let outdir = join(ROOT, "dist");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--target") target = value();
    else if (flag === "--entry") entry = resolve(value());
    else if (flag === "--outdir") outdir = resolve(value());
    else throw new Error(`unknown argument: ${arg}`);
  }
  return { targets: selectTargets(target), entry, outdir };
}

// The platform this build runs on, or undefined when Canopy does not ship for it.
function hostPlatform(): Platform | undefined {
  return PLATFORMS.find((p) => p.name === `${process.platform}-${process.arch}`);
}

// Resolves a --target value ("host", "all" or a comma list of OS-ARCH) into platforms.
function selectTargets(spec: string): Platform[] {
  if (spec === "all") return [...PLATFORMS];
  if (spec === "host") {
    const host = hostPlatform();
    if (!host) throw new Error(`this host (${process.platform}-${process.arch}) is not a Canopy platform`);
    return [host];
  }
  return spec.split(",").map((name) => {
    const p = PLATFORMS.find((x) => x.name === name || x.target === name);
    if (!p) throw new Error(`unknown target ${name}; use host, all or one of ${PLATFORMS.map((x) => x.name).join(", ")}`);
    return p;
  });
}

// The short HEAD commit of this checkout, or "dev" outside git.
function gitCommit(): string {
  try {
    const r = Bun.spawnSync(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], { stdin: "ignore", stderr: "ignore" });
    const hash = r.stdout.toString().trim();
    return r.success && /^[0-9a-f]{4,40}$/.test(hash) ? hash : "dev";
  } catch {
    return "dev";
  }
}

type Attempt = { ok: true } | { ok: false; error: string };

// Build settings shared by all targets; bytecode is switched off for the rest of the run if a bytecode build fails.
type Job = { o: Options; defines: string[]; bytecode: boolean; bytecodeError?: string };

// Runs one `bun build --compile`; extra holds --target / --compile-executable-path flags.
function compile(job: Job, outfile: string, extra: string[], bytecode: boolean): Attempt {
  // A supervisor must not pick up the .env or bunfig.toml of whatever directory it is started in.
  const quiet = ["--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig"];
  // ESM split into chunks: the entry chunk holds only main.ts, the argument parser and the help,
  // and each command (and what only it uses) is a chunk its `import()` loads. A single bundle —
  // ESM or CommonJS — makes every start load all of Canopy's code (and ESM would also evaluate
  // every built-in module any command imports): `canopy --version` took 1.8× a compiled hello,
  // and takes ~1.3× split. The daemon loads the chunks of `daemon` alone, as before.
  const flags = ["--compile", "--minify", "--format=esm", "--splitting", ...(bytecode ? ["--bytecode"] : []), ...quiet, ...job.defines, ...extra];
  const r = Bun.spawnSync([process.execPath, "build", job.o.entry, ...flags, "--outfile", outfile], {
    cwd: ROOT,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  if (r.success && existsSync(outfile)) return { ok: true };
  const text = `${r.stderr.toString()}\n${r.stdout.toString()}`.trim();
  const errors = text.split("\n").filter((l) => /error|fail|unable|could not/i.test(l));
  return { ok: false, error: errors.slice(0, 3).join(" | ") || text.slice(-300) || `exit ${r.exitCode}` };
}

// Compiles with bytecode while it works; the first target whose bytecode build fails is retried without, and so are all after it.
function compileBest(job: Job, outfile: string, extra: string[]): Attempt {
  if (!job.bytecode) return compile(job, outfile, extra, false);
  const first = compile(job, outfile, extra, true);
  if (first.ok) return first;
  const plain = compile(job, outfile, extra, false);
  if (!plain.ok) return first;
  job.bytecode = false;
  job.bytecodeError = first.error;
  return plain;
}

// Fetches a platform's Bun runtime with npm (honouring npm's registry settings) and returns its path.
function runtimeFromNpm(p: Platform): string | { error: string } {
  const dir = join(ROOT, "node_modules/.cache/canopy-build", `${p.name}-${Bun.version}`);
  const exe = join(dir, "package/bin/bun");
  if (existsSync(exe)) return exe;
  mkdirSync(dir, { recursive: true });
  const pack = Bun.spawnSync(["npm", "pack", "--loglevel=error", "--prefer-offline", `${p.npm}@${Bun.version}`, "--pack-destination", dir], {
    cwd: dir,
    stdin: "ignore",
    stderr: "pipe",
  });
  const tgz = pack.stdout.toString().trim().split("\n").pop() ?? "";
  if (!pack.success || tgz === "") {
    const why = pack.stderr.toString().trim().split("\n").slice(0, 2).join(" ") || `exit ${pack.exitCode}`;
    return { error: `npm pack ${p.npm}@${Bun.version} failed: ${why}` };
  }
  const untar = Bun.spawnSync(["tar", "-xzf", join(dir, tgz), "-C", dir, "package/bin/bun"], { stdin: "ignore", stderr: "pipe" });
  rmSync(join(dir, tgz), { force: true });
  if (!untar.success || !existsSync(exe)) return { error: `could not unpack ${tgz}: ${untar.stderr.toString().trim()}` };
  chmodSync(exe, 0o755);
  return exe;
}

// Builds one platform: natively for the host; otherwise Bun's own runtime download, then npm as a fallback.
function buildPlatform(job: Job, p: Platform): Attempt {
  const outfile = join(job.o.outdir, `canopy-${p.name}`);
  rmSync(outfile, { force: true });
  if (p === hostPlatform()) {
    rmSync(join(job.o.outdir, "canopy"), { force: true });
    return compileBest(job, outfile, []);
  }
  const direct = compileBest(job, outfile, [`--target=${p.target}`]);
  if (direct.ok) return direct;
  const runtime = runtimeFromNpm(p);
  if (typeof runtime !== "string") return { ok: false, error: `${direct.error}; npm fallback: ${runtime.error}` };
  const viaNpm = compileBest(job, outfile, [`--target=${p.target}`, `--compile-executable-path=${runtime}`]);
  return viaNpm.ok ? viaNpm : { ok: false, error: `${direct.error}; with npm's runtime: ${viaNpm.error}` };
}

// Writes SHA256SUMS in `sha256sum` format (hash, two spaces, bare name) for the given files.
function writeSums(outdir: string, names: string[]): void {
  const lines = names.map((n) => `${new Bun.CryptoHasher("sha256").update(readFileSync(join(outdir, n))).digest("hex")}  ${n}\n`);
  writeFileSync(join(outdir, "SHA256SUMS"), lines.join(""));
}

// Builds every requested platform (host first), reporting each; exits non-zero if any failed.
function main(): number {
  let o: Options;
  try {
    o = parseArgs(Bun.argv.slice(2));
  } catch (e) {
    console.error(`build: ${(e as Error).message}`);
    return 2;
  }
  if (!existsSync(o.entry)) {
    console.error(`build: entry ${o.entry} does not exist (pass --entry FILE)`);
    return 2;
  }
  const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
  const commit = gitCommit();
  const defines = ["--define", `CANOPY_VERSION=${JSON.stringify(version)}`, "--define", `CANOPY_COMMIT=${JSON.stringify(commit)}`];
  const job: Job = { o, defines, bytecode: true };
  const host = hostPlatform();
  const order = [...o.targets].sort((a, b) => Number(b === host) - Number(a === host));
  mkdirSync(o.outdir, { recursive: true });
  console.log(`build: canopy ${version} (${commit}) with Bun ${Bun.version} into ${o.outdir}`);
  const built: string[] = [];
  const failed: string[] = [];
  for (const p of order) {
    const r = buildPlatform(job, p);
    if (job.bytecodeError !== undefined) {
      console.error(`  note  --bytecode failed (${job.bytecodeError}); building without it`);
      job.bytecodeError = undefined;
    }
    if (!r.ok) {
      failed.push(p.name);
      console.error(`  FAIL  canopy-${p.name} (${p.target}): ${r.error}`);
      continue;
    }
    built.push(`canopy-${p.name}`);
    console.log(`  ok    canopy-${p.name}${job.bytecode ? " (bytecode)" : ""}`);
    if (p === host) {
      copyFileSync(join(o.outdir, `canopy-${p.name}`), join(o.outdir, "canopy"));
      chmodSync(join(o.outdir, "canopy"), 0o755);
      built.push("canopy");
      console.log(`  ok    canopy (host copy of canopy-${p.name})`);
    }
  }
  writeSums(o.outdir, built);
  console.log(`  ok    SHA256SUMS (${built.length} files)`);
  if (failed.length > 0) console.error(`build: ${failed.length} target(s) not built: ${failed.join(", ")}`);
  return failed.length > 0 ? 1 : 0;
}

process.exit(main());
