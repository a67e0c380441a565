// Floor for log throughput: Bun.spawn a child with stdout piped and drain it.
// Usage: bun pipe-read.ts [--file PATH [--rotate BYTES]] [--lines] -- ARGV...  (prints bytes read)
// --rotate keeps PATH, PATH.1 and PATH.2 of about BYTES each, as Canopy's default log limits do:
// the oldest is deleted and the others renamed along before a chunk would pass the limit.
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";

const args = process.argv.slice(2);
const sep = args.indexOf("--");
const opts = args.slice(0, sep);
const argv = args.slice(sep + 1);
const option = (name: string) => (opts.includes(name) ? opts[opts.indexOf(name) + 1] : undefined);
const file = option("--file");
const rotateAt = Number(option("--rotate") ?? Number.POSITIVE_INFINITY);
const countLines = opts.includes("--lines");
const sink = file && !Number.isFinite(rotateAt) ? Bun.file(file).writer() : undefined;
let fd = file && Number.isFinite(rotateAt) ? openSync(file, "a", 0o600) : undefined;
let size = 0;
const child = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "inherit" });
let bytes = 0;
let lines = 0;
for await (const chunk of child.stdout) {
  bytes += chunk.byteLength;
  if (countLines) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  if (sink) sink.write(chunk);
  if (fd !== undefined && file) {
    if (size > 0 && size + chunk.byteLength > rotateAt) {
      closeSync(fd);
      rmSync(`${file}.2`, { force: true });
      try {
        renameSync(`${file}.1`, `${file}.2`);
      } catch {}
      renameSync(file, `${file}.1`);
      fd = openSync(file, "a", 0o600);
      size = 0;
    }
    for (let off = 0; off < chunk.byteLength; ) off += writeSync(fd, chunk, off);
    size += chunk.byteLength;
  }
}
if (sink) await sink.end();
if (fd !== undefined) closeSync(fd);
await child.exited;
console.log(JSON.stringify({ bytes, lines }));
