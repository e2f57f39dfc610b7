// Frames the relay must refuse (spec/07-relay.md §2, §3.4, §12): each is answered by
// an error with request id 0 and the close code of §12, on an authenticated
// connection (so only the frame itself is wrong). Plus the size boundary and the
// transport rules a WebSocket library would otherwise hide.

import { type ErrorCode, encodeFrame, LIMITS } from '@hotline/codec';
import { SUBPROTOCOL } from '../lib/client.js';
import { expectClose, expectError, expectErrorThenClose } from '../lib/expect.js';
import { check, checkEqual } from '../lib/failure.js';
import type { Scenario } from '../scenario.js';

const isFrameDefect = (code: ErrorCode): boolean =>
  code === 'FRAME_MALFORMED' || code.startsWith('CBOR_');

export const frameScenarios: readonly Scenario[] = [
  {
    name: 'frames: a frame that is not an array is FRAME_MALFORMED (or CBOR_*), close 1002',
    async run(ctx) {
      const client = await ctx.connect(ctx.secret('alice'));
      client.sendRaw(Uint8Array.of(0x01)); // the uint 1: well-formed CBOR, not an array (W3)
      await expectErrorThenClose(client, isFrameDefect, 1002);
    },
  },
  {
    name: 'frames: a frame with a non-shortest head is CBOR_NON_SHORTEST, close 1002',
    async run(ctx) {
      const client = await ctx.connect(ctx.secret('alice'));
      // checkpoint-request [12, 5, channel] with the request id written as 18 05 (W2).
      client.sendRaw(Uint8Array.of(0x83, 0x0c, 0x18, 0x05, 0x58, 0x20, ...new Uint8Array(32)));
      await expectErrorThenClose(client, 'CBOR_NON_SHORTEST', 1002);
    },
  },
  {
    name: 'frames: a text message is FRAME_MALFORMED, close 1003',
    async run(ctx) {
      const client = await ctx.connect(ctx.secret('alice'));
      client.sendRaw('[5, 1, "not binary"]');
      await expectErrorThenClose(client, 'FRAME_MALFORMED', 1003);
    },
  },
  {
    name: `frames: a message of ${LIMITS.MAX_FRAME_BYTES + 1} bytes is FRAME_TOO_LARGE, close 1009`,
    async run(ctx) {
      const client = await ctx.connect(ctx.secret('alice'));
      client.sendRaw(new Uint8Array(LIMITS.MAX_FRAME_BYTES + 1));
      // §12: the error frame is optional when the WebSocket library refuses the message.
      const frame = await client.nextOrClose('FRAME_TOO_LARGE or close 1009');
      if (frame !== undefined) expectError(frame, 'FRAME_TOO_LARGE', 0);
      await expectClose(client, 1009);
    },
  },
  {
    name: `frames: a frame of exactly ${LIMITS.MAX_FRAME_BYTES} bytes is decoded (ENVELOPE_TOO_LARGE, connection kept)`,
    async run(ctx) {
      const client = await ctx.connect(ctx.secret('alice'));
      const requestId = client.nextRequestId();
      // [5, id, bstr]: 3 bytes of array, type and id, a 5-byte bstr head, the content.
      const envelope = new Uint8Array(LIMITS.MAX_FRAME_BYTES - 8);
      const frame = encodeFrame({ type: 'publish', requestId, envelope });
      checkEqual(frame.length, LIMITS.MAX_FRAME_BYTES, 'frame length (runner self-check)');
      client.sendRaw(frame);
      // The frame passes W1; the envelope fails E1 (longer than MAX_ENVELOPE_BYTES).
      expectError(await client.next('the answer to the publish'), 'ENVELOPE_TOO_LARGE', requestId);
      const probe = client.nextRequestId();
      const answer = await client.request(
        { type: 'checkpoint-request', requestId: probe, channel: ctx.secret('nowhere') as never },
        'the answer to a later request on the same connection',
      );
      expectError(answer, 'CHANNEL_UNKNOWN', probe);
    },
  },
  {
    name: 'frames: an unknown frame type is FRAME_TYPE_UNKNOWN, close 1002',
    async run(ctx) {
      const client = await ctx.connect(ctx.secret('alice'));
      client.sendRaw(Uint8Array.of(0x82, 0x18, 0x18, 0x02)); // [24, 2]: 24 is reserved
      await expectErrorThenClose(client, 'FRAME_TYPE_UNKNOWN', 1002);
    },
  },
  {
    name: 'frames: a relay frame type sent by the client is FRAME_UNEXPECTED, close 1002',
    async run(ctx) {
      const client = await ctx.connect(ctx.secret('alice'));
      client.send({
        type: 'unsubscribed',
        requestId: client.nextRequestId(),
        channel: ctx.secret('nowhere') as never,
      });
      await expectErrorThenClose(client, 'FRAME_UNEXPECTED', 1002);
    },
  },
  {
    name: 'frames: permessage-deflate offered is not negotiated',
    async run(ctx) {
      const outcome = await ctx.probe({
        protocol: SUBPROTOCOL,
        extensions: 'permessage-deflate; client_max_window_bits',
        awaitClose: false,
      });
      check(outcome.upgraded, 'the upgrade offering hotline.v0.1 was refused');
      if (!outcome.upgraded) return;
      checkEqual(outcome.headers['sec-websocket-protocol'], SUBPROTOCOL, 'selected subprotocol');
      const extensions = outcome.headers['sec-websocket-extensions'];
      check(extensions === undefined, `the relay negotiated extensions: ${extensions}`);
    },
  },
];
