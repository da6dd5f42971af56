// What the diagram can show on top of the graph: validation badges (designer) and live
// execution status (the execution page), keyed by node id.
export interface NodeOverlay {
  /** Live status: NOT_STARTED, IN_PROGRESS, SUCCEEDED, FAILED, CAUGHT_ERROR, CANCELLED. */
  status?: string;
  /** Number of validation problems, and their text for the tooltip. */
  problems?: number;
  problemText?: string;
  /** A short line under the title (the live view: iteration or run counts), and its tooltip. */
  badge?: string;
  badgeTitle?: string;
  /** The debugger: a breakpoint on this state. */
  breakpoint?: boolean;
  /** Test coverage (shown only while a coverage report is on): whether the state ran, and what in it did not. */
  covered?: boolean;
  uncovered?: string[];
}

export type Overlay = Record<string, NodeOverlay>;
