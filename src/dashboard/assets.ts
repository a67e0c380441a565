/**
 * The page's files, embedded in the executable as text: no CDN, no network, no build step.
 * The pure modules the page shares with the tests are TypeScript; they are transpiled once,
 * when the dashboard starts (Bun.Transpiler strips the types; nothing is bundled).
 */
import html from "./page/index.html" with { type: "text" };
import app from "./page/app.js" with { type: "text" };
import css from "./page/style.css" with { type: "text" };
// TypeScript 7.0 types a text import of a .ts file as that module; Bun gives its text (TS 7.1 types it so).
// @ts-expect-error see above
import format from "./page/format.ts" with { type: "text" };
// @ts-expect-error see above
import graphLayout from "./page/graph-layout.ts" with { type: "text" };
// @ts-expect-error see above
import liveStatus from "./page/live-status.ts" with { type: "text" };
// @ts-expect-error see above
import series from "./page/series.ts" with { type: "text" };
// @ts-expect-error see above
import timeline from "./page/timeline.ts" with { type: "text" };

export interface Asset {
  type: string;
  body: string;
}

const JS = "text/javascript; charset=utf-8";

/** Every path the page loads, with its content. */
export function pageAssets(): Map<string, Asset> {
  const transpiler = new Bun.Transpiler({ loader: "ts", target: "browser" });
  const module = (source: unknown): Asset => ({ type: JS, body: transpiler.transformSync(source as string) });
  return new Map<string, Asset>([
    ["/", { type: "text/html; charset=utf-8", body: html as unknown as string }],
    ["/assets/style.css", { type: "text/css; charset=utf-8", body: css }],
    ["/assets/app.js", { type: JS, body: app }],
    ["/assets/format.js", module(format)],
    ["/assets/graph-layout.js", module(graphLayout)],
    ["/assets/live-status.js", module(liveStatus)],
    ["/assets/series.js", module(series)],
    ["/assets/timeline.js", module(timeline)],
  ]);
}
