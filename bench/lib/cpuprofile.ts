/**
 * Summarises a V8 `.cpuprofile` (as `node --cpu-prof` writes it): the functions with the most
 * self time, the most inclusive ("total") time, and self time by source file or package.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileRow {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  self: ProfileRow[];
  total: ProfileRow[];
  byFile: ProfileRow[];
}

function shortUrl(url: string, root: string): string {
  if (!url) return "(native)";
  let p = url.startsWith("file://") ? url.slice("file://".length) : url;
  if (p.startsWith(root)) p = path.relative(root, p);
  const nm = p.lastIndexOf("node_modules/");
  if (nm >= 0) p = p.slice(nm + "node_modules/".length);
  return p;
}

function packageOf(url: string, root: string): string {
  const p = shortUrl(url, root);
  if (!url) return "(native/VM)";
  if (url.startsWith("node:")) return url;
  if (url.includes("node_modules/")) {
    const parts = p.split("/");
    return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1] ?? ""}` : (parts[0] ?? p);
  }
  return p;
}

export function summariseProfile(file: string, root: string, top = 20): ProfileSummary {
  const prof = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const n of prof.nodes) byId.set(n.id, n);
  const selfUs = new Map<number, number>();
  prof.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const label = (f: CallFrame) => `${f.functionName || "(anonymous)"} ${shortUrl(f.url, root)}:${f.lineNumber + 1}`;
  const isIdle = (f: CallFrame) => f.functionName === "(idle)" || f.functionName === "(program)" || f.functionName === "(garbage collector)";

  const self = new Map<string, number>();
  const files = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    totalUs += us;
    const key = isIdle(n.callFrame) ? n.callFrame.functionName : label(n.callFrame);
    self.set(key, (self.get(key) ?? 0) + us);
    const fk = isIdle(n.callFrame) ? n.callFrame.functionName : packageOf(n.callFrame.url, root);
    files.set(fk, (files.get(fk) ?? 0) + us);
  }

  // Inclusive time: each node's subtree, counted once per function per stack (recursion guard).
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n || n.callFrame.functionName === "(root)") continue;
      const key = label(n.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + us);
    }
  }
  const rows = (m: Map<string, number>): ProfileRow[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: totalUs > 0 ? us / totalUs : 0 }));
  return { totalMs: Math.round(totalUs / 1000), self: rows(self), total: rows(total), byFile: rows(files) };
}

export function formatProfile(s: ProfileSummary, title: string): string {
  const fmt = (rows: ProfileRow[]) => rows.map((r) => `  ${String(r.ms).padStart(7)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`).join("\n");
  return [
    `${title}: ${s.totalMs} ms sampled`,
    "self time by function:",
    fmt(s.self),
    "self time by file / package:",
    fmt(s.byFile),
    "inclusive time by function:",
    fmt(s.total),
  ].join("\n");
}
