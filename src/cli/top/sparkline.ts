/** Sparklines: a minute of samples drawn in a few block characters. No I/O. */

const BARS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;

/**
 * `samples` (oldest first, one per second; null where nothing ran) drawn in `width` characters,
 * the newest at the right: each character the highest sample of its share of the window, scaled
 * from 0 to `max` (values above it draw full). A share with no sample is a space, so a service
 * that was not running shows a gap rather than a flat line.
 */
export function sparkline(samples: readonly (number | null)[], width: number, max: number, windowSize = 60): string {
  if (width <= 0) return "";
  const per = Math.max(1, Math.ceil(windowSize / width));
  // Buckets are counted back from the newest sample: the right-most always holds it.
  const out: string[] = [];
  for (let b = 0; b < width; b++) {
    const end = samples.length - b * per;
    const start = Math.max(0, end - per);
    let peak: number | null = null;
    for (let i = start; i < end; i++) {
      const v = samples[i];
      if (v !== null && v !== undefined && (peak === null || v > peak)) peak = v;
    }
    out.push(peak === null ? " " : bar(peak, max));
  }
  return out.reverse().join("");
}

function bar(value: number, max: number): string {
  if (!(max > 0) || value <= 0) return BARS[0];
  const i = Math.min(BARS.length - 1, Math.floor((value / max) * BARS.length));
  return BARS[Math.max(0, i)] ?? BARS[0];
}

/** The highest sample of a window (0 when it has none): memory sparklines scale to it. */
export function peakOf(samples: readonly (number | null)[]): number {
  let peak = 0;
  for (const v of samples) if (v !== null && v > peak) peak = v;
  return peak;
}
