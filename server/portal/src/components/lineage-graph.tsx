/**
 * The lineage as a graph: parents above children (laid out by dagre), drawn as inline SVG by
 * Preact. The asset itself is filled in the accent colour; every other asset is an SVG `<a>`
 * to its page, by the same ref as its link in the lists (lineage.tsx), so it can be clicked,
 * tabbed to and read out like any other link. Dagre is loaded by a dynamic import, so it is a
 * chunk of its own that the asset page's first paint does not wait for.
 *
 * Under the portal's CSP (`style-src 'self'`, no eval): no `style` attribute and no `<style>`
 * element; the look is the classes in lineage-graph.css, and the sizes are SVG attributes.
 *
 * Size: one graph unit is one CSS px at scale 1. The picture is drawn at its natural size when
 * it fits, shrunk to the container's width and maximum height when it does not, but not below
 * MIN_SCALE (about 10 px text): past that the container scrolls instead (it is then focusable).
 * Two node shapes are laid out: a wide one (two lines per label) and a narrow one (three), for
 * a phone's width; the one that needs less shrinking is drawn.
 *
 * Test hook: once drawn, and after every resize or scroll, the container
 * (`data-testid="lineage-graph"`) carries `data-nodes`, JSON `[{ id, ref, x, y }]` with each
 * node's centre as rendered in CSS px from the container's top-left corner (its border box, as
 * getBoundingClientRect counts it), and `data-ready="true"`.
 */
import type { EdgeLabel, GraphLabel, NodeLabel } from "@dagrejs/dagre";
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Lineage } from "../../../../sdk/api/schemas";
import { useI18n } from "../i18n";
import { href } from "../router";
import "../lineage-graph.css";

/** The ref an asset's link uses: its registration number, else its id (as in lineage.tsx). */
export function nodeRef(n: { id: string; registrationNumber: string | null }): string {
  return n.registrationNumber ?? n.id;
}

/** What a node shows: the registration number, or `#id` before one is assigned. */
function nodeTitle(n: { id: string; registrationNumber: string | null }): string {
  return n.registrationNumber ?? `#${n.id}`;
}

/** Cut to about `budget` Latin characters' width (a CJK character counts as two), with "…". */
export function truncateName(name: string, budget = 26): string {
  let used = 0;
  let out = "";
  for (const ch of name.trim()) {
    const w = (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1;
    if (used + w > budget) return `${out.trimEnd()}…`;
    used += w;
    out += ch;
  }
  return out;
}

/**
 * A label in at most `maxLines` lines of at most `perLine` characters, broken after hyphens
 * where it can (a registration number, DR-YYYY-AAAAAA-T-NNNNNNNNNN-C, in two or three pieces),
 * else anywhere; what does not fit ends in "…" (the link's accessible name has it in full).
 */
function wrapLabel(label: string, perLine: number, maxLines: number): string[] {
  const pieces = (label.match(/[^-]*-|[^-]+$/g) ?? [label]).flatMap((p) => {
    const chars = [...p];
    const out: string[] = [];
    for (let i = 0; i < chars.length; i += perLine) out.push(chars.slice(i, i + perLine).join(""));
    return out;
  });
  const lines: string[] = [];
  for (const p of pieces) {
    const last = lines.length - 1;
    if (last >= 0 && [...(lines[last] ?? "")].length + [...p].length <= perLine) lines[last] += p;
    else lines.push(p);
  }
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const end = [...(kept[maxLines - 1] ?? "")];
  kept[maxLines - 1] = `${end.slice(0, Math.max(perLine - 1, 1)).join("")}…`;
  return kept;
}

/** A node's box and label lines for one layout: labels are monospace, about 0.6 em a character. */
interface Shape {
  width: number;
  height: number;
  perLine: number;
  maxLines: number;
  nodesep: number;
  ranksep: number;
}
/** Two lines of up to 16 characters (12 px monospace is about 7.2 px a character). */
const WIDE: Shape = { width: 150, height: 44, perLine: 16, maxLines: 2, nodesep: 24, ranksep: 44 };
/** Three lines of up to 12, for a narrow container: three parents side by side fit 390 px. */
const NARROW: Shape = { width: 104, height: 58, perLine: 12, maxLines: 3, nodesep: 12, ranksep: 36 };
/** The labels' line height (the font size, 12 px, is in lineage-graph.css). */
const LINE = 15;
/** Room around the graph for the current node's border and a focused node's outline. */
const PAD = 10;
/** The least the picture is shrunk to (12 px text to about 10 px); smaller, the container scrolls. */
const MIN_SCALE = 0.82;

interface PlacedNode {
  id: string;
  ref: string;
  depth: number;
  current: boolean;
  lines: string[];
  x: number;
  y: number;
}
interface Drawing {
  shape: Shape;
  nodes: PlacedNode[];
  edges: { key: string; d: string }[];
  /** The viewBox's size: the graph's plus PAD on every side. */
  width: number;
  height: number;
}

type Dagre = typeof import("@dagrejs/dagre");
let loading: Promise<Dagre> | null = null;

/** Dagre, loaded once (its own chunk). */
function loadDagre(): Promise<Dagre> {
  loading ??= import("@dagrejs/dagre");
  // A failed load (a dropped connection) may be tried again on the next mount.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * An SVG path through dagre's edge points, as a uniform B-spline (d3's curveBasis): it starts
 * and ends on the points dagre put on the two nodes' borders, and bends smoothly between.
 */
function basisPath(points: readonly { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return "";
  let d = `M${r1(first.x)},${r1(first.y)}`;
  if (rest.length === 0) return d;
  if (rest.length === 1) return `${d}L${r1(rest[0]?.x ?? 0)},${r1(rest[0]?.y ?? 0)}`;
  let [x0, y0, x1, y1] = [first.x, first.y, first.x, first.y];
  const bezier = (x: number, y: number) => {
    d += `C${r1((2 * x0 + x1) / 3)},${r1((2 * y0 + y1) / 3)} ${r1((x0 + 2 * x1) / 3)},${r1((y0 + 2 * y1) / 3)} ${r1((x0 + 4 * x1 + x) / 6)},${r1((y0 + 4 * y1 + y) / 6)}`;
  };
  rest.forEach((p, i) => {
    if (i === 0) {
      [x0, y0, x1, y1] = [x1, y1, p.x, p.y];
      return;
    }
    if (i === 1) d += `L${r1((5 * x0 + x1) / 6)},${r1((5 * y0 + y1) / 6)}`;
    bezier(p.x, p.y);
    [x0, y0, x1, y1] = [x1, y1, p.x, p.y];
  });
  bezier(x1, y1);
  return `${d}L${r1(x1)},${r1(y1)}`;
}

/** The lineage laid out top to bottom with one node shape. */
function draw(dagre: Dagre, l: Lineage, shape: Shape): Drawing {
  const g = new dagre.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: "TB", nodesep: shape.nodesep, ranksep: shape.ranksep, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of l.nodes) g.setNode(n.id, { width: shape.width, height: shape.height });
  const edges = new Map<string, { v: string; w: string }>();
  for (const e of l.edges) {
    if (e.parent !== e.child && g.hasNode(e.parent) && g.hasNode(e.child)) edges.set(`${e.parent}>${e.child}`, { v: e.parent, w: e.child });
  }
  for (const e of edges.values()) g.setEdge(e.v, e.w);
  dagre.layout(g);
  const size = g.graph();
  const nodes = l.nodes
    .map((n): PlacedNode => {
      const p = g.node(n.id);
      return { id: n.id, ref: nodeRef(n), depth: n.depth, current: n.id === l.assetId, lines: wrapLabel(nodeTitle(n), shape.perLine, shape.maxLines), x: (p.x ?? 0) + PAD, y: (p.y ?? 0) + PAD };
    })
    // Tab order as read: top to bottom, then left to right.
    .sort((a, b) => a.y - b.y || a.x - b.x);
  return {
    shape,
    nodes,
    edges: [...edges].map(([key, e]) => ({ key, d: basisPath((g.edge(e.v, e.w).points ?? []).map((p) => ({ x: p.x + PAD, y: p.y + PAD }))) })),
    width: Math.ceil((size.width ?? 0) + 2 * PAD),
    height: Math.ceil((size.height ?? 0) + 2 * PAD),
  };
}

/** How much of the container the picture may fill: its inner width, and its max-height (CSS). */
interface Room {
  width: number;
  height: number;
}

function roomOf(el: HTMLElement): Room {
  const maxHeight = Number.parseFloat(window.getComputedStyle(el).maxHeight);
  // border-box sizing: the max-height counts the border.
  return { width: el.clientWidth, height: (Number.isFinite(maxHeight) ? maxHeight : 320) - 2 * el.clientTop };
}

/** The scale at which a drawing fits the room, at most 1 (never enlarged). */
function fit(d: Drawing, room: Room): number {
  return Math.min(1, room.width / d.width, room.height / d.height);
}

export function LineageGraph({ lineage }: { lineage: Lineage }) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const arrowId = `lineage-arrow-${useId()}`;
  const [dagre, setDagre] = useState<Dagre | null>(null);
  const [failed, setFailed] = useState(false);
  const [room, setRoom] = useState<Room | null>(null);

  useEffect(() => {
    let gone = false;
    loadDagre().then(
      (d) => {
        if (!gone) setDagre(() => d);
      },
      () => {
        if (!gone) setFailed(true);
      },
    );
    return () => {
      gone = true;
    };
  }, []);

  const drawings = useMemo(() => (dagre ? { wide: draw(dagre, lineage, WIDE), narrow: draw(dagre, lineage, NARROW) } : null), [dagre, lineage]);

  // The wide shape unless it would be shrunk noticeably and the narrow one is shrunk less.
  let drawing: Drawing | null = null;
  let scale = 1;
  if (drawings && room) {
    const wide = fit(drawings.wide, room);
    const narrow = fit(drawings.narrow, room);
    [drawing, scale] = wide >= 0.9 || wide >= narrow ? [drawings.wide, wide] : [drawings.narrow, narrow];
    scale = Math.max(scale, MIN_SCALE);
  }
  const overflows = drawing !== null && room !== null && (drawing.width * scale > room.width + 0.5 || drawing.height * scale > room.height + 0.5);

  /** Writes the test hook from where each node's box is now on screen (data-nodes only when it changed). */
  const writeHook = useRef(() => {});
  writeHook.current = () => {
    const el = container.current;
    const pic = svg.current;
    if (!el || !pic || !drawing) return;
    const base = el.getBoundingClientRect();
    const nodes = drawing.nodes.flatMap((n) => {
      const box = pic.querySelector(`rect[data-node="${n.id}"]`)?.getBoundingClientRect();
      return box ? [{ id: n.id, ref: n.ref, x: r1(box.left + box.width / 2 - base.left), y: r1(box.top + box.height / 2 - base.top) }] : [];
    });
    const json = JSON.stringify(nodes);
    if (el.getAttribute("data-nodes") !== json) el.setAttribute("data-nodes", json);
    el.setAttribute("data-ready", "true");
  };

  // The container's room, now and on every resize; a resize that changes no scale still moves
  // the nodes (the picture is centred), so the hook is written again either way.
  useLayoutEffect(() => {
    const el = container.current;
    if (!el) return;
    const measure = () => {
      const next = roomOf(el);
      setRoom((prev) => (prev && Math.abs(prev.width - next.width) < 0.5 && Math.abs(prev.height - next.height) < 0.5 ? prev : next));
      writeHook.current();
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    const onScroll = () => writeHook.current();
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener("scroll", onScroll);
    };
  }, [failed]);

  // After every render: the nodes may have moved.
  useLayoutEffect(() => writeHook.current());

  const parents = new Set(lineage.edges.filter((e) => e.child === lineage.assetId).map((e) => e.parent)).size;
  const children = new Set(lineage.edges.filter((e) => e.parent === lineage.assetId).map((e) => e.child)).size;
  const others = Math.max(lineage.nodes.length - 1 - parents - children, 0);

  if (failed) return <p class="note">{t.lineageGraphFailed}</p>;
  return (
    <div class="lineage-graph-frame">
      <p class="note lineage-graph-hint">{t.lineageGraphHint}</p>
      <div
        ref={container}
        class="lineage-graph"
        data-testid="lineage-graph"
        role="region"
        aria-label={t.lineageGraphName}
        // Focusable only when it scrolls, so the keyboard can scroll it too.
        tabIndex={overflows ? 0 : undefined}
      >
        {drawing && (
          <svg
            ref={svg}
            role="group"
            aria-label={t.lineageGraphLabel(parents, children, others)}
            viewBox={`0 0 ${drawing.width} ${drawing.height}`}
            // The container's width when the picture fits it at this scale (centred by
            // preserveAspectRatio), else its own, wider than the container, which scrolls.
            width={drawing.width * scale <= (room?.width ?? 0) + 0.5 ? "100%" : r1(drawing.width * scale)}
            height={r1(drawing.height * scale)}
            preserveAspectRatio="xMidYMid meet"
          >
            <defs>
              <marker id={arrowId} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto">
                <path class="lineage-arrow" d="M0,0L10,5L0,10z" />
              </marker>
            </defs>
            <g aria-hidden="true">
              {drawing.edges.map((e) => (
                <path key={e.key} class="lineage-edge" d={e.d} marker-end={`url(#${arrowId})`} />
              ))}
            </g>
            {drawing.nodes.map((n) => {
              const { width: w, height: h } = drawing.shape;
              const box = <rect class="lineage-box" data-node={n.id} x={n.x - w / 2} y={n.y - h / 2} width={w} height={h} rx="6" ry="6" />;
              const top = n.y - ((n.lines.length - 1) * LINE) / 2;
              const label = (
                <text class="lineage-label">
                  {n.lines.map((line, i) => (
                    <tspan key={i} x={n.x} y={top + i * LINE} dy="0.35em">
                      {line}
                    </tspan>
                  ))}
                </text>
              );
              return n.current ? (
                <g key={n.id} class="lineage-node lineage-current" role="img" aria-label={t.lineageGraphCurrent(n.ref)} aria-current="page">
                  {box}
                  {label}
                </g>
              ) : (
                <a key={n.id} class="lineage-node" href={href.asset(n.ref)} aria-label={t.lineageGraphNode(n.ref, n.depth)}>
                  {box}
                  {label}
                </a>
              );
            })}
          </svg>
        )}
      </div>
    </div>
  );
}
