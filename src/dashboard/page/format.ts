/** How the page writes numbers and times (pure; served to the browser as format.js). */

/** 1536 → "1.5 KiB", 52428800 → "50.0 MiB"; "—" when unknown. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

/** A share of one core: "0.4%", "12%"; "—" when unknown. */
export function formatPercent(percent: number | null | undefined): string {
  if (percent === null || percent === undefined) return "—";
  return percent < 10 ? `${percent.toFixed(1)}%` : `${Math.round(percent)}%`;
}

/** Time since `startedAt` (ISO) at `now` (epoch ms): "42s", "3m 07s", "2h 05m", "3d 4h"; "—" when not running. */
export function formatUptime(startedAt: string | null | undefined, now: number): string {
  const since = startedAt ? Date.parse(startedAt) : Number.NaN;
  if (Number.isNaN(since)) return "—";
  const s = Math.max(0, Math.floor((now - since) / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor(s / 3600) % 24}h`;
}

/** The local wall-clock time of an ISO timestamp: "14:03:27". */
export function formatClock(at: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
