// The WebSocket the client talks through, passed in as a factory: the browser's
// WebSocket and the `ws` package both fit this shape (the WHATWG interface), and
// tests can hand in anything that does.

export interface SocketMessageEvent {
  readonly data: unknown;
}

export interface SocketCloseEvent {
  readonly code: number;
  readonly reason: string;
}

/** The subset of the WHATWG WebSocket interface the client uses. */
export interface ClientSocket {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: SocketMessageEvent) => void) | null;
  onclose: ((event: SocketCloseEvent) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** Opens a socket to `url` offering `protocols`; must not negotiate compression. */
export type SocketFactory = (url: string, protocols: string[]) => ClientSocket;

export const SUBPROTOCOL = 'hotline.v0.1';
export const SOCKET_OPEN = 1;

/** The bytes of a binary message, or undefined for a text message. */
export function messageBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (data instanceof Uint8Array) return data;
  return undefined;
}
