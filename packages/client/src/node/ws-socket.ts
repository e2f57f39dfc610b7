// The socket factory for Node: the `ws` package, which speaks the WHATWG interface
// the client uses. Compression is off (spec/07-relay.md §2) and a message larger
// than MAX_FRAME_BYTES is refused by ws before it is buffered.

import { LIMITS } from '@hotline/codec';
import WebSocket from 'ws';
import type { ClientSocket, SocketFactory } from '../socket.js';

export const wsSocketFactory: SocketFactory = (url, protocols) =>
  new WebSocket(url, protocols, {
    perMessageDeflate: false,
    maxPayload: LIMITS.MAX_FRAME_BYTES,
  }) as unknown as ClientSocket;
