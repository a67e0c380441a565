/**
 * Where the dependency graph's boxes and arrows go (pure; served as graph-layout.js).
 * Layered top-down: a service sits one row below the lowest of its dependencies, so every
 * arrow points down from what is needed to what needs it; within a row, services follow the
 * average column of their dependencies (fewer crossings), then their names.
 */

export interface GraphInput {
  services: { name: string; depends_on: { service: string; condition: string }[] }[];
}

export interface LaidNode {
  name: string;
  level: number;
  /** Top-left corner. */
  x: number;
  y: number;
}

export interface LaidEdge {
  /** The dependency. */
  from: string;
  /** The service that depends on it. */
  to: string;
  condition: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Where the condition's label goes (its centre). */
  labelX: number;
  labelY: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
  nodes: LaidNode[];
  edges: LaidEdge[];
}

export const NODE_WIDTH = 132;
export const NODE_HEIGHT = 46;
const GAP_X = 28;
const GAP_Y = 64;
const MARGIN = 8;

export function layoutGraph(graph: GraphInput): GraphLayout {
  const names = new Set(graph.services.map((s) => s.name));
  const deps = new Map(graph.services.map((s) => [s.name, s.depends_on.filter((d) => names.has(d.service) && d.service !== s.name)]));
  const level = new Map<string, number>();
  const levelOf = (name: string, path: Set<string>): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    // A cycle (which the config refuses) must not hang the page: the edge back is ignored.
    path.add(name);
    let l = 0;
    for (const d of deps.get(name) ?? []) if (!path.has(d.service)) l = Math.max(l, levelOf(d.service, path) + 1);
    path.delete(name);
    level.set(name, l);
    return l;
  };
  for (const s of graph.services) levelOf(s.name, new Set());

  const rows: string[][] = [];
  for (const s of graph.services) (rows[level.get(s.name) ?? 0] ??= []).push(s.name);
  const column = new Map<string, number>();
  for (const row of rows) {
    const score = (name: string) => {
      const cols = (deps.get(name) ?? []).map((d) => column.get(d.service) ?? 0);
      return cols.length === 0 ? -1 : cols.reduce((a, b) => a + b, 0) / cols.length;
    };
    row.sort((a, b) => score(a) - score(b) || (a < b ? -1 : a > b ? 1 : 0));
    row.forEach((name, i) => column.set(name, i));
  }

  const widest = Math.max(1, ...rows.map((r) => r.length));
  const width = MARGIN * 2 + widest * NODE_WIDTH + (widest - 1) * GAP_X;
  const height = MARGIN * 2 + rows.length * NODE_HEIGHT + Math.max(0, rows.length - 1) * GAP_Y;
  const nodes: LaidNode[] = [];
  const at = new Map<string, LaidNode>();
  rows.forEach((row, l) => {
    // Each row is centred, so a lone service sits under the middle of a wide row.
    const offset = (width - (row.length * NODE_WIDTH + (row.length - 1) * GAP_X)) / 2;
    row.forEach((name, i) => {
      const node = { name, level: l, x: offset + i * (NODE_WIDTH + GAP_X), y: MARGIN + l * (NODE_HEIGHT + GAP_Y) };
      nodes.push(node);
      at.set(name, node);
    });
  });
  const edges: LaidEdge[] = [];
  for (const s of graph.services) {
    const to = at.get(s.name) as LaidNode;
    for (const d of deps.get(s.name) ?? []) {
      const from = at.get(d.service) as LaidNode;
      if (from.level >= to.level) continue;
      const x1 = from.x + NODE_WIDTH / 2;
      const y1 = from.y + NODE_HEIGHT;
      const x2 = to.x + NODE_WIDTH / 2;
      const y2 = to.y;
      edges.push({ from: d.service, to: s.name, condition: d.condition, x1, y1, x2, y2, labelX: (x1 + x2) / 2, labelY: (y1 + y2) / 2 });
    }
  }
  return { width, height, nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT, nodes, edges };
}
