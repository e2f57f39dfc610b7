// Relay checkpoints and receipts (spec/05-checkpoints.md). A checkpoint is a
// COSE_Sign1 of its own typ, signed by the relay: (relay key, channel, log size,
// root, time). A receipt is unsigned: a checkpoint plus the inclusion proof of one
// envelope id at one log index, so one signature per commit serves every envelope
// in it and anyone can check the receipt offline.

import { HotlineError } from './errors.js';
import type { Bytes } from './lib/bytes.js';
import { copyBytes } from './lib/bytes.js';
import { type CborValue, decodeScanned, encodeCbor } from './lib/cbor.js';
import { type FieldReader, type IntMapFailures, readIntMap } from './lib/intmap.js';
import { MAJOR_MAP, scanProfile } from './lib/scan.js';
import type { ChannelId, EnvelopeId, PublicKey } from './payload.js';
import {
  assembleSign1,
  readSign1,
  type Signature,
  type SignedBytes,
  sign1Profile,
  sigStructure,
} from './sign1.js';

export type MerkleRoot = Bytes<'MerkleRoot'>;

export const CHECKPOINT_TYP = 'application/hotline-checkpoint+cbor; v=0.1';
/** Far above a real checkpoint (≈ 200 bytes); bounds work on hostile input. */
export const MAX_CHECKPOINT_BYTES = 1024;
/** A log of 2^64 leaves needs 64 proof hashes; nothing longer is a proof. */
export const MAX_PROOF_HASHES = 64;
export const MAX_RECEIPT_BYTES = MAX_CHECKPOINT_BYTES + 64 + MAX_PROOF_HASHES * 34;

export const CHECKPOINT_PROFILE = sign1Profile(CHECKPOINT_TYP, MAX_CHECKPOINT_BYTES);

const CHECKPOINT_KEYS = { relay: 1, channel: 2, size: 3, root: 4, time: 5 } as const;
const RECEIPT_KEYS = { checkpoint: 1, index: 2, id: 3, proof: 4 } as const;
const HASH_SIZE = 32;

export interface CheckpointFields {
  readonly relay: PublicKey;
  readonly channel: ChannelId;
  /** Number of leaves in the channel's log. */
  readonly size: number;
  /** RFC 9162 root of the first `size` leaves. */
  readonly root: MerkleRoot;
  /** Relay clock, milliseconds since the Unix epoch. */
  readonly time: number;
}

/** A checkpoint whose profile is valid; its signature has NOT been checked. */
export interface DecodedCheckpoint {
  readonly fields: CheckpointFields;
  readonly signature: Signature;
  readonly signedBytes: SignedBytes;
  readonly bytes: Uint8Array;
}

export interface Receipt {
  /** Signed checkpoint bytes whose tree contains the envelope. */
  readonly checkpoint: Uint8Array;
  /** Log index (from 0) of the envelope. */
  readonly index: number;
  readonly id: EnvelopeId;
  /** RFC 9162 inclusion proof of leaf `index` in the checkpoint's tree. */
  readonly proof: readonly Uint8Array[];
}

type Reader = FieldReader;

const uint: Reader = (value, name) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new HotlineError('FIELD_TYPE', `${name}: must be an unsigned integer`, { field: name });
  }
  return value;
};

const hash: Reader = (value, name) => {
  if (!(value instanceof Uint8Array)) {
    throw new HotlineError('FIELD_TYPE', `${name}: must be a byte string`, { field: name });
  }
  if (value.length !== HASH_SIZE) {
    throw new HotlineError('FIELD_SIZE', `${name}: must be 32 bytes`, { field: name });
  }
  return value;
};

const bytes: Reader = (value, name) => {
  if (!(value instanceof Uint8Array)) {
    throw new HotlineError('FIELD_TYPE', `${name}: must be a byte string`, { field: name });
  }
  return value;
};

const hashList: Reader = (value, name) => {
  if (!Array.isArray(value)) {
    throw new HotlineError('FIELD_TYPE', `${name}: must be an array`, { field: name });
  }
  if (value.length > MAX_PROOF_HASHES) {
    throw new HotlineError('FIELD_SIZE', `${name}: more than ${MAX_PROOF_HASHES} hashes`, {
      field: name,
    });
  }
  return Object.freeze(value.map((item) => hash(item, name)));
};

/** Fixed-map failures (spec/05-checkpoints.md §3, M3–M4): the envelope payload's codes. */
const FIXED_MAP_FAILURES: IntMapFailures = {
  unknown(key) {
    throw new HotlineError('FIELD_UNKNOWN', `unknown key ${key}`);
  },
  missing(name) {
    throw new HotlineError('FIELD_MISSING', `missing ${name}`, { field: name });
  },
};

/**
 * Parses a scanned-able map whose keys are exactly `keys` (all required), reading
 * each value with its reader, in key order. Codes as for envelope payloads.
 */
function parseFixedMap<T>(
  input: Uint8Array,
  keys: Record<string, number>,
  readers: Record<string, Reader>,
): T {
  scanProfile(input);
  if (input[0]! >> 5 !== MAJOR_MAP) throw new HotlineError('PAYLOAD_NOT_MAP', 'must be a map');
  const map = decodeScanned(input) as Map<number, unknown>;
  const fields = Object.fromEntries(
    Object.entries(keys).map(([name, key]) => [name, { key, read: readers[name]! }]),
  );
  return Object.freeze(readIntMap<T>(map, fields, FIXED_MAP_FAILURES));
}

function requireBytes(value: unknown, name: string, size?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (size !== undefined && value.length !== size)
    throw new RangeError(`${name} must be ${size} bytes`);
  return value;
}

function requireUint(value: unknown, name: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new TypeError(`${name} must be a non-negative safe integer`);
  }
  return value as number;
}

/** Canonical checkpoint payload bytes (what the relay signs, inside the Sig_structure). */
export function encodeCheckpointPayload(fields: CheckpointFields): Uint8Array {
  return encodeCbor(
    new Map<number, CborValue>([
      [CHECKPOINT_KEYS.relay, requireBytes(fields.relay, 'relay', HASH_SIZE)],
      [CHECKPOINT_KEYS.channel, requireBytes(fields.channel, 'channel', HASH_SIZE)],
      [CHECKPOINT_KEYS.size, requireUint(fields.size, 'size')],
      [CHECKPOINT_KEYS.root, requireBytes(fields.root, 'root', HASH_SIZE)],
      [CHECKPOINT_KEYS.time, requireUint(fields.time, 'time')],
    ]),
  );
}

export function checkpointSignedBytes(payload: Uint8Array): SignedBytes {
  return sigStructure(CHECKPOINT_PROFILE, payload);
}

export function assembleCheckpoint(payload: Uint8Array, signature: Uint8Array): Uint8Array {
  return assembleSign1(CHECKPOINT_PROFILE, payload, signature);
}

/** Checks a checkpoint's profile and fields. Does NOT verify the relay's signature. */
export function decodeCheckpoint(input: Uint8Array): DecodedCheckpoint {
  if (!(input instanceof Uint8Array)) throw new TypeError('checkpoint must be a Uint8Array');
  const layout = readSign1(input, CHECKPOINT_PROFILE);
  const own = copyBytes(input);
  const payload = own.subarray(layout.payloadStart, layout.payloadEnd);
  const fields = parseFixedMap<CheckpointFields>(payload, CHECKPOINT_KEYS, {
    relay: hash,
    channel: hash,
    size: uint,
    root: hash,
    time: uint,
  });
  return Object.freeze({
    fields,
    signature: own.subarray(layout.signatureStart, layout.signatureEnd) as Signature,
    signedBytes: checkpointSignedBytes(payload),
    bytes: own,
  });
}

export function encodeReceipt(receipt: Receipt): Uint8Array {
  return encodeCbor(
    new Map<number, CborValue>([
      [RECEIPT_KEYS.checkpoint, requireBytes(receipt.checkpoint, 'checkpoint')],
      [RECEIPT_KEYS.index, requireUint(receipt.index, 'index')],
      [RECEIPT_KEYS.id, requireBytes(receipt.id, 'id', HASH_SIZE)],
      [RECEIPT_KEYS.proof, receipt.proof.map((h, i) => requireBytes(h, `proof[${i}]`, HASH_SIZE))],
    ]),
  );
}

/** Parses receipt bytes strictly. Checks nothing cryptographic: see signer's verifyReceipt. */
export function decodeReceipt(input: Uint8Array): Receipt {
  if (!(input instanceof Uint8Array)) throw new TypeError('receipt must be a Uint8Array');
  if (input.length > MAX_RECEIPT_BYTES) {
    throw new HotlineError('ENVELOPE_TOO_LARGE', `receipt over ${MAX_RECEIPT_BYTES} bytes`);
  }
  return parseFixedMap<Receipt>(copyBytes(input), RECEIPT_KEYS, {
    checkpoint: bytes,
    index: uint,
    id: hash,
    proof: hashList,
  });
}
