// Test helpers: a tiny hand-written CBOR writer (independent of cbor-x and of the
// codec's encoder), builders for valid and hand-crafted envelopes, and an assertion
// on HotlineError codes.

import { expect } from 'chai';
import {
  type EnvelopeFieldsInput,
  type ErrorCode,
  FIELD,
  HEADER_TYP,
  HotlineError,
} from '../src/index.js';

/** Bytes from hex; spaces are ignored so cases can be written head by head. */
export function h(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function cat(...parts: (Uint8Array | readonly number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Shortest head for major type `major` and argument `n` (0 <= n <= 2^53-1). */
export function head(major: number, n: number): Uint8Array {
  const m = major << 5;
  if (n < 24) return Uint8Array.of(m | n);
  if (n < 0x100) return Uint8Array.of(m | 24, n);
  if (n < 0x1_0000) return Uint8Array.of(m | 25, n >> 8, n & 0xff);
  if (n < 0x1_0000_0000) {
    return Uint8Array.of(m | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  }
  const out = new Uint8Array(9);
  out[0] = m | 27;
  new DataView(out.buffer).setBigUint64(1, BigInt(n));
  return out;
}

export const uint = (n: number): Uint8Array => head(0, n);
export const nint = (n: number): Uint8Array => head(1, -1 - n);
export const bstr = (content: Uint8Array): Uint8Array => cat(head(2, content.length), content);
export const tstr = (text: string): Uint8Array => cat(head(3, utf8(text).length), utf8(text));
export const array = (...items: Uint8Array[]): Uint8Array => cat(head(4, items.length), ...items);
/** A map from already-encoded keys and values, written in the order given. */
export const map = (...entries: [Uint8Array, Uint8Array][]): Uint8Array =>
  cat(head(5, entries.length), ...entries.flat());
export const tag = (n: number, item: Uint8Array): Uint8Array => cat(head(6, n), item);

/** The protected header written out by hand from the registry: {1: -19, 16: typ}. */
export const HAND_PROTECTED = map([uint(1), nint(-19)], [uint(16), tstr(HEADER_TYP)]);

export interface RawEnvelopeParts {
  protected?: Uint8Array;
  unprotected?: Uint8Array;
  payload: Uint8Array;
  signature?: Uint8Array;
}

/** 18([bstr protected, unprotected, bstr payload, bstr signature]) with no checks at all. */
export function rawEnvelope(parts: RawEnvelopeParts): Uint8Array {
  return tag(
    18,
    array(
      bstr(parts.protected ?? HAND_PROTECTED),
      parts.unprotected ?? map(),
      bstr(parts.payload),
      bstr(parts.signature ?? SIGNATURE),
    ),
  );
}

export const filled = (length: number, byte: number): Uint8Array =>
  new Uint8Array(length).fill(byte);

export const CHANNEL = filled(32, 0xc1);
export const SENDER = filled(32, 0x5e);
export const PREV = filled(32, 0x9a);
export const SIGNATURE = Uint8Array.from({ length: 64 }, (_, i) => i);

/** A valid genesis envelope's fields (seq 1, no prev). */
export function genesisFields(): EnvelopeFieldsInput {
  return {
    channel: CHANNEL,
    sender: SENDER,
    seq: 1,
    time: 1_700_000_000_000,
    kind: 3,
    body: utf8('hello'),
  };
}

/**
 * Valid payload fields as a map of hand-encoded values, key -> encoded value, so a
 * test can replace, add or drop exactly one field and write the map with `payloadOf`.
 */
export function payloadEntries(): Map<number, Uint8Array> {
  return new Map([
    [FIELD.version, uint(1)],
    [FIELD.channel, bstr(CHANNEL)],
    [FIELD.sender, bstr(SENDER)],
    [FIELD.seq, uint(2)],
    [FIELD.prev, bstr(PREV)],
    [FIELD.time, uint(1_700_000_000_000)],
    [FIELD.kind, uint(3)],
    [FIELD.body, bstr(utf8('hello'))],
  ]);
}

/** Writes payload entries as a canonical map (keys ascending). */
export function payloadOf(entries: Map<number, Uint8Array>): Uint8Array {
  const keys = [...entries.keys()].sort((a, b) => a - b);
  return map(...keys.map((key): [Uint8Array, Uint8Array] => [uint(key), entries.get(key)!]));
}

/** Runs `fn`, requires a HotlineError with `code` (and `offset` if given), returns it. */
export function expectCode(fn: () => unknown, code: ErrorCode, offset?: number): HotlineError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof HotlineError)) {
    expect.fail(`expected HotlineError ${code}, got ${caught === undefined ? 'no error' : caught}`);
  }
  expect(caught.code).to.equal(code);
  if (offset !== undefined) expect(caught.offset, 'offset').to.equal(offset);
  return caught;
}
