// Writing a transcript (spec/09-transcript.md §2): deterministic CBOR, relay
// records ascending by key, and a read-back so that nothing unreadable is written.

import { type CborValue, compareBytes, encodeCbor } from '@hotline/codec';
import { decodeTranscript } from './decode.js';
import {
  TRANSCRIPT_FORMAT,
  TRANSCRIPT_KEYS,
  TRANSCRIPT_RELAY_KEYS,
  type Transcript,
} from './format.js';

function requireObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${name} must be an object`);
  return value as Record<string, unknown>;
}

function requireBytes(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  return value;
}

function requireList<T>(value: unknown, name: string, item: (v: unknown, n: string) => T): T[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array`);
  return value.map((v, i) => item(v, `${name}[${i}]`));
}

function requireUint(value: unknown, name: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new TypeError(`${name} must be a non-negative safe integer`);
  }
  return value as number;
}

function relayEntry(value: unknown, name: string): { key: Uint8Array; entry: CborValue } {
  const r = requireObject(value, name);
  const key = requireBytes(r.relay, `${name}.relay`);
  const K = TRANSCRIPT_RELAY_KEYS;
  const entry = new Map<number, CborValue>([
    [K.relay, key],
    [K.log, requireList(r.log, `${name}.log`, requireBytes)],
    [K.checkpoints, requireList(r.checkpoints, `${name}.checkpoints`, requireBytes)],
    [K.receipts, requireList(r.receipts, `${name}.receipts`, requireBytes)],
    [
      K.consistency,
      requireList(r.consistency, `${name}.consistency`, (v, n) => {
        const c = requireObject(v, n);
        return [
          requireUint(c.fromSize, `${n}.fromSize`),
          requireUint(c.toSize, `${n}.toSize`),
          requireList(c.proof, `${n}.proof`, requireBytes),
        ];
      }),
    ],
  ]);
  return { key, entry };
}

/**
 * Encodes a transcript deterministically (CBOR profile of spec/01-envelope.md §5),
 * relay records sorted by key. Wrong JavaScript types throw TypeError; values the
 * format forbids (a 31-byte channel id, a key twice …) throw the HotlineError a
 * reader would report, so nothing unreadable is ever written.
 */
export function encodeTranscript(transcript: Transcript): Uint8Array {
  const t = requireObject(transcript, 'transcript');
  const relays = requireList(t.relays, 'relays', relayEntry)
    .sort((a, b) => compareBytes(a.key, b.key))
    .map((r) => r.entry);
  const K = TRANSCRIPT_KEYS;
  const bytes = encodeCbor(
    new Map<number, CborValue>([
      [K.format, TRANSCRIPT_FORMAT],
      [K.channel, requireBytes(t.channel, 'channel')],
      [K.charter, requireBytes(t.charter, 'charter')],
      [K.envelopes, requireList(t.envelopes, 'envelopes', requireBytes)],
      [K.relays, relays],
      [K.exportedAt, requireUint(t.exportedAt, 'exportedAt')],
    ]),
  );
  decodeTranscript(bytes);
  return bytes;
}
