// The baseline for bench/client.ts, in a process of its own: a bare `ws` server that
// passes each message it receives to every other open socket, as is. No framing,
// no verification, no store: what a WebSocket hop between two sockets of one
// process costs on this machine. Answers `stats` with its CPU; exits on `exit` or
// when the parent goes away.
//
//   node --import tsx bench/client/forwarder-child.ts

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FromChild, ToChild } from './protocol.js';

if (process.send === undefined) {
  process.stderr.write('usage: fork forwarder-child.ts with an IPC channel\n');
  process.exit(2);
}
const send = (message: FromChild) => process.send?.(message);

const http = createServer();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
wss.on('connection', (ws: WebSocket) => {
  ws.on('error', () => ws.terminate());
  ws.on('message', (data: Buffer) => {
    for (const other of wss.clients) if (other !== ws) other.send(data);
  });
});
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));

function exit(): void {
  for (const client of wss.clients) client.terminate();
  wss.close();
  http.close(() => process.exit(0));
}
process.on('message', (message: ToChild) => {
  if (message.type === 'exit') exit();
  else if (message.type === 'stats') {
    const cpu = process.cpuUsage();
    send({ type: 'stats', stats: { cpuMs: (cpu.user + cpu.system) / 1000 } });
  }
});
process.on('disconnect', exit);
send({ type: 'ready', url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}` });
