// A RelayStore in memory, for tests of the relay: the semantics of the SQLite store
// (same constraints, same error codes, all-or-nothing commits, results that share no
// memory with the caller or the store) without a file. Nothing survives the process.

import { toHex } from '@hotline/codec';
import type { MerkleNode, NodeId, NodeStore } from '@hotline/signer';
import {
  type ChainHeadRecord,
  type ChannelRecord,
  type CheckpointRecord,
  type CommitBatch,
  type EvidenceRecord,
  type LogEntry,
  nodeKey,
  type RelayStore,
} from './types.js';

/** The extended result codes SQLite gives the same violations. */
type ConstraintCode =
  | 'SQLITE_CONSTRAINT_PRIMARYKEY'
  | 'SQLITE_CONSTRAINT_UNIQUE'
  | 'SQLITE_CONSTRAINT_FOREIGNKEY'
  | 'SQLITE_CONSTRAINT_CHECK';

/** A commit that violates a constraint; `code` is the one SQLite would report. */
export class MemoryConstraintError extends Error {
  readonly code: ConstraintCode;

  constructor(code: ConstraintCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

function fail(code: ConstraintCode, message: string): never {
  throw new MemoryConstraintError(code, message);
}

/** The schema's CHECK on a 32-byte id, key or hash. */
function key32(name: string, value: unknown): string {
  if (!(value instanceof Uint8Array) || value.length !== 32) {
    fail('SQLITE_CONSTRAINT_CHECK', `${name} must be 32 bytes`);
  }
  return toHex(value);
}

/** The schema's CHECK on a blob. */
function blob(name: string, value: unknown): void {
  if (!(value instanceof Uint8Array)) fail('SQLITE_CONSTRAINT_CHECK', `${name} must be bytes`);
}

/** The schema's CHECK on a non-negative integer (SQLite INTEGER: 64-bit). */
function count(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
    fail('SQLITE_CONSTRAINT_CHECK', `${name} out of range`);
  }
}

function checkBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

function checkCount(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer`);
  }
}

function copyEntry(e: LogEntry): LogEntry {
  return {
    channel: e.channel.slice(),
    index: e.index,
    id: e.id.slice(),
    sender: e.sender.slice(),
    seq: e.seq,
    envelope: e.envelope.slice(),
  };
}

function copyChannel(c: ChannelRecord): ChannelRecord {
  return { id: c.id.slice(), charter: c.charter.slice(), size: c.size };
}

function copyCheckpoint(c: CheckpointRecord): CheckpointRecord {
  return { channel: c.channel.slice(), size: c.size, checkpoint: c.checkpoint.slice() };
}

function copyEvidence(e: EvidenceRecord): EvidenceRecord {
  return {
    channel: e.channel.slice(),
    kind: e.kind,
    existingId: e.existingId.slice(),
    envelope: e.envelope.slice(),
    time: e.time,
  };
}

/** Index of the first entry of `log` (sorted by index) with index ≥ `from`. */
function lowerBound(log: readonly LogEntry[], from: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid]!.index < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class MemoryRelayStore implements RelayStore {
  /** Keyed by the channel id's hex, as are the maps below (with more after a colon). */
  readonly #channels = new Map<string, ChannelRecord>();
  /** Each channel's entries, sorted by index. */
  readonly #logs = new Map<string, LogEntry[]>();
  readonly #byIndex = new Map<string, LogEntry>();
  readonly #byId = new Map<string, LogEntry>();
  readonly #bySeq = new Map<string, LogEntry>();
  /** channel:sender → the entry with the highest seq. */
  readonly #heads = new Map<string, LogEntry>();
  readonly #nodes = new Map<string, Uint8Array>();
  readonly #checkpoints = new Map<string, CheckpointRecord>();
  readonly #latest = new Map<string, CheckpointRecord>();
  readonly #evidence = new Map<string, EvidenceRecord[]>();
  #closed = false;

  #open(): void {
    if (this.#closed) throw new TypeError('the store is closed');
  }

  async listChannels(): Promise<ChannelRecord[]> {
    this.#open();
    return [...this.#channels.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, c]) => copyChannel(c));
  }

  async getChannel(id: Uint8Array): Promise<ChannelRecord | undefined> {
    this.#open();
    checkBytes('id', id);
    const c = this.#channels.get(toHex(id));
    return c === undefined ? undefined : copyChannel(c);
  }

  async readEntries(channel: Uint8Array, from: number, limit: number): Promise<LogEntry[]> {
    this.#open();
    checkBytes('channel', channel);
    checkCount('from', from);
    checkCount('limit', limit);
    const log = this.#logs.get(toHex(channel)) ?? [];
    const end = from + limit;
    const out: LogEntry[] = [];
    for (let i = lowerBound(log, from); i < log.length && log[i]!.index < end; i++) {
      out.push(copyEntry(log[i]!));
    }
    return out;
  }

  async findById(channel: Uint8Array, id: Uint8Array): Promise<LogEntry | undefined> {
    this.#open();
    checkBytes('channel', channel);
    checkBytes('id', id);
    const e = this.#byId.get(`${toHex(channel)}:${toHex(id)}`);
    return e === undefined ? undefined : copyEntry(e);
  }

  async findBySenderSeq(
    channel: Uint8Array,
    sender: Uint8Array,
    seq: number,
  ): Promise<LogEntry | undefined> {
    this.#open();
    checkBytes('channel', channel);
    checkBytes('sender', sender);
    checkCount('seq', seq);
    const e = this.#bySeq.get(`${toHex(channel)}:${toHex(sender)}:${seq}`);
    return e === undefined ? undefined : copyEntry(e);
  }

  async chainHead(channel: Uint8Array, sender: Uint8Array): Promise<ChainHeadRecord | undefined> {
    this.#open();
    checkBytes('channel', channel);
    checkBytes('sender', sender);
    const e = this.#heads.get(`${toHex(channel)}:${toHex(sender)}`);
    return e === undefined ? undefined : { seq: e.seq, id: e.id.slice() };
  }

  async readNodes(channel: Uint8Array, ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    this.#open();
    checkBytes('channel', channel);
    const ch = toHex(channel);
    const found = new Map<string, Uint8Array>();
    for (const { level, index } of ids) {
      checkCount('level', level);
      checkCount('index', index);
      const key = nodeKey(level, index);
      const hash = this.#nodes.get(`${ch}:${key}`);
      if (hash !== undefined) found.set(key, hash.slice());
    }
    return found;
  }

  /**
   * A synchronous NodeStore over one channel's committed nodes (as
   * SqliteRelayStore.nodeStoreFor): `get` sees every later commit; `put` throws.
   */
  nodeStoreFor(channel: Uint8Array): NodeStore {
    this.#open();
    checkBytes('channel', channel);
    const ch = toHex(channel);
    const nodes = this.#nodes;
    return {
      get(level: number, index: number): Uint8Array | undefined {
        return nodes.get(`${ch}:${nodeKey(level, index)}`)?.slice();
      },
      put(_nodes: readonly MerkleNode[]): void {
        throw new Error('nodes are written only through RelayStore.commit');
      },
    };
  }

  async latestCheckpoint(channel: Uint8Array): Promise<CheckpointRecord | undefined> {
    this.#open();
    checkBytes('channel', channel);
    const c = this.#latest.get(toHex(channel));
    return c === undefined ? undefined : copyCheckpoint(c);
  }

  /** The evidence kept for a channel, in commit order (as SqliteRelayStore.readEvidence). */
  async readEvidence(channel: Uint8Array): Promise<EvidenceRecord[]> {
    this.#open();
    checkBytes('channel', channel);
    return (this.#evidence.get(toHex(channel)) ?? []).map(copyEvidence);
  }

  /**
   * Checks the whole batch against the store and itself first, in the order SQLite
   * writes it, then applies it: a violation throws MemoryConstraintError and changes
   * nothing.
   */
  async commit(batch: CommitBatch): Promise<void> {
    this.#open();
    const channels = new Map<string, ChannelRecord>();
    const known = (ch: string): boolean => this.#channels.has(ch) || channels.has(ch);
    const parent = (name: string, value: unknown): string => {
      const ch = key32(name, value);
      if (!known(ch)) fail('SQLITE_CONSTRAINT_FOREIGNKEY', `${name}: unknown channel`);
      return ch;
    };

    for (const c of batch.channels) {
      const ch = key32('channel id', c.id);
      blob('charter', c.charter);
      count('size', c.size);
      const existing = channels.get(ch) ?? this.#channels.get(ch);
      // An existing channel keeps its charter; only the size changes.
      channels.set(ch, {
        id: c.id.slice(),
        charter: existing?.charter ?? c.charter.slice(),
        size: c.size,
      });
    }

    const entries: { ch: string; sender: string; entry: LogEntry }[] = [];
    const taken = new Set<string>();
    const unique = (code: ConstraintCode, map: Map<string, unknown>, key: string, what: string) => {
      if (map.has(key) || taken.has(key)) fail(code, `duplicate ${what}`);
      taken.add(key);
    };
    for (const e of batch.entries) {
      const ch = parent('entry channel', e.channel);
      count('index', e.index);
      const id = key32('entry id', e.id);
      const sender = key32('sender', e.sender);
      count('seq', e.seq);
      blob('envelope', e.envelope);
      unique('SQLITE_CONSTRAINT_PRIMARYKEY', this.#byIndex, `${ch}#${e.index}`, 'index');
      unique('SQLITE_CONSTRAINT_UNIQUE', this.#byId, `${ch}:${id}`, 'id');
      unique('SQLITE_CONSTRAINT_UNIQUE', this.#bySeq, `${ch}:${sender}:${e.seq}`, '(sender, seq)');
      entries.push({ ch, sender, entry: copyEntry(e) });
    }

    const nodes: [string, Uint8Array][] = [];
    for (const group of batch.nodes) {
      const ch = parent('node channel', group.channel);
      for (const n of group.nodes) {
        count('level', n.level, 63);
        count('node index', n.index);
        key32('hash', n.hash);
        const key = `${ch}:${nodeKey(n.level, n.index)}`;
        unique('SQLITE_CONSTRAINT_PRIMARYKEY', this.#nodes, key, 'node');
        nodes.push([key, n.hash.slice()]);
      }
    }

    const checkpoints: [string, string, CheckpointRecord][] = [];
    for (const c of batch.checkpoints) {
      const ch = parent('checkpoint channel', c.channel);
      count('checkpoint size', c.size);
      blob('checkpoint', c.checkpoint);
      const key = `${ch}@${c.size}`;
      unique('SQLITE_CONSTRAINT_PRIMARYKEY', this.#checkpoints, key, 'checkpoint');
      checkpoints.push([ch, key, copyCheckpoint(c)]);
    }

    const evidence: [string, EvidenceRecord][] = [];
    for (const e of batch.evidence) {
      const ch = parent('evidence channel', e.channel);
      if (typeof e.kind !== 'string') fail('SQLITE_CONSTRAINT_CHECK', 'kind must be text');
      key32('existing id', e.existingId);
      blob('envelope', e.envelope);
      count('time', e.time);
      evidence.push([ch, copyEvidence(e)]);
    }

    // Nothing above wrote to the store; nothing below can fail.
    for (const [ch, c] of channels) this.#channels.set(ch, c);
    for (const { ch, sender, entry } of entries) {
      let log = this.#logs.get(ch);
      if (log === undefined) this.#logs.set(ch, (log = []));
      const at = lowerBound(log, entry.index);
      log.splice(at, 0, entry);
      this.#byIndex.set(`${ch}#${entry.index}`, entry);
      this.#byId.set(`${ch}:${toHex(entry.id)}`, entry);
      this.#bySeq.set(`${ch}:${sender}:${entry.seq}`, entry);
      const headKey = `${ch}:${sender}`;
      const head = this.#heads.get(headKey);
      if (head === undefined || entry.seq > head.seq) this.#heads.set(headKey, entry);
    }
    for (const [key, hash] of nodes) this.#nodes.set(key, hash);
    for (const [ch, key, c] of checkpoints) {
      this.#checkpoints.set(key, c);
      const latest = this.#latest.get(ch);
      if (latest === undefined || c.size > latest.size) this.#latest.set(ch, c);
    }
    for (const [ch, e] of evidence) {
      let list = this.#evidence.get(ch);
      if (list === undefined) this.#evidence.set(ch, (list = []));
      list.push(e);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
