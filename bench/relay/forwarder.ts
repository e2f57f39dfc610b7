// The baseline for bench/relay: a bare `ws` forwarder, no verification and no store.
// A publisher connects to /pub/<channel>, a subscriber to /sub/<channel>; each message
// of a publisher goes to its channel's subscriber as is, and the publisher gets the
// message's first bytes back as its answer — the same shape of work as the relay's one
// receipt and one delivery per envelope, minus everything that makes it a relay.
// Backpressure as measured on this machine: publishers pause while the subscriber has
// more than 1 MiB buffered and resume below 512 KiB.
//
// With `verify`, it is the floor of any verifying relay instead: each publish is
// decoded (decodeFrame, decodeEnvelope) and its signature checked by a VerifyPool (the
// relay's, same worker count) before it is answered and forwarded, in arrival order;
// still no chain, no log, no store.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeEnvelope, decodeFrame } from '@hotline/codec';
import { type WebSocket, WebSocketServer } from 'ws';
import { VerifyPool } from '../../packages/relay/src/verify-pool.js';

const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 512 * 1024;
/** Array head, type, request id (at most 9 bytes): enough for the load generator to match. */
const ANSWER_BYTES = 12;

interface Route {
  subscriber: WebSocket | undefined;
  publishers: Set<WebSocket>;
  paused: boolean;
}

export interface Forwarder {
  readonly url: string;
  close(): Promise<void>;
}

export interface ForwarderOptions {
  /** Verify each publish's signature with a pool of this many workers first. */
  readonly verifyWorkers?: number;
}

export async function startForwarder(
  maxPayload: number,
  options: ForwarderOptions = {},
): Promise<Forwarder> {
  const pool =
    options.verifyWorkers === undefined
      ? undefined
      : new VerifyPool({ size: options.verifyWorkers });
  await pool?.ready();
  const routes = new Map<string, Route>();
  const route = (name: string): Route => {
    let r = routes.get(name);
    if (r === undefined) {
      r = { subscriber: undefined, publishers: new Set(), paused: false };
      routes.set(name, r);
    }
    return r;
  };
  const http: Server = createServer();
  const wss = new WebSocketServer({ server: http, maxPayload, perMessageDeflate: false });
  wss.on('connection', (ws, request) => {
    const [, role, name = ''] = (request.url ?? '').split('/');
    const r = route(name);
    ws.on('error', () => ws.terminate());
    if (role === 'sub') {
      r.subscriber = ws;
      ws.on('close', () => {
        if (r.subscriber === ws) r.subscriber = undefined;
      });
      return;
    }
    r.publishers.add(ws);
    ws.on('close', () => r.publishers.delete(ws));
    const forward = (data: Buffer) => {
      ws.send(data.subarray(0, ANSWER_BYTES));
      const subscriber = r.subscriber;
      if (subscriber === undefined) return;
      subscriber.send(data, () => {
        if (r.paused && subscriber.bufferedAmount < LOW_WATER) {
          r.paused = false;
          for (const p of r.publishers) p.resume();
        }
      });
      if (!r.paused && subscriber.bufferedAmount > HIGH_WATER) {
        r.paused = true;
        for (const p of r.publishers) p.pause();
      }
    };
    ws.on('message', (data: Buffer) => {
      if (pool === undefined) return forward(data);
      const frame = decodeFrame(data);
      if (frame.type !== 'publish') return ws.terminate();
      const { signature, signedBytes, fields } = decodeEnvelope(frame.envelope);
      void pool.verify(signature, signedBytes, fields.sender).then((valid) => {
        if (valid) forward(data);
        else ws.terminate();
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise((resolve) => http.close(resolve));
      await pool?.close();
    },
  };
}
