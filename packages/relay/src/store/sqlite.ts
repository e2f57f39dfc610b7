// The embedded store: one SQLite file through better-sqlite3, in WAL mode with
// synchronous=FULL, so that `commit` returns only after the batch is in the fsynced
// write-ahead log. better-sqlite3 answers synchronously; the RelayStore methods are
// async only to share the interface with a networked engine.

import type { MerkleNode, NodeId, NodeStore } from '@hotline/signer';
import {
  checkCount,
  type DurableSettings,
  makeDurable,
  readDurableSettings,
} from '@hotline/sqlite';
import Database from 'better-sqlite3';
import { WalCheckpointer, type WalCheckpointerOptions } from './checkpointer.js';
import { MIGRATIONS, RELAY_STORE } from './migrations.js';
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

export interface SqliteStoreOptions {
  /**
   * How long a statement waits for a lock held by another connection before it
   * fails with SQLITE_BUSY, in milliseconds. Default 5000: only a second process on
   * the same file (a backup, an inspection) ever holds one.
   */
  readonly busyTimeoutMs?: number;
  /**
   * Who copies the write-ahead log back into the database file:
   * - 'background' (default): a thread of the store's own (WalCheckpointer), so that
   *   no commit pays for it; this connection's automatic checkpoint is off;
   * - 'inline': SQLite's automatic checkpoint, inside the commit that crosses 1,000
   *   WAL pages;
   * - 'elsewhere': neither; another connection's store does it (the threaded store's
   *   writer thread opens its connection so).
   */
  readonly walCheckpoint?: 'background' | 'inline' | 'elsewhere';
  /** Settings of the background checkpointer. */
  readonly checkpointer?: WalCheckpointerOptions;
}

/** The connection settings that make a commit durable, as read back from SQLite. */
export type SqliteSettings = DurableSettings;

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * The SQL of every statement the store prepares, by name. Exported so that tests can
 * check each read's query plan; not part of the package's API.
 */
export const STATEMENTS = {
  listChannels: 'SELECT id, charter, size FROM channels ORDER BY id',
  getChannel: 'SELECT id, charter, size FROM channels WHERE id = ?',
  readEntries:
    'SELECT channel, idx, id, sender, seq, envelope FROM entries ' +
    'WHERE channel = ? AND idx >= ? AND idx < ? ORDER BY idx',
  findById:
    'SELECT channel, idx, id, sender, seq, envelope FROM entries WHERE channel = ? AND id = ?',
  findBySenderSeq:
    'SELECT channel, idx, id, sender, seq, envelope FROM entries ' +
    'WHERE channel = ? AND sender = ? AND seq = ?',
  chainHead:
    'SELECT seq, id FROM entries WHERE channel = ? AND sender = ? ORDER BY seq DESC LIMIT 1',
  getNode: 'SELECT hash FROM nodes WHERE channel = ? AND level = ? AND idx = ?',
  latestCheckpoint:
    'SELECT channel, size, checkpoint FROM checkpoints WHERE channel = ? ORDER BY size DESC LIMIT 1',
  readEvidence:
    'SELECT channel, kind, existing_id, envelope, time FROM evidence WHERE channel = ? ORDER BY rowid',
  upsertChannel:
    'INSERT INTO channels (id, charter, size) VALUES (?, ?, ?) ' +
    'ON CONFLICT (id) DO UPDATE SET size = excluded.size',
  insertEntry:
    'INSERT INTO entries (channel, idx, id, sender, seq, envelope) VALUES (?, ?, ?, ?, ?, ?)',
  insertNode: 'INSERT INTO nodes (channel, level, idx, hash) VALUES (?, ?, ?, ?)',
  insertCheckpoint: 'INSERT INTO checkpoints (channel, size, checkpoint) VALUES (?, ?, ?)',
  insertEvidence:
    'INSERT INTO evidence (channel, kind, existing_id, envelope, time) VALUES (?, ?, ?, ?, ?)',
} as const;

type Statements = { [K in keyof typeof STATEMENTS]: Database.Statement };

interface EntryRow {
  channel: Buffer;
  idx: number;
  id: Buffer;
  sender: Buffer;
  seq: number;
  envelope: Buffer;
}

interface ChannelRow {
  id: Buffer;
  charter: Buffer;
  size: number;
}

interface CheckpointRow {
  channel: Buffer;
  size: number;
  checkpoint: Buffer;
}

interface EvidenceRow {
  channel: Buffer;
  kind: string;
  existing_id: Buffer;
  envelope: Buffer;
  time: number;
}

/**
 * A plain Uint8Array over a blob SQLite returned. better-sqlite3 copies every blob
 * into a Buffer of its own (not a slice of Node's shared pool), so a view is safe and
 * free; anything else is copied, so no caller ever holds memory shared with others.
 */
function bytes(value: Buffer): Uint8Array {
  if (value.byteOffset === 0 && value.buffer.byteLength === value.byteLength) {
    return new Uint8Array(value.buffer, 0, value.byteLength);
  }
  return Uint8Array.prototype.slice.call(value);
}

function entryOf(row: EntryRow): LogEntry {
  return {
    channel: bytes(row.channel),
    index: row.idx,
    id: bytes(row.id),
    sender: bytes(row.sender),
    seq: row.seq,
    envelope: bytes(row.envelope),
  };
}

function channelOf(row: ChannelRow): ChannelRecord {
  return { id: bytes(row.id), charter: bytes(row.charter), size: row.size };
}

function checkBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

/**
 * Opens (creating if needed) the relay's SQLite database at `path`, sets and checks
 * its durability settings, and brings its schema to the current version.
 *
 * Throws StoreOpenError with code STORE_PRAGMA_REJECTED (a setting did not take, e.g.
 * WAL on a `:memory:` database or on a file system without shared memory),
 * STORE_SCHEMA_TOO_NEW or STORE_FOREIGN_DATABASE; the connection is closed first.
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteRelayStore {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError('path must be a non-empty string');
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  checkCount('busyTimeoutMs', busyTimeoutMs);
  const walCheckpoint = options.walCheckpoint ?? 'background';
  const db = new Database(path, { timeout: busyTimeoutMs });
  // Closes the connection before it throws.
  makeDurable(db, {
    busyTimeoutMs,
    noAutoCheckpoint: walCheckpoint !== 'inline',
    kind: RELAY_STORE,
    migrations: MIGRATIONS,
  });
  const checkpointer =
    walCheckpoint === 'background'
      ? new WalCheckpointer(path, { busyTimeoutMs, ...options.checkpointer })
      : undefined;
  return new SqliteRelayStore(db, checkpointer);
}

/** The RelayStore over one SQLite connection; made by openSqliteStore. */
export class SqliteRelayStore implements RelayStore {
  readonly #db: Database.Database;
  readonly #stmt: Statements;
  readonly #getNodeHash: Database.Statement;
  readonly #commit: Database.Transaction<(batch: CommitBatch) => void>;
  readonly #readNodes: Database.Transaction<
    (channel: Uint8Array, ids: readonly NodeId[]) => Map<string, Uint8Array>
  >;
  readonly #checkpointer: WalCheckpointer | undefined;
  #closed = false;

  /** @internal Use openSqliteStore. */
  constructor(db: Database.Database, checkpointer?: WalCheckpointer) {
    this.#db = db;
    this.#checkpointer = checkpointer;
    const stmt: Record<string, Database.Statement> = {};
    for (const [name, sql] of Object.entries(STATEMENTS)) stmt[name] = db.prepare(sql);
    this.#stmt = stmt as Statements;
    this.#getNodeHash = db.prepare(STATEMENTS.getNode).pluck();
    this.#commit = db.transaction((batch: CommitBatch) => this.#write(batch));
    // One read transaction: every node of one proof comes from the same snapshot.
    this.#readNodes = db.transaction((channel: Uint8Array, ids: readonly NodeId[]) => {
      const found = new Map<string, Uint8Array>();
      for (const { level, index } of ids) {
        const key = nodeKey(level, index);
        if (found.has(key)) continue;
        const hash = this.#getNodeHash.get(channel, level, index) as Buffer | undefined;
        if (hash !== undefined) found.set(key, bytes(hash));
      }
      return found;
    });
  }

  async listChannels(): Promise<ChannelRecord[]> {
    return (this.#stmt.listChannels.all() as ChannelRow[]).map(channelOf);
  }

  async getChannel(id: Uint8Array): Promise<ChannelRecord | undefined> {
    checkBytes('id', id);
    const row = this.#stmt.getChannel.get(id) as ChannelRow | undefined;
    return row === undefined ? undefined : channelOf(row);
  }

  async readEntries(channel: Uint8Array, from: number, limit: number): Promise<LogEntry[]> {
    checkBytes('channel', channel);
    checkCount('from', from);
    checkCount('limit', limit);
    const end = Math.min(from + limit, Number.MAX_SAFE_INTEGER);
    return (this.#stmt.readEntries.all(channel, from, end) as EntryRow[]).map(entryOf);
  }

  async findById(channel: Uint8Array, id: Uint8Array): Promise<LogEntry | undefined> {
    checkBytes('channel', channel);
    checkBytes('id', id);
    const row = this.#stmt.findById.get(channel, id) as EntryRow | undefined;
    return row === undefined ? undefined : entryOf(row);
  }

  async findBySenderSeq(
    channel: Uint8Array,
    sender: Uint8Array,
    seq: number,
  ): Promise<LogEntry | undefined> {
    checkBytes('channel', channel);
    checkBytes('sender', sender);
    checkCount('seq', seq);
    const row = this.#stmt.findBySenderSeq.get(channel, sender, seq) as EntryRow | undefined;
    return row === undefined ? undefined : entryOf(row);
  }

  async chainHead(channel: Uint8Array, sender: Uint8Array): Promise<ChainHeadRecord | undefined> {
    checkBytes('channel', channel);
    checkBytes('sender', sender);
    const row = this.#stmt.chainHead.get(channel, sender) as
      | { seq: number; id: Buffer }
      | undefined;
    return row === undefined ? undefined : { seq: row.seq, id: bytes(row.id) };
  }

  async readNodes(channel: Uint8Array, ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    checkBytes('channel', channel);
    for (const { level, index } of ids) {
      checkCount('level', level);
      checkCount('index', index);
    }
    return this.#readNodes(channel, ids);
  }

  async latestCheckpoint(channel: Uint8Array): Promise<CheckpointRecord | undefined> {
    checkBytes('channel', channel);
    const row = this.#stmt.latestCheckpoint.get(channel) as CheckpointRow | undefined;
    return row === undefined
      ? undefined
      : { channel: bytes(row.channel), size: row.size, checkpoint: bytes(row.checkpoint) };
  }

  /**
   * The evidence kept for a channel, in the order it was committed. Not in the
   * RelayStore interface yet (nothing reads evidence back so far).
   */
  async readEvidence(channel: Uint8Array): Promise<EvidenceRecord[]> {
    checkBytes('channel', channel);
    return (this.#stmt.readEvidence.all(channel) as EvidenceRow[]).map((row) => ({
      channel: bytes(row.channel),
      kind: row.kind as EvidenceRecord['kind'],
      existingId: bytes(row.existing_id),
      envelope: bytes(row.envelope),
      time: row.time,
    }));
  }

  /**
   * One BEGIN IMMEDIATE … COMMIT: channels (upserted; only `size` changes on an
   * existing channel), then entries, nodes, checkpoints and evidence, inserted. A
   * violated constraint (a second entry at a (channel, index), id or (sender, seq); a
   * node or checkpoint stored twice; a row of an unknown channel; a malformed value)
   * rolls the whole batch back and rethrows SQLite's error, whose `code` names the
   * constraint kind (SQLITE_CONSTRAINT_PRIMARYKEY, _UNIQUE, _FOREIGNKEY, _CHECK).
   * Resolves after the commit's fsync.
   */
  async commit(batch: CommitBatch): Promise<void> {
    this.#commit.immediate(batch);
  }

  #write(batch: CommitBatch): void {
    const s = this.#stmt;
    for (const c of batch.channels) s.upsertChannel.run(c.id, c.charter, c.size);
    for (const e of batch.entries) {
      s.insertEntry.run(e.channel, e.index, e.id, e.sender, e.seq, e.envelope);
    }
    for (const group of batch.nodes) {
      for (const n of group.nodes) s.insertNode.run(group.channel, n.level, n.index, n.hash);
    }
    for (const c of batch.checkpoints) s.insertCheckpoint.run(c.channel, c.size, c.checkpoint);
    for (const e of batch.evidence) {
      s.insertEvidence.run(e.channel, e.kind, e.existingId, e.envelope, e.time);
    }
  }

  /**
   * A synchronous NodeStore over one channel's committed nodes, for MerkleLog's
   * proofs and roots: `get` is one primary-key lookup; `put` throws, because nodes
   * are written only by `commit`, in the transaction of the entries they cover.
   * SQLite only: an asynchronous store has no synchronous read, and fetches a
   * proof's nodes in advance with readNodes instead.
   */
  nodeStoreFor(channel: Uint8Array): NodeStore {
    checkBytes('channel', channel);
    const key = channel.slice();
    const stmt = this.#getNodeHash;
    return {
      get(level: number, index: number): Uint8Array | undefined {
        if (!Number.isSafeInteger(level) || !Number.isSafeInteger(index)) return undefined;
        const hash = stmt.get(key, level, index) as Buffer | undefined;
        return hash === undefined ? undefined : bytes(hash);
      },
      put(_nodes: readonly MerkleNode[]): void {
        throw new Error('nodes are written only through RelayStore.commit');
      },
    };
  }

  /**
   * `PRAGMA data_version` of this connection: it changes when another connection
   * (another thread's, another process's) commits to the file, and only then.
   */
  dataVersion(): number {
    return this.#db.pragma('data_version', { simple: true }) as number;
  }

  /** The durability settings of this connection, read back from SQLite now. */
  settings(): SqliteSettings {
    return readDurableSettings(this.#db);
  }

  /** The background WAL checkpointer, when this store runs one. */
  get checkpointer(): WalCheckpointer | undefined {
    return this.#checkpointer;
  }

  /**
   * Stops the checkpointer, then closes the connection (the last connection to close
   * checkpoints the whole WAL into the file). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#checkpointer?.close();
    this.#db.close();
  }
}
