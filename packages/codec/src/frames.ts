// The relay protocol's frames (spec/07-relay.md). A frame is one CBOR array
// [type, requestId, ...fields] in one binary WebSocket message, under the same strict
// profile as envelope payloads. This module only turns frames into bytes and back:
// it knows nothing of sockets. Envelopes, receipts and checkpoints inside frames stay
// opaque byte strings; their own decoders check them (one code per defect, wherever
// the bytes travel).

import { MAX_PROOF_HASHES } from './checkpoint.js';
import { HotlineError } from './errors.js';
import { type Bytes, copyBytes, utf8Length } from './lib/bytes.js';
import { type CborValue, decodeScanned, encodeCbor } from './lib/cbor.js';
import { MAJOR_ARRAY, scanProfile } from './lib/scan.js';
import type { ChannelId, EnvelopeId, PublicKey } from './payload.js';
import { ERROR_CODES, type ErrorCode, FRAME, LIMITS } from './registry.generated.js';
import { type Signature, type SignedBytes, sign1Profile, sigStructure } from './sign1.js';

export type FrameType = keyof typeof FRAME;
/** The side of a connection that sends a frame. */
export type FrameSender = 'client' | 'relay';
export type Nonce = Bytes<'Nonce'>;

export const NONCE_SIZE = 32;
const KEY_SIZE = 32;
const SIGNATURE_SIZE = 64;

interface FrameOf<T extends FrameType> {
  readonly type: T;
  /** Chosen by the client (1 .. 2^53-1); relay frames echo it; 0 means "no request". */
  readonly requestId: number;
}

export interface ChallengeFrame extends FrameOf<'challenge'> {
  readonly relay: PublicKey;
  readonly nonce: Nonce;
  /** Relay clock, milliseconds since the Unix epoch. */
  readonly time: number;
}

export interface AuthFrame extends FrameOf<'auth'> {
  readonly client: PublicKey;
  /** Ed25519 signature of `authStatement(relay, nonce, client)`. */
  readonly signature: Signature;
}

export interface WelcomeFrame extends FrameOf<'welcome'> {
  readonly time: number;
  readonly maxFrameBytes: number;
  readonly maxSubscriptions: number;
  /** Sustained publishes per second allowed on this connection. */
  readonly publishRate: number;
  /** Milliseconds without a frame or pong after which the relay closes. */
  readonly idleTimeout: number;
}

/** Machine-readable detail of an error frame; every member is optional. */
export interface ErrorDetail {
  /** Human-readable, not normative; at most 256 UTF-8 bytes. */
  readonly message?: string;
  /** The frame or payload field concerned; at most 64 UTF-8 bytes. */
  readonly field?: string;
  readonly offset?: number;
  /** CHAIN_GAP: the next seq the relay expects from the sender. */
  readonly expected?: number;
  /** CURSOR_OUT_OF_RANGE, PROOF_OUT_OF_RANGE: the channel's log size. */
  readonly size?: number;
  readonly limit?: number;
  /** Milliseconds to wait before trying again. */
  readonly retryAfter?: number;
  /** CHAIN_FORK: the id held at that seq; CHAIN_BAD_PREV: the expected prev. */
  readonly id?: EnvelopeId;
  /** CHAIN_FORK: the log index of the envelope held at that seq. */
  readonly index?: number;
}

export interface ErrorFrame extends FrameOf<'error'> {
  readonly code: ErrorCode;
  readonly detail: ErrorDetail;
}

export interface PublishFrame extends FrameOf<'publish'> {
  /** Envelope bytes, not checked here: decodeEnvelope does that. */
  readonly envelope: Uint8Array;
}

export interface ReceiptFrame extends FrameOf<'receipt'> {
  /** Receipt bytes as encodeReceipt makes them; decodeReceipt checks them. */
  readonly receipt: Uint8Array;
}

export interface SubscribeFrame extends FrameOf<'subscribe'> {
  readonly channel: ChannelId;
  /** Log index of the first envelope wanted. */
  readonly cursor: number;
}

export interface DeliverFrame extends FrameOf<'deliver'> {
  readonly channel: ChannelId;
  readonly index: number;
  readonly envelope: Uint8Array;
}

export interface EndOfBackfillFrame extends FrameOf<'end-of-backfill'> {
  readonly channel: ChannelId;
  /** Log index of the next envelope to be delivered. */
  readonly next: number;
}

export interface UnsubscribeFrame extends FrameOf<'unsubscribe'> {
  readonly channel: ChannelId;
}

export interface UnsubscribedFrame extends FrameOf<'unsubscribed'> {
  readonly channel: ChannelId;
}

export interface CheckpointRequestFrame extends FrameOf<'checkpoint-request'> {
  readonly channel: ChannelId;
}

export interface CheckpointFrame extends FrameOf<'checkpoint'> {
  /** Checkpoint bytes; decodeCheckpoint checks them. */
  readonly checkpoint: Uint8Array;
}

export interface InclusionRequestFrame extends FrameOf<'inclusion-request'> {
  readonly channel: ChannelId;
  readonly index: number;
  readonly size: number;
}

export interface InclusionProofFrame extends FrameOf<'inclusion-proof'> {
  readonly index: number;
  readonly size: number;
  readonly proof: readonly Uint8Array[];
}

export interface ConsistencyRequestFrame extends FrameOf<'consistency-request'> {
  readonly channel: ChannelId;
  /** m: the older tree size. */
  readonly fromSize: number;
  /** n: the newer tree size. */
  readonly toSize: number;
}

export interface ConsistencyProofFrame extends FrameOf<'consistency-proof'> {
  readonly fromSize: number;
  readonly toSize: number;
  readonly proof: readonly Uint8Array[];
}

export type Frame =
  | ChallengeFrame
  | AuthFrame
  | WelcomeFrame
  | ErrorFrame
  | PublishFrame
  | ReceiptFrame
  | SubscribeFrame
  | DeliverFrame
  | EndOfBackfillFrame
  | UnsubscribeFrame
  | UnsubscribedFrame
  | CheckpointRequestFrame
  | CheckpointFrame
  | InclusionRequestFrame
  | InclusionProofFrame
  | ConsistencyRequestFrame
  | ConsistencyProofFrame;

// ------------------------------------------------------------------- layouts

/**
 * How a field is written: 'uint' (major type 0), 'key' (bstr of 32), 'signature'
 * (bstr of 64), 'bytes' (opaque bstr), 'hashes' (array of at most 64 bstr of 32),
 * 'code' (tstr from the error registry), 'detail' (the error detail map).
 */
export type FrameFieldKind = 'uint' | 'key' | 'signature' | 'bytes' | 'hashes' | 'code' | 'detail';

/** Which request ids a frame type may carry (frames.json `requestId`). */
export type RequestIdRule = 'zero' | 'request' | 'any';

export interface FrameLayout {
  readonly type: FrameType;
  readonly value: number;
  readonly from: FrameSender;
  readonly requestId: RequestIdRule;
  /** Element names and kinds after [type, requestId], in wire order. */
  readonly fields: readonly (readonly [name: string, kind: FrameFieldKind])[];
}

type LayoutSpec = [FrameSender, RequestIdRule, [string, FrameFieldKind][]];

const SPECS: Record<FrameType, LayoutSpec> = {
  challenge: [
    'relay',
    'zero',
    [
      ['relay', 'key'],
      ['nonce', 'key'],
      ['time', 'uint'],
    ],
  ],
  auth: [
    'client',
    'request',
    [
      ['client', 'key'],
      ['signature', 'signature'],
    ],
  ],
  welcome: [
    'relay',
    'request',
    [
      ['time', 'uint'],
      ['maxFrameBytes', 'uint'],
      ['maxSubscriptions', 'uint'],
      ['publishRate', 'uint'],
      ['idleTimeout', 'uint'],
    ],
  ],
  error: [
    'relay',
    'any',
    [
      ['code', 'code'],
      ['detail', 'detail'],
    ],
  ],
  publish: ['client', 'request', [['envelope', 'bytes']]],
  receipt: ['relay', 'request', [['receipt', 'bytes']]],
  subscribe: [
    'client',
    'request',
    [
      ['channel', 'key'],
      ['cursor', 'uint'],
    ],
  ],
  deliver: [
    'relay',
    'request',
    [
      ['channel', 'key'],
      ['index', 'uint'],
      ['envelope', 'bytes'],
    ],
  ],
  'end-of-backfill': [
    'relay',
    'request',
    [
      ['channel', 'key'],
      ['next', 'uint'],
    ],
  ],
  unsubscribe: ['client', 'request', [['channel', 'key']]],
  unsubscribed: ['relay', 'request', [['channel', 'key']]],
  'checkpoint-request': ['client', 'request', [['channel', 'key']]],
  checkpoint: ['relay', 'request', [['checkpoint', 'bytes']]],
  'inclusion-request': [
    'client',
    'request',
    [
      ['channel', 'key'],
      ['index', 'uint'],
      ['size', 'uint'],
    ],
  ],
  'inclusion-proof': [
    'relay',
    'request',
    [
      ['index', 'uint'],
      ['size', 'uint'],
      ['proof', 'hashes'],
    ],
  ],
  'consistency-request': [
    'client',
    'request',
    [
      ['channel', 'key'],
      ['fromSize', 'uint'],
      ['toSize', 'uint'],
    ],
  ],
  'consistency-proof': [
    'relay',
    'request',
    [
      ['fromSize', 'uint'],
      ['toSize', 'uint'],
      ['proof', 'hashes'],
    ],
  ],
};

/** The wire layout of every frame type (protocol/registries/frames.json). */
export const FRAME_LAYOUTS: Readonly<Record<FrameType, FrameLayout>> = Object.freeze(
  Object.fromEntries(
    (Object.keys(SPECS) as FrameType[]).map((type) => {
      const [from, requestId, fields] = SPECS[type];
      const layout: FrameLayout = Object.freeze({
        type,
        value: FRAME[type],
        from,
        requestId,
        fields: Object.freeze(fields.map((field) => Object.freeze(field))),
      });
      return [type, layout];
    }),
  ) as Record<FrameType, FrameLayout>,
);

const BY_VALUE = new Map<number, FrameLayout>(
  Object.values(FRAME_LAYOUTS).map((layout) => [layout.value, layout]),
);

type DetailKind = 'message' | 'field' | 'uint' | 'id';

/** Error detail keys (frames.json `errorDetail`), ascending. */
const DETAIL: readonly (readonly [key: number, name: keyof ErrorDetail, kind: DetailKind])[] = [
  [1, 'message', 'message'],
  [2, 'field', 'field'],
  [3, 'offset', 'uint'],
  [4, 'expected', 'uint'],
  [5, 'size', 'uint'],
  [6, 'limit', 'uint'],
  [7, 'retryAfter', 'uint'],
  [8, 'id', 'id'],
  [9, 'index', 'uint'],
];
const DETAIL_BY_KEY = new Map(DETAIL.map((entry) => [entry[0], entry]));
const MAX_TEXT_BYTES: Record<'message' | 'field', number> = { message: 256, field: 64 };

const ERROR_CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES);

// ------------------------------------------------------------------- decoding

function malformed(field: string, message: string): never {
  throw new HotlineError('FRAME_MALFORMED', `${field}: ${message}`, { field });
}

function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function readBytes(value: unknown, name: string, size?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) malformed(name, 'must be a byte string');
  if (size !== undefined && value.length !== size) malformed(name, `must be ${size} bytes`);
  // A private copy: never a view into the caller's frame or cbor-x's buffer.
  return copyBytes(value);
}

function readDetail(value: unknown): ErrorDetail {
  if (!(value instanceof Map)) malformed('detail', 'must be a map');
  const out: Record<string, unknown> = {};
  // The scan guarantees unsigned, ascending, unique keys.
  for (const [key, item] of value as Map<number, unknown>) {
    const entry = DETAIL_BY_KEY.get(key);
    if (entry === undefined) malformed('detail', `unknown key ${key}`);
    const [, name, kind] = entry;
    const where = `detail.${name}`;
    if (kind === 'uint') {
      if (!isUint(item)) malformed(where, 'must be an unsigned integer');
      out[name] = item;
    } else if (kind === 'id') {
      out[name] = readBytes(item, where, KEY_SIZE);
    } else {
      if (typeof item !== 'string') malformed(where, 'must be a text string');
      if (utf8Length(item) > MAX_TEXT_BYTES[kind]) {
        malformed(where, `longer than ${MAX_TEXT_BYTES[kind]} bytes`);
      }
      out[name] = item;
    }
  }
  return Object.freeze(out) as ErrorDetail;
}

function readField(value: unknown, name: string, kind: FrameFieldKind): unknown {
  switch (kind) {
    case 'uint':
      if (!isUint(value)) malformed(name, 'must be an unsigned integer');
      return value;
    case 'key':
      return readBytes(value, name, KEY_SIZE);
    case 'signature':
      return readBytes(value, name, SIGNATURE_SIZE);
    case 'bytes':
      return readBytes(value, name);
    case 'hashes': {
      if (!Array.isArray(value)) malformed(name, 'must be an array');
      if (value.length > MAX_PROOF_HASHES) {
        malformed(name, `more than ${MAX_PROOF_HASHES} hashes`);
      }
      return Object.freeze(value.map((item) => readBytes(item, name, KEY_SIZE)));
    }
    case 'code':
      if (typeof value !== 'string') malformed(name, 'must be a text string');
      if (!ERROR_CODE_SET.has(value)) malformed(name, 'not a registered error code');
      return value;
    case 'detail':
      return readDetail(value);
  }
}

function requestIdAllowed(rule: RequestIdRule, requestId: number): boolean {
  if (rule === 'zero') return requestId === 0;
  if (rule === 'request') return requestId >= 1;
  return true;
}

export interface DecodeFrameOptions {
  /**
   * The side the frame came from. When given, a frame type that side never sends
   * is rejected with FRAME_UNEXPECTED (a relay passes 'client', a client 'relay').
   */
  readonly from?: FrameSender;
}

/**
 * Decodes one frame strictly (spec/07-relay.md §3, steps W1–W9), or throws
 * HotlineError: FRAME_TOO_LARGE, CBOR_*, FRAME_MALFORMED (with `field`),
 * FRAME_TYPE_UNKNOWN, FRAME_UNEXPECTED. Byte-string fields are fresh copies; the
 * envelope, receipt and checkpoint inside are NOT checked.
 */
export function decodeFrame(input: Uint8Array, options: DecodeFrameOptions = {}): Frame {
  if (!(input instanceof Uint8Array)) throw new TypeError('frame must be a Uint8Array');
  const from = options.from;
  if (from !== undefined && from !== 'client' && from !== 'relay') {
    throw new TypeError("options.from must be 'client' or 'relay'");
  }
  // W1: before anything proportional to the input.
  if (input.length > LIMITS.MAX_FRAME_BYTES) {
    throw new HotlineError('FRAME_TOO_LARGE', `${input.length} > ${LIMITS.MAX_FRAME_BYTES} bytes`);
  }
  scanProfile(input); // W2 (an empty input is CBOR_TRUNCATED)
  if (input[0]! >> 5 !== MAJOR_ARRAY) malformed('frame', 'must be an array'); // W3
  const items = decodeScanned(input) as unknown[];

  if (items.length === 0) malformed('type', 'missing'); // W4
  const typeValue = items[0];
  if (!isUint(typeValue)) malformed('type', 'must be an unsigned integer');
  const layout = BY_VALUE.get(typeValue);
  if (layout === undefined) {
    throw new HotlineError('FRAME_TYPE_UNKNOWN', `frame type ${typeValue}`, { field: 'type' }); // W5
  }
  if (from !== undefined && layout.from !== from) {
    throw new HotlineError('FRAME_UNEXPECTED', `${layout.type} is never sent by a ${from}`, {
      field: 'type',
    }); // W6
  }
  const arity = 2 + layout.fields.length;
  if (items.length !== arity) malformed('frame', `${layout.type} has ${arity} elements`); // W7
  const requestId = items[1];
  if (!isUint(requestId)) malformed('requestId', 'must be an unsigned integer'); // W8
  if (!requestIdAllowed(layout.requestId, requestId)) {
    malformed('requestId', `${requestId} not allowed on ${layout.type}`);
  }

  const frame: Record<string, unknown> = { type: layout.type, requestId };
  layout.fields.forEach(([name, kind], i) => {
    frame[name] = readField(items[i + 2], name, kind); // W9
  });
  return Object.freeze(frame) as unknown as Frame;
}

// ------------------------------------------------------------------- encoding

function requireUint(value: unknown, name: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new TypeError(`${name} must be a non-negative safe integer`);
  }
  return value as number;
}

function requireBytes(value: unknown, name: string, size?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (size !== undefined && value.length !== size) {
    throw new RangeError(`${name} must be ${size} bytes`);
  }
  return value;
}

function requireText(value: unknown, name: string, maxBytes: number): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  const length = utf8Length(value);
  if (length < 0) throw new RangeError(`${name} holds a lone surrogate (not UTF-8)`);
  if (length > maxBytes) throw new RangeError(`${name} is longer than ${maxBytes} UTF-8 bytes`);
  return value;
}

function writeDetail(detail: unknown): Map<number, CborValue> {
  if (detail === null || typeof detail !== 'object') {
    throw new TypeError('detail must be an object');
  }
  const known = new Set<string>(DETAIL.map((entry) => entry[1]));
  for (const name of Object.keys(detail)) {
    // Silently dropping a member would lose what the sender meant to say.
    if (!known.has(name)) throw new TypeError(`detail.${name} is not a detail member`);
  }
  const map = new Map<number, CborValue>();
  const record = detail as Record<string, unknown>;
  for (const [key, name, kind] of DETAIL) {
    const value = record[name];
    if (value === undefined) continue;
    const where = `detail.${name}`;
    if (kind === 'uint') map.set(key, requireUint(value, where));
    else if (kind === 'id') map.set(key, requireBytes(value, where, KEY_SIZE));
    else map.set(key, requireText(value, where, MAX_TEXT_BYTES[kind]));
  }
  return map;
}

function writeField(value: unknown, name: string, kind: FrameFieldKind): CborValue {
  switch (kind) {
    case 'uint':
      return requireUint(value, name);
    case 'key':
      return requireBytes(value, name, KEY_SIZE);
    case 'signature':
      return requireBytes(value, name, SIGNATURE_SIZE);
    case 'bytes':
      return requireBytes(value, name);
    case 'hashes': {
      if (!Array.isArray(value)) throw new TypeError(`${name} must be an array`);
      if (value.length > MAX_PROOF_HASHES) {
        throw new RangeError(`${name} has more than ${MAX_PROOF_HASHES} hashes`);
      }
      return value.map((item, i) => requireBytes(item, `${name}[${i}]`, KEY_SIZE));
    }
    case 'code':
      if (typeof value !== 'string' || !ERROR_CODE_SET.has(value)) {
        throw new TypeError(`${name} must be a registered error code`);
      }
      return value;
    case 'detail':
      return writeDetail(value);
  }
}

/**
 * Encodes a frame: the one byte string decodeFrame accepts for it. Wrong JavaScript
 * types or sizes throw TypeError/RangeError; a frame over MAX_FRAME_BYTES (only
 * possible with an oversized opaque byte string) throws HotlineError FRAME_TOO_LARGE.
 */
export function encodeFrame(frame: Frame): Uint8Array {
  if (frame === null || typeof frame !== 'object') throw new TypeError('frame must be an object');
  const type = (frame as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(FRAME_LAYOUTS, type)) {
    throw new TypeError(`unknown frame type ${String(type)}`);
  }
  const layout = FRAME_LAYOUTS[type as FrameType];
  const requestId = requireUint(frame.requestId, 'requestId');
  if (!requestIdAllowed(layout.requestId, requestId)) {
    throw new RangeError(`requestId ${requestId} not allowed on ${layout.type}`);
  }
  const record = frame as unknown as Record<string, unknown>;
  const items: CborValue[] = [layout.value, requestId];
  for (const [name, kind] of layout.fields) items.push(writeField(record[name], name, kind));
  const bytes = encodeCbor(items);
  if (bytes.length > LIMITS.MAX_FRAME_BYTES) {
    throw new HotlineError('FRAME_TOO_LARGE', `${bytes.length} > ${LIMITS.MAX_FRAME_BYTES} bytes`);
  }
  return bytes;
}

// ------------------------------------------------------------------- auth statement

export const AUTH_TYP = 'application/hotline-auth+cbor; v=0.1';
/**
 * The auth statement's COSE profile. Only its Sig_structure is used (an auth is
 * never sent as a COSE_Sign1); the own typ keeps auth signatures apart from
 * envelope and checkpoint signatures.
 */
export const AUTH_PROFILE = sign1Profile(AUTH_TYP, 256);

const AUTH_KEYS = { relay: 1, nonce: 2, client: 3 } as const;

/** The canonical auth payload {1: relay, 2: nonce, 3: client}. */
export function encodeAuthPayload(relay: Uint8Array, nonce: Uint8Array, client: Uint8Array) {
  return encodeCbor(
    new Map<number, CborValue>([
      [AUTH_KEYS.relay, requireBytes(relay, 'relay', KEY_SIZE)],
      [AUTH_KEYS.nonce, requireBytes(nonce, 'nonce', NONCE_SIZE)],
      [AUTH_KEYS.client, requireBytes(client, 'client', KEY_SIZE)],
    ]),
  );
}

/**
 * The bytes a client signs to authenticate (spec/07-relay.md §6.3): the
 * Sig_structure of the auth payload under AUTH_TYP. Bound to this relay's key and
 * this connection's nonce, and never equal to an envelope's or checkpoint's signed
 * bytes.
 */
export function authStatement(
  relay: Uint8Array,
  nonce: Uint8Array,
  client: Uint8Array,
): SignedBytes {
  return sigStructure(AUTH_PROFILE, encodeAuthPayload(relay, nonce, client));
}
