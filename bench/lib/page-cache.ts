// Puts a freshly built binary in the page-cache state of one installed earlier: read from disk, not written.

/**
 * Writes `path` back and drops its pages from the page cache, so the next exec reads it from disk.
 *
 * Why: a process mapping an executable whose pages are cached because they were just *written*
 * (built or copied minutes before) has about 5.5 MiB more RSS than one mapping the same
 * executable read back from disk — measured on this 2-core machine for both dist/canopy (44.2 vs
 * 38.4 MiB at 0 services) and the bare-Bun floor (32.2 vs 26.6 MiB). PM2's node and supervisord's
 * python were installed long before a run, so without this the figures would charge Canopy and
 * the floors alone for the way their binaries entered the cache.
 * Returns false (and changes nothing that matters) where `sync FILE` or GNU dd's `iflag=nocache` is missing.
 */
export function dropFromPageCache(path: string): boolean {
  const quiet = { stdin: "ignore", stdout: "ignore", stderr: "ignore" } as const;
  const synced = Bun.spawnSync(["sync", path], quiet).success;
  return synced && Bun.spawnSync(["dd", `if=${path}`, "iflag=nocache", "count=0", "status=none"], quiet).success;
}
