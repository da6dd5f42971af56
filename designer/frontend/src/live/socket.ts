// The execution page's WebSocket: ws/executions/<id>/?after=<last applied event id>, reopened
// with back-off after a drop so the stream resumes exactly where it stopped.
import { useEffect } from "react";
import { reconnectingSocket } from "../studioSocket";
import type { LiveExecution, ServerMessage } from "./store";
import { useLive } from "./store";

// The server refused (signed out, no such execution or machine): reconnecting cannot help.
const REFUSED = [4401, 4404];

export function useExecutionSocket(executionId: number | null, live: LiveExecution | null): void {
  useEffect(() => {
    if (executionId == null || !live) return;
    const connection = reconnectingSocket(() => `/ws/executions/${executionId}/?after=${live.lastEventId}`, {
      onConnecting: () => useLive.getState().setConnection("connecting"),
      onOpen: () => {
        connection.answered();
        useLive.getState().setConnection("connected");
      },
      onMessage: (data) => live.receive(data as ServerMessage),
      onClose: () => useLive.getState().setConnection("disconnected"),
    }, REFUSED);
    return () => connection.close();
  }, [executionId, live]);
}

/** ws/machines/<name>/executions/: calls `onChange` with each new or changed execution. */
export function useExecutionsSocket(machine: string, onChange: (execution: any) => void): void {
  useEffect(() => {
    const connection = reconnectingSocket(() => `/ws/machines/${encodeURIComponent(machine)}/executions/`, {
      onOpen: () => connection.answered(),
      onMessage: (data) => {
        if (data.type === "executions.changed") onChange(data.execution);
      },
    }, REFUSED);
    return () => connection.close();
  }, [machine, onChange]);
}
