// The replay bar of the execution page: a slider over the execution's events and a play
// button. While it is away from the end, the page shows the execution as it was at that event.
import { useEffect } from "react";
import { time } from "./format";
import type { HistoryEvent } from "./overlay";
import { playInterval } from "./replay";

export function ReplayBar({ events, at, onSeek, playing, onPlaying }: {
  events: HistoryEvent[];
  /** The number of events shown; null follows the live execution. */
  at: number | null;
  onSeek: (at: number | null) => void;
  playing: boolean;
  onPlaying: (playing: boolean) => void;
}) {
  const total = events.length;
  const shown = at ?? total;

  useEffect(() => {
    if (!playing) return;
    if (shown >= total) {
      onPlaying(false);
      return;
    }
    const timer = window.setTimeout(() => onSeek(shown + 1), playInterval(total));
    return () => window.clearTimeout(timer);
  }, [playing, shown, total, onSeek, onPlaying]);

  const event = shown > 0 ? events[shown - 1] : null;
  return (
    <div className="replay-bar" data-testid="replay-bar">
      <button type="button" data-testid="replay-play" disabled={!total} aria-pressed={playing}
        onClick={() => {
          if (playing) return onPlaying(false);
          if (shown >= total) onSeek(0);
          onPlaying(true);
        }}>{playing ? "Pause" : "Play"}</button>
      <input type="range" data-testid="replay-slider" aria-label="Replay: events shown" min={0} max={total} step={1}
        value={shown} onChange={(e) => {
          onPlaying(false);
          const value = Number(e.target.value);
          onSeek(value >= total ? null : value);
        }} />
      <span className="replay-position" data-testid="replay-position">
        {at === null ? `Live · ${total} events` : `Event ${shown} of ${total}`}
        {at !== null && event && <> · {event.type} · {time(event.timestamp)}</>}
      </span>
      {at !== null && <button type="button" className="link" onClick={() => { onPlaying(false); onSeek(null); }}>Back to live</button>}
    </div>
  );
}
