/**
 * A chart's samples over the whole time the page has been open, in bounded memory (pure;
 * served as series.js). One sample a second until MAX_POINTS, then every pair of points is
 * averaged into one and each point stands for twice as long: an hour-old page still draws
 * its first minute, at a coarser step.
 */

export const MAX_POINTS = 600;

export interface Series {
  /** One value per step, oldest first. */
  points: number[];
  /** Samples each point averages. */
  samplesPerPoint: number;
  /** Samples gathered toward the next point. */
  pendingSum: number;
  pendingCount: number;
}

export function createSeries(): Series {
  return { points: [], samplesPerPoint: 1, pendingSum: 0, pendingCount: 0 };
}

/** Adds one sample (a second's worth). */
export function addSample(series: Series, value: number): void {
  series.pendingSum += value;
  series.pendingCount++;
  if (series.pendingCount < series.samplesPerPoint) return;
  series.points.push(series.pendingSum / series.pendingCount);
  series.pendingSum = 0;
  series.pendingCount = 0;
  if (series.points.length <= MAX_POINTS) return;
  const halved: number[] = [];
  for (let i = 0; i + 1 < series.points.length; i += 2) halved.push(((series.points[i] as number) + (series.points[i + 1] as number)) / 2);
  // An odd point left over starts the next pair rather than being lost.
  if (series.points.length % 2 === 1) {
    series.pendingSum = (series.points.at(-1) as number) * series.samplesPerPoint;
    series.pendingCount = series.samplesPerPoint;
  }
  series.points = halved;
  series.samplesPerPoint *= 2;
}

/** The top of a chart's scale: the largest value, at least `floor`, so a flat line near 0 stays near the bottom. */
export function chartMax(points: number[], floor: number): number {
  return Math.max(floor, ...points);
}

/**
 * An SVG path for `points` drawn into width × height (y grows downward): the line alone, or
 * with `area`, closed along the bottom for a fill. Empty when there are no points.
 */
export function sparkPath(points: number[], width: number, height: number, max: number, area = false): string {
  if (points.length === 0 || max <= 0) return "";
  const step = points.length === 1 ? 0 : width / (points.length - 1);
  const y = (v: number) => round(height - (Math.min(Math.max(v, 0), max) / max) * height);
  const coords = points.map((v, i) => `${round(i * step)},${y(v)}`);
  const line = points.length === 1 ? `M0,${y(points[0] as number)}L${width},${y(points[0] as number)}` : `M${coords.join("L")}`;
  return area ? `${line}L${points.length === 1 ? width : round((points.length - 1) * step)},${height}L0,${height}Z` : line;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
