// The shell's WebSocket to ws/studio/: reconnects with back-off and proves the server answers.
import { useEffect, useState } from "react";

export type SocketStatus = "connecting" | "connected" | "disconnected";

export function socketUrl(path: string): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}${path}`;
}

export function useStudioSocket(): SocketStatus {
  const [status, setStatus] = useState<SocketStatus>("connecting");
  useEffect(() => {
    let socket: WebSocket | null = null;
    let retry = 0;
    let timer: number | undefined;
    let closed = false;
    const open = () => {
      socket = new WebSocket(socketUrl("/ws/studio/"));
      socket.onopen = () => socket?.send(JSON.stringify({ type: "ping" }));
      socket.onmessage = (message) => {
        const data = JSON.parse(message.data);
        if (data.type === "pong") {
          retry = 0;
          setStatus("connected");
        }
      };
      socket.onclose = () => {
        setStatus("disconnected");
        if (!closed) timer = window.setTimeout(open, Math.min(10000, 500 * 2 ** retry++));
      };
    };
    open();
    return () => {
      closed = true;
      window.clearTimeout(timer);
      socket?.close();
    };
  }, []);
  return status;
}
