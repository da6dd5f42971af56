// The palette: every state type and the ready patterns, searchable. Drag an entry onto the
// canvas (HTML5 drag and drop, so any pointer or Playwright's drag_and_drop works), onto an
// edge to insert it there, or into a branch; or click it to add after the selected state.
import { useMemo, useState } from "react";
import { Icon } from "../nodes/icons";
import { PALETTE } from "../nodes/registry";
import type { PaletteItem } from "../nodes/registry";

export const PALETTE_MIME = "application/x-statecraft-state";

export function Palette({ onAdd }: { onAdd: (item: PaletteItem) => void }) {
  const [query, setQuery] = useState("");
  const items = useMemo(() => {
    const q = query.trim().toLowerCase();
    return PALETTE.filter((i) => !q || `${i.title} ${i.description} ${i.id}`.toLowerCase().includes(q));
  }, [query]);
  const groups: Array<PaletteItem["group"]> = ["Actions", "Flow", "Patterns"];
  return (
    <aside className="palette" aria-label="States">
      <input className="palette-search" type="search" placeholder="Search states and patterns" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search the palette" />
      {groups.map((g) => {
        const list = items.filter((i) => i.group === g);
        if (!list.length) return null;
        return (
          <div key={g} className="palette-group">
            <h4>{g}</h4>
            {list.map((item) => (
              <button
                type="button" key={item.id} className="palette-item" data-testid={`palette-${item.id}`} draggable
                title={`${item.description} — drag onto the canvas, or click to add`}
                onDragStart={(e) => {
                  e.dataTransfer.setData(PALETTE_MIME, item.id);
                  e.dataTransfer.setData("text/plain", item.id);
                  e.dataTransfer.effectAllowed = "copy";
                }}
                onClick={() => onAdd(item)}
              >
                <span className="palette-icon" style={{ color: item.color }}><Icon name={item.icon} /></span>
                <span className="palette-text"><span className="palette-title">{item.title}</span><span className="palette-desc">{item.description}</span></span>
              </button>
            ))}
          </div>
        );
      })}
      {!items.length && <p className="muted">Nothing matches “{query}”.</p>}
    </aside>
  );
}
