/** A one-line cmd that is one plain command runs in its shell's place; anything more keeps the shell. Pure, then for real with dash. */
import { expect, test } from "bun:test";
import { execInPlace, shellInPlace } from "../../src/os/shell-script.ts";

test("one plain command gets exec (after its assignments, spacing and quoting as written); anything more is left alone", () => {
  expect(execInPlace("sleep 1000")).toBe("exec sleep 1000");
  expect(execInPlace("  python3 -m http.server  ")).toBe("  exec python3 -m http.server  ");
  expect(execInPlace("PORT=8080 MODE=x ./bin/serve --name 'a  b' > out.log")).toBe("PORT=8080 MODE=x exec ./bin/serve --name 'a  b' > out.log");
  expect(execInPlace("nginx -g 'daemon off;' $EXTRA")).toBe("exec nginx -g 'daemon off;' $EXTRA");
  expect(execInPlace('python3 -c "import app; app.run(\\"x|y\\")"')).toBe('exec python3 -c "import app; app.run(\\"x|y\\")"');
  expect(execInPlace("find . -name x -exec rm {} \\;")).toBe("exec find . -name x -exec rm {} \\;");
  expect(execInPlace("'/opt/my app/bin/serve' --port 80")).toBe("exec '/opt/my app/bin/serve' --port 80");
  expect(execInPlace('"quoted prog" x')).toBe('exec "quoted prog" x');
  expect(execInPlace("PATH=$HOME/bin:$PATH serve")).toBe("PATH=$HOME/bin:$PATH exec serve");
  for (const compound of [
    "exec sleep 1",
    "cd web && npm start",
    "a; b",
    "a | b",
    "a &",
    "(a)",
    "{ a; }",
    "! a",
    "echo `date`",
    "a $(b)",
    "a\nb",
    "echo 'a' ; b",
    'a "x;y" && b',
    "prog 'never closed",
    'prog "never closed',
    "while true; do x; done",
    "cd /srv",
    "$PROGRAM --flag",
    "FOO=1",
    "MODE='a b' serve",
    "'cd' /srv",
    "$PROGRAM",
    "",
  ]) {
    expect(execInPlace(compound)).toBe(compound);
  }
});

test("only /bin/sh -c SCRIPT is rewritten; an argv list runs as given", () => {
  expect(shellInPlace(["/bin/sh", "-c", "sleep 5"])).toEqual(["/bin/sh", "-c", "exec sleep 5"]);
  const list = ["sleep", "5"];
  expect(shellInPlace(list)).toBe(list);
  expect(shellInPlace(["/bin/bash", "-c", "sleep 5"])).toEqual(["/bin/bash", "-c", "sleep 5"]);
  expect(shellInPlace(["/bin/sh", "-c", "a && b"])).toEqual(["/bin/sh", "-c", "a && b"]);
});

test("with the real /bin/sh: the program takes the shell's pid, and assignments before it still reach its environment", async () => {
  const [, , script] = shellInPlace(["/bin/sh", "-c", "CANOPY_TEST_VAR=here exec_probe=1 sh -c 'echo $$ $CANOPY_TEST_VAR'"]);
  const child = Bun.spawn(["/bin/sh", "-c", script as string], { stdin: "ignore", stdout: "pipe" });
  const out = (await new Response(child.stdout).text()).trim();
  await child.exited;
  // The inner sh printed its own pid: the same as the one Bun spawned, so no shell stayed between.
  expect(out).toBe(`${child.pid} here`);
});
