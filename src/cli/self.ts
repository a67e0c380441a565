/** How this program runs itself again (for the background daemon). */

/** argv prefix that re-runs this CLI: the executable alone when compiled, else bun + the entry script. */
export function selfCommand(): string[] {
  const compiled = Bun.main.startsWith("/$bunfs/") || Bun.main.includes("~BUN");
  return compiled ? [process.execPath] : [process.execPath, Bun.main];
}
