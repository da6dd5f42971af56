// Export the diagram as a standalone SVG (drawn from the graph, so it needs no DOM capture and
// no fonts from the network) and as PNG (that SVG rasterised on a canvas).
import type { Graph, GraphNode } from "../asl/graph";
import { Position } from "@xyflow/react";
import { edgeGeometry, handlePoint } from "../diagram/edgeGeometry";
import { nodeDef } from "../nodes/registry";

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function absolute(graph: Graph): Map<string, { x: number; y: number; n: GraphNode }> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out = new Map<string, { x: number; y: number; n: GraphNode }>();
  const at = (n: GraphNode): { x: number; y: number } => {
    const known = out.get(n.id);
    if (known) return known;
    const parent = n.parentId ? at(byId.get(n.parentId)!) : { x: 0, y: 0 };
    const pos = { x: parent.x + n.position.x, y: parent.y + n.position.y, n };
    out.set(n.id, pos);
    return pos;
  };
  graph.nodes.forEach(at);
  return out;
}

/** The diagram as SVG text. */
export function graphToSvg(graph: Graph): string {
  const abs = absolute(graph);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const { x, y, n } of abs.values()) {
    minX = Math.min(minX, x); minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + n.width); maxY = Math.max(maxY, y + n.height);
  }
  if (!abs.size) { minX = minY = 0; maxX = maxY = 100; }
  const pad = 24;
  const parts: string[] = [];
  const labels: string[] = [];
  const ordered = [...abs.values()].sort((a, b) => depth(a.n, abs) - depth(b.n, abs));
  for (const { x, y, n } of ordered) {
    if (n.data.kind === "group") {
      parts.push(`<rect x="${x}" y="${y}" width="${n.width}" height="${n.height}" rx="8" fill="#f7f9fb" stroke="#b7c0cc" stroke-dasharray="4 3"/>`);
      parts.push(`<text x="${x + 10}" y="${y + 17}" font-size="11" fill="#5f6b7a">${esc(n.data.name)}</text>`);
    } else if (n.data.kind === "start" || n.data.kind === "end") {
      parts.push(`<rect x="${x}" y="${y}" width="${n.width}" height="${n.height}" rx="${n.height / 2}" fill="#fff" stroke="#5f6b7a"/>`);
      parts.push(`<text x="${x + n.width / 2}" y="${y + n.height / 2 + 4}" font-size="12" text-anchor="middle" fill="#1d2330">${esc(n.data.name)}</text>`);
    } else {
      const def = nodeDef(n.data.state?.Type);
      parts.push(`<rect x="${x}" y="${y}" width="${n.width}" height="${n.height}" rx="8" fill="#fff" stroke="${def.color}" stroke-width="1.5"/>`);
      parts.push(`<rect x="${x}" y="${y}" width="5" height="${Math.min(n.height, 48)}" rx="2" fill="${def.color}"/>`);
      parts.push(`<text x="${x + 14}" y="${y + 20}" font-size="13" font-weight="600" fill="#1d2330">${esc(n.data.name)}</text>`);
      parts.push(`<text x="${x + 14}" y="${y + 37}" font-size="11" fill="#5f6b7a">${esc(def.subtitle(n.data.state!))}</text>`);
    }
  }
  for (const e of graph.edges) {
    const s = abs.get(e.source);
    const t = abs.get(e.target);
    if (!s || !t) continue;
    const from = handlePoint(s.n, e.sourceHandle);
    const { path, labelX, labelY } = edgeGeometry({
      sourceX: s.x + from.x, sourceY: s.y + from.y, sourcePosition: from.position,
      targetX: t.x + t.n.width / 2, targetY: t.y, targetPosition: Position.Top,
    }, e.data.kind);
    const colour = e.data.kind === "catch" ? "#c62828" : "#5f6b7a";
    const dash = e.data.kind === "catch" ? ` stroke-dasharray="6 4"` : e.data.kind === "default" ? ` stroke-dasharray="2 3"` : "";
    parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="1.4"${dash} marker-end="url(#arrow)"/>`);
    if (e.label) labels.push(`<text x="${labelX}" y="${labelY + 3.5}" font-size="10" text-anchor="middle" fill="${e.data.kind === "catch" ? "#9b1020" : "#333"}" stroke="#fff" stroke-width="3" paint-order="stroke">${esc(e.label)}</text>`);
  }
  const w = maxX - minX + pad * 2;
  const h = maxY - minY + pad * 2;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${minX - pad} ${minY - pad} ${w} ${h}" font-family="system-ui, sans-serif">`
    + `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5f6b7a"/></marker></defs>`
    + `<rect x="${minX - pad}" y="${minY - pad}" width="${w}" height="${h}" fill="#ffffff"/>`
    + parts.join("") + labels.join("") + `</svg>`;
}

function depth(n: GraphNode, abs: Map<string, { n: GraphNode }>): number {
  return n.parentId ? 1 + depth(abs.get(n.parentId)!.n, abs) : 0;
}

/** Rasterise SVG text to a PNG blob. */
export function svgToPng(svg: string, scale = 2): Promise<Blob> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    img.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = img.width * scale;
      canvas.height = img.height * scale;
      const ctx = canvas.getContext("2d")!;
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG export failed"))), "image/png");
    };
    img.onerror = () => reject(new Error("Could not render the SVG"));
    img.src = url;
  });
}

export function download(name: string, content: Blob | string, type = "application/octet-stream"): void {
  const blob = typeof content === "string" ? new Blob([content], { type }) : content;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
