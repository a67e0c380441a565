// Floor for log throughput: Bun.spawn a child with stdout piped and drain it.
// Usage: bun pipe-read.ts [--file PATH] [--lines] -- ARGV...  (prints bytes read)
const args = process.argv.slice(2);
const sep = args.indexOf("--");
const opts = args.slice(0, sep);
const argv = args.slice(sep + 1);
const fileIdx = opts.indexOf("--file");
const file = fileIdx >= 0 ? opts[fileIdx + 1] : undefined;
const countLines = opts.includes("--lines");
const sink = file ? Bun.file(file).writer() : undefined;
const child = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "inherit" });
let bytes = 0;
let lines = 0;
for await (const chunk of child.stdout) {
  bytes += chunk.byteLength;
  if (countLines) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  if (sink) sink.write(chunk);
}
if (sink) await sink.end();
await child.exited;
console.log(JSON.stringify({ bytes, lines }));
export {};
