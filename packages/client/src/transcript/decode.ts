// Reading a transcript strictly (spec/09-transcript.md §3, J1–J6): the size limit,
// the CBOR profile scan, then the shape, key by key. It checks the container only:
// the envelopes, checkpoints and receipts inside are judged one by one by
// verifyTranscript, so that one bad item does not hide the rest.

import {
  compareBytes,
  decodeScanned,
  HotlineError,
  MAX_PROOF_HASHES,
  scanProfile,
} from '@hotline/codec';
import {
  MAX_TRANSCRIPT_BYTES,
  MAX_TRANSCRIPT_RELAYS,
  TRANSCRIPT_FORMAT,
  TRANSCRIPT_KEYS,
  TRANSCRIPT_NESTING,
  TRANSCRIPT_RELAY_KEYS,
  type Transcript,
  type TranscriptConsistency,
  type TranscriptRelay,
} from './format.js';

const MAJOR_MAP = 5;
const HASH_SIZE = 32;

function malformed(field: string, message: string): never {
  throw new HotlineError('TRANSCRIPT_MALFORMED', `${field}: ${message}`, { field });
}

type Reader<T> = (value: unknown, path: string) => T;

/** A plain Uint8Array view (cbor-x may hand out Buffers) over the private copy. */
const bytes: Reader<Uint8Array> = (value, path) => {
  if (!(value instanceof Uint8Array)) malformed(path, 'must be a byte string');
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
};

const hash: Reader<Uint8Array> = (value, path) => {
  const b = bytes(value, path);
  if (b.length !== HASH_SIZE) malformed(path, `must be ${HASH_SIZE} bytes, got ${b.length}`);
  return b;
};

const uint: Reader<number> = (value, path) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    malformed(path, 'must be an unsigned integer');
  }
  return value;
};

function list<T>(item: Reader<T>, max = Number.POSITIVE_INFINITY): Reader<readonly T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) malformed(path, 'must be an array');
    if (value.length > max) malformed(path, `more than ${max} entries`);
    return Object.freeze(value.map((v, i) => item(v, `${path}[${i}]`)));
  };
}

/**
 * Reads a fixed map: every entry in (scanned, ascending) key order is a known key
 * read by its reader, then every key must be present.
 */
function fixedMap<T>(
  value: unknown,
  path: string,
  keys: Readonly<Record<string, number>>,
  readers: Record<string, Reader<unknown>>,
): T {
  if (!(value instanceof Map)) malformed(path, 'must be a map');
  const names = new Map(Object.entries(keys).map(([name, key]) => [key, name]));
  const out: Record<string, unknown> = {};
  for (const [key, v] of value as Map<number, unknown>) {
    const name = names.get(key);
    if (name === undefined) malformed(path, `unknown key ${key}`);
    const field = path === 'transcript' ? name : `${path}.${name}`;
    out[name] = readers[name]!(v, field);
  }
  for (const [name, key] of Object.entries(keys)) {
    if (!(value as Map<number, unknown>).has(key)) {
      malformed(path === 'transcript' ? name : `${path}.${name}`, 'missing');
    }
  }
  return Object.freeze(out) as T;
}

const format: Reader<string> = (value, path) => {
  if (typeof value !== 'string') malformed(path, 'must be a text string');
  if (value !== TRANSCRIPT_FORMAT) {
    throw new HotlineError('TRANSCRIPT_UNSUPPORTED', `format ${JSON.stringify(value)}`, {
      field: path,
    });
  }
  return value;
};

const consistency: Reader<TranscriptConsistency> = (value, path) => {
  if (!Array.isArray(value) || value.length !== 3) malformed(path, 'must be an array of 3 items');
  const fromSize = uint(value[0], `${path}.fromSize`);
  const toSize = uint(value[1], `${path}.toSize`);
  const proof = list(hash, MAX_PROOF_HASHES)(value[2], `${path}.proof`);
  if (fromSize > toSize) malformed(path, 'fromSize must not exceed toSize');
  return Object.freeze({ fromSize, toSize, proof });
};

const relay: Reader<TranscriptRelay> = (value, path) =>
  fixedMap<TranscriptRelay>(value, path, TRANSCRIPT_RELAY_KEYS, {
    relay: hash,
    log: list(hash),
    checkpoints: list(bytes),
    receipts: list(bytes),
    consistency: list(consistency),
  });

const relays: Reader<readonly TranscriptRelay[]> = (value, path) => {
  const records = list(relay, MAX_TRANSCRIPT_RELAYS)(value, path);
  for (let i = 1; i < records.length; i++) {
    const order = compareBytes(records[i - 1]!.relay, records[i]!.relay);
    if (order === 0) malformed(`${path}[${i}]`, 'relay key repeated');
    if (order > 0) malformed(`${path}[${i}]`, 'relay keys must ascend');
  }
  return records;
};

/**
 * Decodes transcript bytes in the order of spec/09-transcript.md §3 and returns a
 * frozen transcript whose byte strings view a private copy of the input. Throws
 * HotlineError (TRANSCRIPT_TOO_LARGE, CBOR_*, TRANSCRIPT_MALFORMED with the field's
 * path, TRANSCRIPT_UNSUPPORTED). Checks no signature: see verifyTranscript.
 */
export function decodeTranscript(input: Uint8Array): Transcript {
  if (!(input instanceof Uint8Array)) throw new TypeError('transcript must be a Uint8Array');
  if (input.length > MAX_TRANSCRIPT_BYTES) {
    throw new HotlineError('TRANSCRIPT_TOO_LARGE', `over ${MAX_TRANSCRIPT_BYTES} bytes`);
  }
  const own = input.slice();
  scanProfile(own, 0, own.length, TRANSCRIPT_NESTING);
  if (own[0]! >> 5 !== MAJOR_MAP) malformed('transcript', 'must be a map');
  const { format: _format, ...fields } = fixedMap<Transcript & { format: string }>(
    decodeScanned(own),
    'transcript',
    TRANSCRIPT_KEYS,
    {
      format,
      channel: hash,
      charter: bytes,
      envelopes: list(bytes),
      relays,
      exportedAt: uint,
    },
  );
  return Object.freeze(fields);
}
