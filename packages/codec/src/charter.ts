// The channel charter (spec/08-channels.md): the body of the envelope that founds a
// channel. It lists the members (signing key, display name, optional encryption
// key), the relays (key, URL) and the channel's parameters. The channel id is
// SHA-256 of the body bytes, so the body never contains it and a channel's terms
// cannot change without changing its id.

import type { DecodedEnvelope } from './envelope.js';
import { HotlineError } from './errors.js';
import { type Bytes, bytesEqual, compareBytes, copyBytes, utf8Length } from './lib/bytes.js';
import { type CborValue, decodeScanned, encodeCbor } from './lib/cbor.js';
import { type IntMapFailures, type IntMapField, readIntMap } from './lib/intmap.js';
import { MAJOR_MAP, scanProfile } from './lib/scan.js';
import { sha256 } from './lib/sha256.js';
import type { ChannelId, PublicKey } from './payload.js';
import { type ErrorCode, KIND, LIMITS } from './registry.generated.js';

/** A member's 32-byte public encryption key (its algorithm is specified by a later chapter). */
export type EncryptionKey = Bytes<'EncryptionKey'>;

/** The charter's limits (spec/08-channels.md §2.3). */
export const CHARTER_LIMITS = Object.freeze({
  /** Members per charter (keys). */
  MAX_MEMBERS: 64,
  /** Relays per charter (relays). */
  MAX_RELAYS: 16,
  /** Display name length (UTF-8 bytes). */
  MAX_NAME_BYTES: 64,
  /** Relay URL length (UTF-8 bytes). */
  MAX_URL_BYTES: 256,
  /** Shortest heartbeat interval (milliseconds). */
  MIN_HEARTBEAT_INTERVAL: 1000,
  /** Longest heartbeat interval (milliseconds): one day. */
  MAX_HEARTBEAT_INTERVAL: 86_400_000,
} as const);

const KEY_SIZE = 32;
const URL_SCHEMES = ['ws://', 'wss://'] as const;

export interface CharterMember {
  /** Ed25519 signing key: the member's identity on the channel. */
  readonly key: PublicKey;
  /** Display name, 1 to 64 bytes of UTF-8. A label for people, never an identity. */
  readonly name: string;
  readonly encryptionKey?: EncryptionKey;
}

export interface CharterRelay {
  /** The relay's Ed25519 key (the key of its challenge and checkpoints). */
  readonly key: PublicKey;
  /** WebSocket URL, beginning with ws:// or wss://. */
  readonly url: string;
}

export interface CharterParams {
  /** Milliseconds between a member's heartbeats, 1000 to 86 400 000. */
  readonly heartbeatInterval: number;
}

/** A decoded, valid charter. Frozen; members and relays ascend by key. */
export interface Charter {
  /** SHA-256 of the charter body bytes. */
  readonly channel: ChannelId;
  readonly members: readonly CharterMember[];
  readonly relays: readonly CharterRelay[];
  readonly params: CharterParams;
}

export interface CharterMemberInput {
  key: Uint8Array;
  name: string;
  encryptionKey?: Uint8Array | undefined;
}

export interface CharterRelayInput {
  key: Uint8Array;
  url: string;
}

/** What a founder supplies; members and relays in any order (the encoder sorts them). */
export interface CharterInput {
  members: readonly CharterMemberInput[];
  relays: readonly CharterRelayInput[];
  params: CharterParams;
}

// ---------------------------------------------------------------------------
// Decoding

function malformed(field: string, message: string): never {
  throw new HotlineError('CHARTER_MALFORMED', `${field}: ${message}`, { field });
}

/** Unknown and missing keys of the map at `path` are shape defects, like any other. */
function failuresAt(path: string): IntMapFailures {
  return {
    unknown: (key) => malformed(path, `unknown key ${key}`),
    missing: (name) => malformed(name, 'missing'),
  };
}

function asMap(value: unknown, path: string): ReadonlyMap<number, unknown> {
  if (!(value instanceof Map)) malformed(path, 'must be a map');
  return value as ReadonlyMap<number, unknown>;
}

function asKey(value: unknown, path: string): Uint8Array {
  if (!(value instanceof Uint8Array)) malformed(path, 'must be a byte string');
  if (value.length !== KEY_SIZE) malformed(path, `must be ${KEY_SIZE} bytes, got ${value.length}`);
  return value;
}

/** A text of 1 to `max` UTF-8 bytes (the scan has already checked it is valid UTF-8). */
function asText(value: unknown, path: string, max: number): string {
  if (typeof value !== 'string') malformed(path, 'must be a text string');
  const length = utf8Length(value);
  if (length < 1 || length > max) malformed(path, `must be 1 to ${max} UTF-8 bytes`);
  return value;
}

function asUrl(value: unknown, path: string): string {
  const url = asText(value, path, CHARTER_LIMITS.MAX_URL_BYTES);
  if (!URL_SCHEMES.some((scheme) => url.startsWith(scheme))) {
    malformed(path, 'must begin with ws:// or wss://');
  }
  return url;
}

function asHeartbeat(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    malformed(path, 'must be an unsigned integer');
  }
  const { MIN_HEARTBEAT_INTERVAL: min, MAX_HEARTBEAT_INTERVAL: max } = CHARTER_LIMITS;
  if (value < min || value > max) malformed(path, `must be ${min} to ${max} milliseconds`);
  return value;
}

const MEMBER_FIELDS: Record<string, IntMapField> = {
  key: { key: 1, read: asKey },
  name: { key: 2, read: (v, p) => asText(v, p, CHARTER_LIMITS.MAX_NAME_BYTES) },
  encryptionKey: { key: 3, read: asKey, optional: true },
};

const RELAY_FIELDS: Record<string, IntMapField> = {
  key: { key: 1, read: asKey },
  url: { key: 2, read: asUrl },
};

const PARAMS_FIELDS: Record<string, IntMapField> = {
  heartbeatInterval: { key: 1, read: asHeartbeat },
};

/** A map of `fields`, frozen. */
function record(fields: Record<string, IntMapField>) {
  return (value: unknown, path: string): unknown =>
    Object.freeze(readIntMap(asMap(value, path), fields, failuresAt(path), `${path}.`));
}

interface ListRule {
  readonly max: number;
  readonly item: (value: unknown, path: string) => unknown;
  readonly duplicate: ErrorCode;
  readonly unsorted: ErrorCode;
}

/** 1 to `max` items, each read in order, then compared with the one before by key. */
function list(rule: ListRule) {
  return (value: unknown, path: string): unknown => {
    if (!Array.isArray(value)) malformed(path, 'must be an array');
    if (value.length < 1 || value.length > rule.max) {
      throw new HotlineError('CHARTER_LIMIT', `${path}: 1 to ${rule.max} entries`, {
        field: path,
      });
    }
    const items: { key: Uint8Array }[] = [];
    for (let i = 0; i < value.length; i++) {
      const where = `${path}[${i}]`;
      const item = rule.item(value[i], where) as { key: Uint8Array };
      const previous = items[i - 1];
      if (previous !== undefined) {
        const order = compareBytes(previous.key, item.key);
        if (order === 0)
          throw new HotlineError(rule.duplicate, `${where}: key repeated`, { field: where });
        if (order > 0)
          throw new HotlineError(rule.unsorted, `${where}: keys must ascend`, { field: where });
      }
      items.push(item);
    }
    return Object.freeze(items);
  };
}

const CHARTER_FIELDS: Record<string, IntMapField> = {
  members: {
    key: 1,
    read: list({
      max: CHARTER_LIMITS.MAX_MEMBERS,
      item: record(MEMBER_FIELDS),
      duplicate: 'CHARTER_MEMBER_DUPLICATE',
      unsorted: 'CHARTER_MEMBERS_UNSORTED',
    }),
  },
  relays: {
    key: 2,
    read: list({
      max: CHARTER_LIMITS.MAX_RELAYS,
      item: record(RELAY_FIELDS),
      duplicate: 'CHARTER_RELAY_DUPLICATE',
      unsorted: 'CHARTER_RELAYS_UNSORTED',
    }),
  },
  params: { key: 3, read: record(PARAMS_FIELDS) },
};

/** T2–T5 on bytes nobody else holds: the returned keys are views into `body`. */
function parseOwnedCharter(body: Uint8Array, channel: ChannelId): Charter {
  scanProfile(body);
  if (body[0]! >> 5 !== MAJOR_MAP) malformed('charter', 'must be a map');
  const map = decodeScanned(body) as Map<number, unknown>;
  const parts = readIntMap<Omit<Charter, 'channel'>>(map, CHARTER_FIELDS, failuresAt('charter'));
  return Object.freeze({ channel, ...parts });
}

/** The channel id a charter body defines: SHA-256 of its bytes. Does not check the body. */
export function channelIdOf(charterBody: Uint8Array): ChannelId {
  if (!(charterBody instanceof Uint8Array))
    throw new TypeError('charter body must be a Uint8Array');
  return sha256(charterBody) as ChannelId;
}

/**
 * Decodes and checks charter body bytes in the order of spec/08-channels.md §4.
 * Returns a frozen charter, with its channel id, whose keys view a private copy.
 */
export function decodeCharterBody(body: Uint8Array): Charter {
  if (!(body instanceof Uint8Array)) throw new TypeError('charter body must be a Uint8Array');
  if (body.length > LIMITS.MAX_BODY_BYTES) {
    throw new HotlineError('BODY_TOO_LARGE', `charter body over ${LIMITS.MAX_BODY_BYTES} bytes`);
  }
  const own = copyBytes(body);
  return parseOwnedCharter(own, channelIdOf(own));
}

/**
 * Checks that a decoded envelope founds a channel (spec/08-channels.md §5, Y2–Y6):
 * kind charter, seq 1, channel = SHA-256(body), a valid charter body, the sender
 * among its members. Does NOT verify the signature (Y7): nothing in the charter may
 * be acted on before the envelope has also been opened.
 */
export function checkCharterEnvelope(decoded: DecodedEnvelope): Charter {
  const fields = (decoded as Partial<DecodedEnvelope> | null)?.fields;
  if (typeof fields !== 'object' || fields === null) {
    throw new TypeError('expected a decoded envelope');
  }
  if (fields.kind !== KIND.charter) {
    throw new HotlineError('CHARTER_KIND_MISMATCH', `kind ${fields.kind} is not charter`, {
      field: 'kind',
    });
  }
  if (fields.seq !== 1) {
    throw new HotlineError('CHARTER_NOT_GENESIS', `a charter has seq 1, not ${fields.seq}`, {
      field: 'seq',
    });
  }
  const channel = channelIdOf(fields.body);
  if (!bytesEqual(channel, fields.channel)) {
    throw new HotlineError('CHARTER_CHANNEL_MISMATCH', 'channel is not SHA-256 of the body', {
      field: 'channel',
    });
  }
  const charter = parseOwnedCharter(copyBytes(fields.body), channel);
  if (!isMember(charter, fields.sender)) {
    throw new HotlineError('CHARTER_AUTHOR_NOT_MEMBER', 'the sender is not a member', {
      field: 'sender',
    });
  }
  return charter;
}

/** Binary search in a list that ascends by key. */
function findByKey<T extends { readonly key: Uint8Array }>(
  items: readonly T[],
  key: Uint8Array,
): T | undefined {
  let low = 0;
  let high = items.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const item = items[middle]!;
    const order = compareBytes(item.key, key);
    if (order === 0) return item;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

/** True if `key` is the signing key of one of the charter's members. */
export function isMember(charter: Charter, key: Uint8Array): boolean {
  if (!(key instanceof Uint8Array)) throw new TypeError('key must be a Uint8Array');
  return findByKey(charter.members, key) !== undefined;
}

/** True if the charter lists a relay with key `relayKey`. */
export function listsRelay(charter: Charter, relayKey: Uint8Array): boolean {
  if (!(relayKey instanceof Uint8Array)) throw new TypeError('relayKey must be a Uint8Array');
  return findByKey(charter.relays, relayKey) !== undefined;
}

// ---------------------------------------------------------------------------
// Encoding

function requireObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${name} must be an object`);
  return value as Record<string, unknown>;
}

function requireArray(value: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array`);
  return value;
}

function requireBytes(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  return value;
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  if (utf8Length(value) < 0) throw new TypeError(`${name} has a lone surrogate (not UTF-8)`);
  return value;
}

function requireInteger(value: unknown, name: string): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${name} must be a safe integer`);
  return value as number;
}

interface Keyed {
  readonly key: Uint8Array;
  readonly entry: ReadonlyMap<number, CborValue>;
}

function memberEntry(value: unknown, name: string): Keyed {
  const member = requireObject(value, name);
  const key = requireBytes(member.key, `${name}.key`);
  const entry = new Map<number, CborValue>([
    [MEMBER_FIELDS.key!.key, key],
    [MEMBER_FIELDS.name!.key, requireText(member.name, `${name}.name`)],
  ]);
  if (member.encryptionKey !== undefined) {
    entry.set(
      MEMBER_FIELDS.encryptionKey!.key,
      requireBytes(member.encryptionKey, `${name}.encryptionKey`),
    );
  }
  return { key, entry };
}

function relayEntry(value: unknown, name: string): Keyed {
  const relay = requireObject(value, name);
  const key = requireBytes(relay.key, `${name}.key`);
  const entry = new Map<number, CborValue>([
    [RELAY_FIELDS.key!.key, key],
    [RELAY_FIELDS.url!.key, requireText(relay.url, `${name}.url`)],
  ]);
  return { key, entry };
}

function sortedEntries(values: readonly unknown[], name: string, read: typeof memberEntry) {
  return values
    .map((value, i) => read(value, `${name}[${i}]`))
    .sort((a, b) => compareBytes(a.key, b.key))
    .map((item) => item.entry);
}

/**
 * Encodes a charter body deterministically, members and relays sorted by key.
 * Wrong JavaScript types throw TypeError; values the charter forbids (no member, a
 * 31-byte key, a name of 65 bytes, an http URL, a key twice …) throw the HotlineError
 * a decoder would report, so nothing undecodable is ever produced.
 */
export function encodeCharterBody(charter: CharterInput): Uint8Array {
  const input = requireObject(charter, 'charter');
  const params = requireObject(input.params, 'params');
  const body = encodeCbor(
    new Map<number, CborValue>([
      [
        CHARTER_FIELDS.members!.key,
        sortedEntries(requireArray(input.members, 'members'), 'members', memberEntry),
      ],
      [
        CHARTER_FIELDS.relays!.key,
        sortedEntries(requireArray(input.relays, 'relays'), 'relays', relayEntry),
      ],
      [
        CHARTER_FIELDS.params!.key,
        new Map<number, CborValue>([
          [
            PARAMS_FIELDS.heartbeatInterval!.key,
            requireInteger(params.heartbeatInterval, 'params.heartbeatInterval'),
          ],
        ]),
      ],
    ]),
  );
  decodeCharterBody(body);
  return body;
}
