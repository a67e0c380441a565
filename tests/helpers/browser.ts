/** Debian's Chromium, headless, driven by playwright-core: for tests of the web dashboard. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { requireTool } from "./system-tool.ts";

/**
 * Flags that keep Chromium off the network (this machine has none: without them it floods
 * refused connections) and quiet in a container.
 */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** A headless Chromium with a fresh, empty profile, and its first page. */
export async function launchBrowser(options: { colorScheme?: "light" | "dark"; width?: number; height?: number } = {}): Promise<Browser> {
  const executablePath = requireTool("chromium", "chromium");
  const profile = mkdtempSync(join(tmpdir(), "canopy-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: FLAGS,
      colorScheme: options.colorScheme ?? "light",
      viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
