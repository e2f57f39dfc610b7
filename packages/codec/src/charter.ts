// The channel charter (spec/08-channels.md): the body of the envelope that founds a
// channel. It lists the members (signing key, display name, optional encryption
// key and role), the relays (key, URL) and the channel's parameters (heartbeat
// interval; optionally acknowledgement deadlines, authoritative languages,
// permitted kinds, a body size limit, a notification lead time). The channel id is
// SHA-256 of the body bytes, so the body never contains it and a channel's terms
// cannot change without changing its id.

import type { DecodedEnvelope } from './envelope.js';
import { HotlineError } from './errors.js';
import { language } from './kinds/common.js';
import { type Bytes, bytesEqual, compareBytes, copyBytes, utf8Length } from './lib/bytes.js';
import { type CborValue, decodeScanned, encodeCbor } from './lib/cbor.js';
import { type IntMapFailures, type IntMapField, readIntMap } from './lib/intmap.js';
import { MAJOR_MAP, scanProfile } from './lib/scan.js';
import { sha256 } from './lib/sha256.js';
import type { ChannelId, Precedence, PublicKey } from './payload.js';
import {
  DEFAULT_ACK_DEADLINES,
  DEFAULT_MIN_LEAD_TIME,
  type ErrorCode,
  KIND,
  KIND_RANGES,
  LIMITS,
} from './registry.generated.js';

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
  /** Shortest acknowledgement deadline (milliseconds). */
  MIN_ACK_DEADLINE: 1000,
  /** Longest acknowledgement deadline (milliseconds): one week. */
  MAX_ACK_DEADLINE: 604_800_000,
  /** Authoritative languages per charter. */
  MAX_LANGUAGES: 8,
  /** Permitted kinds per charter. */
  MAX_PERMITTED_KINDS: 64,
  /** The smallest body size limit a charter may set (bytes); the largest is MAX_BODY_BYTES. */
  MIN_CHANNEL_BODY_BYTES: 1024,
  /** Longest minimum notification lead time (milliseconds): 90 days. */
  MAX_LEAD_TIME: 7_776_000_000,
} as const);

/**
 * What a client assumes for a parameter the charter leaves out (spec/08-channels.md
 * §2.5; protocol/registries/deadlines.json). Absent languages: any; absent permitted
 * kinds: every standard kind; absent body limit: MAX_BODY_BYTES; absent role: principal.
 */
export const CHARTER_DEFAULTS = Object.freeze({
  /** Per precedence, milliseconds after the acknowledged envelope's time. */
  ackDeadlines: DEFAULT_ACK_DEADLINES,
  maxBodyBytes: LIMITS.MAX_BODY_BYTES,
  minLeadTime: DEFAULT_MIN_LEAD_TIME,
  role: 'principal',
} as const);

const KEY_SIZE = 32;
const URL_SCHEMES = ['ws://', 'wss://'] as const;

/**
 * A member's role: a principal speaks for its side, a deputy speaks in its stead,
 * an observer only reads (its envelopes other than ack, heartbeat and join are
 * refused by clients). Wire values 1, 2, 3.
 */
export type MemberRole = 'principal' | 'deputy' | 'observer';

/** Roles by wire value − 1. */
const ROLES: readonly MemberRole[] = ['principal', 'deputy', 'observer'];

/** Precedence levels by their key in `ackDeadlines`: 0 is routine, then the registry's values. */
const DEADLINE_PRECEDENCES: readonly Precedence[] = ['routine', 'flash', 'immediate', 'priority'];

export interface CharterMember {
  /** Ed25519 signing key: the member's identity on the channel. */
  readonly key: PublicKey;
  /** Display name, 1 to 64 bytes of UTF-8. A label for people, never an identity. */
  readonly name: string;
  readonly encryptionKey?: EncryptionKey;
  /** Absent: not stated, and a client treats the member as a principal. */
  readonly role?: MemberRole;
}

export interface CharterRelay {
  /** The relay's Ed25519 key (the key of its challenge and checkpoints). */
  readonly key: PublicKey;
  /** WebSocket URL, beginning with ws:// or wss://. */
  readonly url: string;
}

/** Deadlines of the acknowledgement stages, milliseconds after the envelope's time. */
export interface AckDeadlines {
  readonly received: number;
  readonly understood: number;
  readonly accepted: number;
}

/** Deadlines by precedence; a precedence left out takes its default (CHARTER_DEFAULTS). */
export type AckDeadlineTable = Readonly<Partial<Record<Precedence, AckDeadlines>>>;

export interface CharterParams {
  /** Milliseconds between a member's heartbeats, 1000 to 86 400 000. */
  readonly heartbeatInterval: number;
  /** Acknowledgement deadlines for 1 to 4 precedence levels. */
  readonly ackDeadlines?: AckDeadlineTable;
  /** 1 to 8 BCP 47 tags, ascending ignoring case: the channel's authoritative languages. */
  readonly languages?: readonly string[];
  /** 1 to 64 kinds, ascending: the only kinds the channel admits besides charter (1). */
  readonly permittedKinds?: readonly number[];
  /** The channel's body size limit in bytes, 1024 to 65 536. */
  readonly maxBodyBytes?: number;
  /** Minimum notification lead time in milliseconds, 0 to 90 days. */
  readonly minLeadTime?: number;
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
  role?: MemberRole | undefined;
}

export interface CharterRelayInput {
  key: Uint8Array;
  url: string;
}

/** A founder's parameters; languages and permitted kinds in any order (the encoder sorts them). */
export interface CharterParamsInput {
  heartbeatInterval: number;
  ackDeadlines?: AckDeadlineTable | undefined;
  languages?: readonly string[] | undefined;
  permittedKinds?: readonly number[] | undefined;
  maxBodyBytes?: number | undefined;
  minLeadTime?: number | undefined;
}

/** What a founder supplies; members and relays in any order (the encoder sorts them). */
export interface CharterInput {
  members: readonly CharterMemberInput[];
  relays: readonly CharterRelayInput[];
  params: CharterParamsInput;
}

// ---------------------------------------------------------------------------
// Decoding

function malformed(field: string, message: string): never {
  throw new HotlineError('CHARTER_MALFORMED', `${field}: ${message}`, { field });
}

function overLimit(field: string, message: string): never {
  throw new HotlineError('CHARTER_LIMIT', `${field}: ${message}`, { field });
}

function invalid(field: string, message: string): never {
  throw new HotlineError('CHARTER_INVALID', `${field}: ${message}`, { field });
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

function asUint(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    malformed(path, 'must be an unsigned integer');
  }
  return value;
}

/** A uint from `min` to `max`; outside the range is a shape defect, as for every parameter. */
function uintIn(min: number, max: number) {
  return (value: unknown, path: string): number => {
    const n = asUint(value, path);
    if (n < min || n > max) malformed(path, `must be ${min} to ${max}`);
    return n;
  };
}

function asRole(value: unknown, path: string): MemberRole {
  const role = ROLES[asUint(value, path) - 1];
  if (role === undefined) malformed(path, 'must be 1 (principal), 2 (deputy) or 3 (observer)');
  return role;
}

const MEMBER_FIELDS: Record<string, IntMapField> = {
  key: { key: 1, read: asKey },
  name: { key: 2, read: (v, p) => asText(v, p, CHARTER_LIMITS.MAX_NAME_BYTES) },
  encryptionKey: { key: 3, read: asKey, optional: true },
  role: { key: 4, read: asRole, optional: true },
};

const RELAY_FIELDS: Record<string, IntMapField> = {
  key: { key: 1, read: asKey },
  url: { key: 2, read: asUrl },
};

/** A map of `fields`, frozen. */
function record(fields: Record<string, IntMapField>) {
  return (value: unknown, path: string): unknown =>
    Object.freeze(readIntMap(asMap(value, path), fields, failuresAt(path), `${path}.`));
}

const deadline = uintIn(CHARTER_LIMITS.MIN_ACK_DEADLINE, CHARTER_LIMITS.MAX_ACK_DEADLINE);
const STAGE_FIELDS: Record<string, IntMapField> = {
  received: { key: 1, read: deadline },
  understood: { key: 2, read: deadline },
  accepted: { key: 3, read: deadline },
};
const readStages = record(STAGE_FIELDS);

/** {1: received, 2: understood, 3: accepted}: each stage due no earlier than the one before. */
function asStages(value: unknown, path: string): AckDeadlines {
  const stages = readStages(value, path) as AckDeadlines;
  if (stages.understood < stages.received) {
    invalid(`${path}.understood`, 'must not be due before received');
  }
  if (stages.accepted < stages.understood) {
    invalid(`${path}.accepted`, 'must not be due before understood');
  }
  return stages;
}

/** A map from precedence (0 routine, 1 flash, 2 immediate, 3 priority) to stage deadlines. */
function asAckDeadlines(value: unknown, path: string): AckDeadlineTable {
  const map = asMap(value, path);
  if (map.size === 0) overLimit(path, 'at least one precedence');
  const table: Partial<Record<Precedence, AckDeadlines>> = {};
  for (const [key, entry] of map) {
    const precedence = DEADLINE_PRECEDENCES[key];
    if (precedence === undefined) malformed(path, `unknown precedence ${key}`);
    table[precedence] = asStages(entry, `${path}.${precedence}`);
  }
  return Object.freeze(table);
}

/** 1 to `max` items, each read in order, each `before`-after the one before it (else CHARTER_INVALID). */
function ascending<T>(
  max: number,
  item: (value: unknown, path: string) => T,
  before: (a: T, b: T) => boolean,
) {
  return (value: unknown, path: string): readonly T[] => {
    if (!Array.isArray(value)) malformed(path, 'must be an array');
    if (value.length < 1 || value.length > max) overLimit(path, `1 to ${max} entries`);
    const items: T[] = [];
    for (let i = 0; i < value.length; i++) {
      const where = `${path}[${i}]`;
      const current = item(value[i], where);
      const previous = items[i - 1];
      if (previous !== undefined && !before(previous, current)) {
        invalid(where, 'must come after the entry before it (strictly ascending, no repeats)');
      }
      items.push(current);
    }
    return Object.freeze(items);
  };
}

/** A BCP 47 tag under the text-block rule of spec/11-kinds.md §3, as a charter field. */
function asLanguage(value: unknown, path: string): string {
  try {
    return language(value, path);
  } catch (error) {
    if (error instanceof HotlineError) malformed(path, 'must be a BCP 47 tag of 2 to 35 bytes');
    throw error;
  }
}

/** BCP 47 tags compare without regard to case (RFC 5646 §2.1.1); the reader kept them ASCII. */
const languageBefore = (a: string, b: string): boolean => a.toLowerCase() < b.toLowerCase();

const PARAMS_FIELDS: Record<string, IntMapField> = {
  heartbeatInterval: {
    key: 1,
    read: uintIn(CHARTER_LIMITS.MIN_HEARTBEAT_INTERVAL, CHARTER_LIMITS.MAX_HEARTBEAT_INTERVAL),
  },
  ackDeadlines: { key: 2, read: asAckDeadlines, optional: true },
  languages: {
    key: 3,
    read: ascending(CHARTER_LIMITS.MAX_LANGUAGES, asLanguage, languageBefore),
    optional: true,
  },
  permittedKinds: {
    key: 4,
    read: ascending(
      CHARTER_LIMITS.MAX_PERMITTED_KINDS,
      uintIn(1, LIMITS.MAX_KIND),
      (a: number, b: number) => a < b,
    ),
    optional: true,
  },
  maxBodyBytes: {
    key: 5,
    read: uintIn(CHARTER_LIMITS.MIN_CHANNEL_BODY_BYTES, LIMITS.MAX_BODY_BYTES),
    optional: true,
  },
  minLeadTime: { key: 6, read: uintIn(0, CHARTER_LIMITS.MAX_LEAD_TIME), optional: true },
};

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
    if (value.length < 1 || value.length > rule.max) overLimit(path, `1 to ${rule.max} entries`);
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

/** The role of the member with signing key `key` (principal when not stated); undefined for a non-member. */
export function memberRole(charter: Charter, key: Uint8Array): MemberRole | undefined {
  if (!(key instanceof Uint8Array)) throw new TypeError('key must be a Uint8Array');
  const member = findByKey(charter.members, key);
  return member === undefined ? undefined : (member.role ?? CHARTER_DEFAULTS.role);
}

/** The acknowledgement deadlines of a precedence: the charter's, else the default. */
export function ackDeadlinesOf(charter: Charter, precedence: Precedence): AckDeadlines {
  const defaults: AckDeadlines | undefined = CHARTER_DEFAULTS.ackDeadlines[precedence];
  if (defaults === undefined) throw new RangeError(`unknown precedence ${String(precedence)}`);
  return charter.params.ackDeadlines?.[precedence] ?? defaults;
}

/**
 * True if the channel admits envelopes of `kind`: charter (1) always; otherwise a
 * listed kind, or, when the charter lists none, any kind of the standard range.
 */
export function permitsKind(charter: Charter, kind: number): boolean {
  if (!Number.isSafeInteger(kind)) throw new TypeError('kind must be a safe integer');
  if (kind === KIND.charter) return true;
  const listed = charter.params.permittedKinds;
  if (listed !== undefined) return listed.includes(kind);
  const standard = KIND_RANGES.find((range) => range.use === 'standard')!;
  return kind >= standard.from && kind <= standard.to;
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
  if (member.role !== undefined) {
    const role = ROLES.indexOf(member.role as MemberRole);
    if (role < 0) throw new TypeError(`${name}.role must be one of ${ROLES.join(', ')}`);
    entry.set(MEMBER_FIELDS.role!.key, role + 1);
  }
  return { key, entry };
}

function ackDeadlinesEntry(value: unknown, name: string): Map<number, CborValue> {
  const table = requireObject(value, name);
  for (const precedence of Object.keys(table)) {
    if (!DEADLINE_PRECEDENCES.includes(precedence as Precedence)) {
      throw new TypeError(`${name}.${precedence} is not a precedence`);
    }
  }
  const map = new Map<number, CborValue>();
  DEADLINE_PRECEDENCES.forEach((precedence, wire) => {
    if (table[precedence] === undefined) return;
    const where = `${name}.${precedence}`;
    const stages = requireObject(table[precedence], where);
    map.set(
      wire,
      new Map<number, CborValue>(
        Object.entries(STAGE_FIELDS).map(([stage, field]) => [
          field.key,
          requireInteger(stages[stage], `${where}.${stage}`),
        ]),
      ),
    );
  });
  return map;
}

function paramsEntry(value: unknown): Map<number, CborValue> {
  const params = requireObject(value, 'params');
  const entry = new Map<number, CborValue>([
    [
      PARAMS_FIELDS.heartbeatInterval!.key,
      requireInteger(params.heartbeatInterval, 'params.heartbeatInterval'),
    ],
  ]);
  if (params.ackDeadlines !== undefined) {
    entry.set(
      PARAMS_FIELDS.ackDeadlines!.key,
      ackDeadlinesEntry(params.ackDeadlines, 'params.ackDeadlines'),
    );
  }
  if (params.languages !== undefined) {
    const tags = requireArray(params.languages, 'params.languages').map((tag, i) =>
      requireText(tag, `params.languages[${i}]`),
    );
    // Ascending ignoring case; the decoder refuses two tags equal ignoring case.
    tags.sort((a, b) => (languageBefore(a, b) ? -1 : languageBefore(b, a) ? 1 : 0));
    entry.set(PARAMS_FIELDS.languages!.key, tags);
  }
  if (params.permittedKinds !== undefined) {
    const kinds = requireArray(params.permittedKinds, 'params.permittedKinds').map((kind, i) =>
      requireInteger(kind, `params.permittedKinds[${i}]`),
    );
    entry.set(
      PARAMS_FIELDS.permittedKinds!.key,
      kinds.sort((a, b) => a - b),
    );
  }
  for (const name of ['maxBodyBytes', 'minLeadTime'] as const) {
    if (params[name] !== undefined) {
      entry.set(PARAMS_FIELDS[name]!.key, requireInteger(params[name], `params.${name}`));
    }
  }
  return entry;
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
 * Encodes a charter body deterministically: members and relays sorted by key,
 * languages ignoring case, permitted kinds by value; absent optional fields are
 * left out. Wrong JavaScript types (an unknown role or precedence name, a
 * fractional number …) throw TypeError; values the charter forbids (no member, a
 * 31-byte key, a name of 65 bytes, an http URL, a key twice, a stage due before
 * the one before it, a kind twice …) throw the HotlineError a decoder would report,
 * so nothing undecodable is ever produced.
 */
export function encodeCharterBody(charter: CharterInput): Uint8Array {
  const input = requireObject(charter, 'charter');
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
      [CHARTER_FIELDS.params!.key, paramsEntry(input.params)],
    ]),
  );
  decodeCharterBody(body);
  return body;
}
