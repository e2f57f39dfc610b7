// A raw WebSocket upgrade, for what a WebSocket library hides: the HTTP status of a
// refused upgrade, the subprotocol and extensions the relay selected, and the close
// code it sends on a connection the library would have failed itself (a 101 without
// a subprotocol, spec/07-relay.md §2).

import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { WaitReporter } from './client.js';

export interface UpgradeRequest {
  /** Sec-WebSocket-Protocol offered; none when undefined. */
  readonly protocol?: string;
  /** Sec-WebSocket-Extensions offered; none when undefined. */
  readonly extensions?: string;
  /** Wait for the relay's close frame after a 101 (default); false returns at once. */
  readonly awaitClose?: boolean;
}

export type UpgradeOutcome =
  | { readonly upgraded: false; readonly status: number }
  | {
      readonly upgraded: true;
      readonly headers: IncomingHttpHeaders;
      /**
       * The relay's close code; undefined if the socket ended without a close frame
       * or the probe did not wait for one.
       */
      readonly closeCode: number | undefined;
    };

const OPCODE_CLOSE = 0x8;

/** Reads unmasked server frames until a close frame; returns its code (1005 if empty). */
function closeCodeOf(buffer: Buffer): number | undefined | 'more' {
  let offset = 0;
  for (;;) {
    if (buffer.length < offset + 2) return 'more';
    const opcode = buffer[offset]! & 0x0f;
    const masked = (buffer[offset + 1]! & 0x80) !== 0;
    let length = buffer[offset + 1]! & 0x7f;
    let at = offset + 2;
    if (length === 126) {
      if (buffer.length < at + 2) return 'more';
      length = buffer.readUInt16BE(at);
      at += 2;
    } else if (length === 127) {
      if (buffer.length < at + 8) return 'more';
      length = Number(buffer.readBigUInt64BE(at));
      at += 8;
    }
    const mask = masked ? buffer.subarray(at, at + 4) : undefined;
    if (masked) at += 4;
    if (buffer.length < at + length) return 'more';
    if (opcode === OPCODE_CLOSE) {
      if (length < 2) return 1005;
      const b0 = buffer[at]! ^ (mask?.[0] ?? 0);
      const b1 = buffer[at + 1]! ^ (mask?.[1] ?? 0);
      return (b0 << 8) | b1;
    }
    offset = at + length;
  }
}

/**
 * Sends a WebSocket upgrade for `url` with the given offers. If the relay upgrades,
 * waits for its close frame (or the end of the socket); `register` receives a
 * function that aborts the probe (the scenario's clean-up).
 */
export function probeUpgrade(
  url: string,
  offer: UpgradeRequest,
  reportWait: WaitReporter,
  register: (abort: () => void) => void,
): Promise<UpgradeOutcome> {
  const target = new URL(url);
  const secure = target.protocol === 'wss:';
  const headers: Record<string, string> = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
  };
  if (offer.protocol !== undefined) headers['Sec-WebSocket-Protocol'] = offer.protocol;
  if (offer.extensions !== undefined) headers['Sec-WebSocket-Extensions'] = offer.extensions;
  const request = (secure ? httpsRequest : httpRequest)({
    host: target.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: target.port === '' ? (secure ? 443 : 80) : Number(target.port),
    path: `${target.pathname}${target.search}`,
    headers,
  });
  let socket: Duplex | undefined;
  register(() => {
    request.destroy();
    socket?.destroy();
  });
  reportWait('the answer to a raw WebSocket upgrade');
  return new Promise((resolve, reject) => {
    request.on('response', (response) => {
      response.resume();
      resolve({ upgraded: false, status: response.statusCode ?? 0 });
    });
    request.on('upgrade', (response, upgraded, head: Buffer) => {
      socket = upgraded;
      reportWait('a close frame after an upgrade');
      let received = head;
      const finish = (closeCode: number | undefined): void => {
        upgraded.destroy();
        resolve({ upgraded: true, headers: response.headers, closeCode });
      };
      const scan = (): void => {
        const code = closeCodeOf(received);
        if (code !== 'more') finish(code);
      };
      if (offer.awaitClose === false) return finish(undefined);
      upgraded.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        scan();
      });
      upgraded.on('end', () => finish(undefined));
      upgraded.on('close', () => finish(undefined));
      upgraded.on('error', () => finish(undefined));
      scan();
    });
    request.on('error', (error) => reject(error));
    request.end();
  });
}
