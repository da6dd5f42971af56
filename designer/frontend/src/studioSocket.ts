// The shell's WebSocket to ws/studio/ (proves the server answers), and the reconnecting socket
// every WebSocket of the studio is built on.
import { useEffect, useState } from "react";

export type SocketStatus = "connecting" | "connected" | "disconnected";

export function socketUrl(path: string): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}${path}`;
}

export interface SocketHandlers {
  /** Before each attempt to open. */
  onConnecting?: () => void;
  onOpen?: (socket: WebSocket) => void;
  /** Each message, decoded from JSON. */
  onMessage: (data: any) => void;
  onClose?: () => void;
}

export interface ReconnectingSocket {
  /** The server answered: the next drop retries after the shortest delay again. */
  answered(): void;
  /** Close for good (no reconnect). */
  close(): void;
}

/**
 * A WebSocket to `path()` (asked again on each attempt) that reopens after a drop with back-off
 * (0.5 s, doubling, at most 10 s) until `close()`, or until the server closes it with one of
 * `finalCodes` (a refusal such as 4401 signed out or 4404 not found, which retrying cannot fix).
 */
export function reconnectingSocket(path: () => string, handlers: SocketHandlers, finalCodes: number[] = []): ReconnectingSocket {
  let socket: WebSocket | null = null;
  let retry = 0;
  let timer: number | undefined;
  let closed = false;
  const open = () => {
    handlers.onConnecting?.();
    const current = new WebSocket(socketUrl(path()));
    socket = current;
    current.onopen = () => handlers.onOpen?.(current);
    current.onmessage = (message) => handlers.onMessage(JSON.parse(message.data));
    current.onclose = (event) => {
      handlers.onClose?.();
      if (closed || finalCodes.includes(event.code)) return;
      timer = window.setTimeout(open, Math.min(10000, 500 * 2 ** retry++));
    };
  };
  open();
  return {
    answered: () => {
      retry = 0;
    },
    close: () => {
      closed = true;
      window.clearTimeout(timer);
      socket?.close();
    },
  };
}

export function useStudioSocket(): SocketStatus {
  const [status, setStatus] = useState<SocketStatus>("connecting");
  useEffect(() => {
    const connection = reconnectingSocket(() => "/ws/studio/", {
      onOpen: (socket) => socket.send(JSON.stringify({ type: "ping" })),
      // Only a pong proves the server answers (an accepted socket alone does not).
      onMessage: (data) => {
        if (data.type === "pong") {
          connection.answered();
          setStatus("connected");
        }
      },
      onClose: () => setStatus("disconnected"),
    });
    return () => connection.close();
  }, []);
  return status;
}
