// The signed payload: a CBOR map with small integer keys (spec/01-envelope.md §4).

import { HotlineError } from './errors.js';
import { type Bytes, compareBytes, copyBytes } from './lib/bytes.js';
import { type CborValue, decodeScanned, encodeCbor } from './lib/cbor.js';
import { MAJOR_MAP, scanProfile } from './lib/scan.js';
import { FIELD, LIMITS, PRECEDENCE } from './registry.generated.js';

export type ChannelId = Bytes<'ChannelId'>;
export type PublicKey = Bytes<'PublicKey'>;
export type EnvelopeId = Bytes<'EnvelopeId'>;

export type Precedence = keyof typeof PRECEDENCE | 'routine';

/** The fields of a decoded, profile-valid payload. Byte arrays are fresh copies. */
export interface EnvelopeFields {
  readonly version: number;
  readonly channel: ChannelId;
  readonly sender: PublicKey;
  readonly seq: number;
  /** Id of the sender's previous envelope on the channel; absent iff seq = 1. */
  readonly prev?: EnvelopeId;
  /** Sender's clock, milliseconds since the Unix epoch. */
  readonly time: number;
  readonly kind: number;
  readonly body: Uint8Array;
  /** 'routine' when the wire field is absent. */
  readonly precedence: Precedence;
  readonly ref?: EnvelopeId;
  readonly expiry?: number;
  readonly recipients?: readonly PublicKey[];
}

/** What a sender supplies; `version` defaults to 1 and `precedence` to 'routine'. */
export interface EnvelopeFieldsInput {
  version?: number;
  channel: Uint8Array;
  sender: Uint8Array;
  seq: number;
  prev?: Uint8Array | undefined;
  time: number;
  kind: number;
  body: Uint8Array;
  precedence?: Precedence | undefined;
  ref?: Uint8Array | undefined;
  expiry?: number | undefined;
  recipients?: readonly Uint8Array[] | undefined;
}

const FIELD_NAMES = new Map<number, string>(
  Object.entries(FIELD).map(([name, key]) => [key, name]),
);
const REQUIRED = [
  FIELD.version,
  FIELD.channel,
  FIELD.sender,
  FIELD.seq,
  FIELD.time,
  FIELD.kind,
  FIELD.body,
];
const ID_SIZE = 32;
const PRECEDENCE_NAMES = new Map<number, Precedence>(
  Object.entries(PRECEDENCE).map(([name, value]) => [value, name as Precedence]),
);

function reject(
  code: ConstructorParameters<typeof HotlineError>[0],
  field: string,
  message: string,
): never {
  throw new HotlineError(code, `${field}: ${message}`, { field });
}

function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function asUint(value: unknown, field: string): number {
  if (!isUint(value)) reject('FIELD_TYPE', field, 'must be an unsigned integer');
  return value;
}

function asBytes(value: unknown, field: string, size?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) reject('FIELD_TYPE', field, 'must be a byte string');
  if (size !== undefined && value.length !== size) {
    reject('FIELD_SIZE', field, `must be ${size} bytes, got ${value.length}`);
  }
  return value;
}

function asRecipients(value: unknown): PublicKey[] {
  const field = 'recipients';
  if (!Array.isArray(value)) reject('FIELD_TYPE', field, 'must be an array');
  if (value.length === 0) reject('RECIPIENTS_EMPTY', field, 'absent, or at least one key');
  if (value.length > LIMITS.MAX_RECIPIENTS) {
    reject('RECIPIENTS_TOO_MANY', field, `more than ${LIMITS.MAX_RECIPIENTS}`);
  }
  const keys: PublicKey[] = [];
  for (const item of value) {
    const key = asBytes(item, field, ID_SIZE) as PublicKey;
    const previous = keys[keys.length - 1];
    if (previous !== undefined) {
      const order = compareBytes(previous, key);
      if (order === 0) reject('RECIPIENTS_DUPLICATE', field, 'the same key twice');
      if (order > 0) reject('RECIPIENTS_UNSORTED', field, 'keys must ascend bytewise');
    }
    keys.push(key);
  }
  return keys;
}

type MutableFields = { -readonly [K in keyof EnvelopeFields]: EnvelopeFields[K] };

/** Checks one present field and stores its value; throws the field's own code. */
function readField(key: number, value: unknown, out: Partial<MutableFields>): void {
  const name = FIELD_NAMES.get(key);
  if (name === undefined) throw new HotlineError('FIELD_UNKNOWN', `unknown field key ${key}`);
  switch (key) {
    case FIELD.version:
      out.version = asUint(value, name);
      if (out.version !== LIMITS.ENVELOPE_VERSION) reject('VERSION_UNSUPPORTED', name, `${value}`);
      return;
    case FIELD.channel:
      out.channel = asBytes(value, name, ID_SIZE) as ChannelId;
      return;
    case FIELD.sender:
      out.sender = asBytes(value, name, ID_SIZE) as PublicKey;
      return;
    case FIELD.seq:
      out.seq = asUint(value, name);
      if (out.seq === 0) reject('SEQ_ZERO', name, 'sequence numbers start at 1');
      return;
    case FIELD.prev:
      out.prev = asBytes(value, name, ID_SIZE) as EnvelopeId;
      return;
    case FIELD.time:
      out.time = asUint(value, name);
      return;
    case FIELD.kind:
      out.kind = asUint(value, name);
      if (out.kind === 0 || out.kind > LIMITS.MAX_KIND)
        reject('KIND_OUT_OF_RANGE', name, `${value}`);
      return;
    case FIELD.body:
      if (value instanceof Uint8Array && value.length > LIMITS.MAX_BODY_BYTES) {
        reject('BODY_TOO_LARGE', name, `more than ${LIMITS.MAX_BODY_BYTES} bytes`);
      }
      out.body = asBytes(value, name);
      return;
    case FIELD.precedence: {
      const level = PRECEDENCE_NAMES.get(asUint(value, name));
      if (level === undefined) reject('PRECEDENCE_UNKNOWN', name, `${value}`);
      out.precedence = level;
      return;
    }
    case FIELD.ref:
      out.ref = asBytes(value, name, ID_SIZE) as EnvelopeId;
      return;
    case FIELD.expiry:
      out.expiry = asUint(value, name);
      return;
    case FIELD.recipients:
      out.recipients = asRecipients(value);
      return;
  }
}

/**
 * Parses and checks payload bytes in the spec's order: profile scan, map, each
 * entry in key order, required fields, cross-field rules. Returns frozen fields
 * whose byte arrays view a private copy of `payload`.
 */
export function parsePayload(payload: Uint8Array): EnvelopeFields {
  if (!(payload instanceof Uint8Array)) throw new TypeError('payload must be a Uint8Array');
  return parseOwnedPayload(copyBytes(payload));
}

/**
 * parsePayload for bytes nobody else holds: the returned byte fields are views into
 * `payload` (the decoder returns subarrays), so the caller must never reuse it.
 */
export function parseOwnedPayload(payload: Uint8Array): EnvelopeFields {
  scanProfile(payload);
  if (payload[0]! >> 5 !== MAJOR_MAP)
    throw new HotlineError('PAYLOAD_NOT_MAP', 'payload must be a map');
  const map = decodeScanned(payload) as Map<number, unknown>;
  const out: Partial<MutableFields> = { precedence: 'routine' };
  for (const [key, value] of map) readField(key, value, out);
  for (const key of REQUIRED) {
    if (!map.has(key)) throw new HotlineError('FIELD_MISSING', `missing ${FIELD_NAMES.get(key)}`);
  }
  const fields = out as MutableFields;
  if (fields.seq === 1 && fields.prev !== undefined) {
    reject('PREV_AT_GENESIS', 'prev', 'must be absent when seq is 1');
  }
  if (fields.seq > 1 && fields.prev === undefined) {
    reject('PREV_MISSING', 'prev', 'required when seq is greater than 1');
  }
  if (fields.expiry !== undefined && fields.expiry <= fields.time) {
    reject('EXPIRY_NOT_AFTER_TIME', 'expiry', 'must be later than time');
  }
  if (fields.recipients !== undefined) Object.freeze(fields.recipients);
  return Object.freeze(fields);
}

function requireBytes(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  return value;
}

function requireInteger(value: unknown, name: string): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${name} must be a safe integer`);
  return value as number;
}

/**
 * Encodes payload fields deterministically. Wrong JavaScript types throw TypeError;
 * values the protocol forbids (seq 0, a 31-byte key, prev at seq 1 …) throw the
 * HotlineError a decoder would report, so nothing undecodable is ever produced.
 */
export function encodePayload(input: EnvelopeFieldsInput): Uint8Array {
  if (typeof input !== 'object' || input === null) throw new TypeError('fields must be an object');
  const map = new Map<number, CborValue>([
    [FIELD.version, requireInteger(input.version ?? LIMITS.ENVELOPE_VERSION, 'version')],
    [FIELD.channel, requireBytes(input.channel, 'channel')],
    [FIELD.sender, requireBytes(input.sender, 'sender')],
    [FIELD.seq, requireInteger(input.seq, 'seq')],
    [FIELD.time, requireInteger(input.time, 'time')],
    [FIELD.kind, requireInteger(input.kind, 'kind')],
    [FIELD.body, requireBytes(input.body, 'body')],
  ]);
  if (input.prev !== undefined) map.set(FIELD.prev, requireBytes(input.prev, 'prev'));
  if (input.precedence !== undefined && input.precedence !== 'routine') {
    const value = PRECEDENCE[input.precedence as keyof typeof PRECEDENCE];
    if (value === undefined) throw new TypeError(`unknown precedence ${String(input.precedence)}`);
    map.set(FIELD.precedence, value);
  }
  if (input.ref !== undefined) map.set(FIELD.ref, requireBytes(input.ref, 'ref'));
  if (input.expiry !== undefined) map.set(FIELD.expiry, requireInteger(input.expiry, 'expiry'));
  if (input.recipients !== undefined) {
    if (!Array.isArray(input.recipients)) throw new TypeError('recipients must be an array');
    const keys = input.recipients.map((key, i) => requireBytes(key, `recipients[${i}]`));
    map.set(FIELD.recipients, keys.sort(compareBytes));
  }
  const bytes = encodeCbor(map);
  parsePayload(bytes);
  return bytes;
}
