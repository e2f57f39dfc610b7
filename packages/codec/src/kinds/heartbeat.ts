// Heartbeat (spec/kinds/heartbeat.md): kind 13, sent by every member at the
// charter's interval, like the scheduled test messages of the 1963 hotline. It says
// what the sender has seen — the latest seq received from each member, and the
// latest checkpoint it verified from each relay (a cosignature: if two members'
// checkpoints of one relay are inconsistent, the relay equivocated and both signed
// checkpoints are in hand) — and when its next heartbeat is due.
//
// The decoder reads each checkpoint's profile and fields with decodeCheckpoint to
// check the list's order (by relay key) and that all name one channel; it does NOT
// verify relay signatures, nor that the channel is the envelope's: the client does.

import { decodeCheckpoint, MAX_CHECKPOINT_BYTES } from '../checkpoint.js';
import { HotlineError } from '../errors.js';
import { bytesEqual, compareBytes } from '../lib/bytes.js';
import type { CborValue } from '../lib/cbor.js';
import type { PublicKey } from '../payload.js';
import {
  bytesOf,
  decodeBody,
  encodeBody,
  field,
  invalid,
  list,
  malformed,
  overLimit,
  type Reader,
  record,
  uint,
} from './common.js';

export const HEARTBEAT_LIMITS = Object.freeze({
  /** Entries of `seen`: one per member, and a charter has at most 64 members. */
  MAX_SEEN: 64,
  /** Checkpoints: one per relay, and a charter lists at most 16 relays. */
  MAX_CHECKPOINTS: 16,
  /** One checkpoint's bytes, as for any checkpoint (spec/05-checkpoints.md). */
  MAX_CHECKPOINT_BYTES,
} as const);

/** The latest seq the sender has received from one member. */
export interface SeenSeq {
  readonly key: PublicKey;
  /** At least 1: a member the sender has received nothing from is left out. */
  readonly seq: number;
}

export interface HeartbeatBody {
  /** Ascending by key, one entry per member at most. */
  readonly seen: readonly SeenSeq[];
  /** Signed checkpoint bytes, one per relay at most, ascending by relay key, all of one channel. */
  readonly checkpoints: readonly Uint8Array[];
  /** When the sender will send its next heartbeat: ms since the Unix epoch. */
  readonly next?: number;
}

const KEY_SIZE = 32;

const seenEntry: Reader<SeenSeq> = (value, path) => {
  if (!Array.isArray(value) || value.length !== 2) malformed(path, 'must be [key, seq]');
  const key = bytesOf(KEY_SIZE)(value[0], `${path}.key`) as PublicKey;
  const seq = uint(value[1], `${path}.seq`);
  if (seq < 1) invalid(`${path}.seq`, 'must be at least 1 (leave out a member not yet heard)');
  return Object.freeze({ key, seq });
};

const readSeen: Reader<readonly SeenSeq[]> = (value, path) => {
  const entries = list(seenEntry, HEARTBEAT_LIMITS.MAX_SEEN)(value, path);
  for (let i = 1; i < entries.length; i++) {
    const order = compareBytes(entries[i - 1]!.key, entries[i]!.key);
    if (order === 0) invalid(`${path}[${i}].key`, 'repeats the key before it');
    if (order > 0) invalid(`${path}[${i}].key`, 'keys must ascend');
  }
  return entries;
};

/** One checkpoint: a byte string whose COSE_Sign1 profile and fields decode. */
const checkpointBytes: Reader<Uint8Array> = (value, path) => {
  if (!(value instanceof Uint8Array)) malformed(path, 'must be a byte string');
  if (value.length > HEARTBEAT_LIMITS.MAX_CHECKPOINT_BYTES) {
    overLimit(path, `at most ${HEARTBEAT_LIMITS.MAX_CHECKPOINT_BYTES} bytes`);
  }
  return value;
};

const readCheckpoints: Reader<readonly Uint8Array[]> = (value, path) => {
  const items = list(checkpointBytes, HEARTBEAT_LIMITS.MAX_CHECKPOINTS)(value, path);
  let previous: { relay: Uint8Array; channel: Uint8Array } | undefined;
  items.forEach((bytes, i) => {
    const where = `${path}[${i}]`;
    let fields: { relay: Uint8Array; channel: Uint8Array };
    try {
      fields = decodeCheckpoint(bytes).fields;
    } catch (error) {
      if (!(error instanceof HotlineError)) throw error;
      // The checkpoint's own code stays in detail.code and as the cause.
      throw new HotlineError('BODY_INVALID', `${where}: not a checkpoint (${error.code})`, {
        field: where,
        detail: { code: error.code },
        cause: error,
      });
    }
    if (previous !== undefined) {
      const order = compareBytes(previous.relay, fields.relay);
      if (order === 0) invalid(where, 'repeats the relay of the checkpoint before it');
      if (order > 0) invalid(where, 'relay keys must ascend');
      if (!bytesEqual(previous.channel, fields.channel)) {
        invalid(where, 'names another channel than the checkpoint before it');
      }
    }
    previous = fields;
  });
  return items;
};

const readHeartbeat = record<HeartbeatBody>({
  seen: field(1, readSeen),
  checkpoints: field(2, readCheckpoints),
  next: field(3, uint, true),
});

/** Decodes a heartbeat body (kind 13); BODY_* or CBOR_* HotlineError on any defect. */
export function decodeHeartbeatBody(body: Uint8Array): HeartbeatBody {
  return decodeBody(body, readHeartbeat);
}

/**
 * Encodes a heartbeat body exactly as given: entries are not sorted for the caller,
 * so an order the decoder refuses throws its HotlineError (BODY_INVALID), as does
 * any other defect. Numbers that are not safe integers throw RangeError, values of
 * no CBOR type TypeError.
 */
export function encodeHeartbeatBody(value: HeartbeatBody): Uint8Array {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError('heartbeat must be an object');
  }
  if (!Array.isArray(value.seen) || !Array.isArray(value.checkpoints)) {
    throw new TypeError('seen and checkpoints must be arrays');
  }
  const map = new Map<number, CborValue>([
    [1, value.seen.map((entry) => [entry.key, entry.seq])],
    [2, [...value.checkpoints]],
  ]);
  if (value.next !== undefined) map.set(3, value.next);
  const bytes = encodeBody(map);
  decodeHeartbeatBody(bytes);
  return bytes;
}
