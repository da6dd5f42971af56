// The execution page's WebSocket: ws/executions/<id>/?after=<last applied event id>, reopened
// with back-off after a drop so the stream resumes exactly where it stopped.
import { useEffect } from "react";
import { socketUrl } from "../studioSocket";
import type { LiveExecution, ServerMessage } from "./store";
import { useLive } from "./store";

export function useExecutionSocket(executionId: number | null, live: LiveExecution | null): void {
  useEffect(() => {
    if (executionId == null || !live) return;
    let socket: WebSocket | null = null;
    let retry = 0;
    let timer: number | undefined;
    let closed = false;
    const open = () => {
      useLive.getState().setConnection("connecting");
      socket = new WebSocket(socketUrl(`/ws/executions/${executionId}/?after=${live.lastEventId}`));
      socket.onopen = () => {
        retry = 0;
        useLive.getState().setConnection("connected");
      };
      socket.onmessage = (message) => live.receive(JSON.parse(message.data) as ServerMessage);
      socket.onclose = (event) => {
        useLive.getState().setConnection("disconnected");
        if (closed || event.code === 4401 || event.code === 4404) return;
        timer = window.setTimeout(open, Math.min(10000, 500 * 2 ** retry++));
      };
    };
    open();
    return () => {
      closed = true;
      window.clearTimeout(timer);
      socket?.close();
    };
  }, [executionId, live]);
}

/** ws/machines/<name>/executions/: calls `onChange` with each new or changed execution. */
export function useExecutionsSocket(machine: string, onChange: (execution: any) => void): void {
  useEffect(() => {
    let socket: WebSocket | null = null;
    let retry = 0;
    let timer: number | undefined;
    let closed = false;
    const open = () => {
      socket = new WebSocket(socketUrl(`/ws/machines/${encodeURIComponent(machine)}/executions/`));
      socket.onopen = () => { retry = 0; };
      socket.onmessage = (message) => {
        const data = JSON.parse(message.data);
        if (data.type === "executions.changed") onChange(data.execution);
      };
      socket.onclose = (event) => {
        if (closed || event.code === 4401 || event.code === 4404) return;
        timer = window.setTimeout(open, Math.min(10000, 500 * 2 ** retry++));
      };
    };
    open();
    return () => {
      closed = true;
      window.clearTimeout(timer);
      socket?.close();
    };
  }, [machine, onChange]);
}
