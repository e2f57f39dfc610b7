// The client's durable store: one SQLite file through better-sqlite3, in WAL mode
// with synchronous=FULL, so that every method that records something returns only
// after the row is in the fsynced write-ahead log. That is what makes the store's
// one crash rule hold: an own envelope is on disk, as the chain's new head, before
// it is sent.

import { closeSync, openSync } from 'node:fs';
import {
  checkCount,
  type DurableSettings,
  makeDurable,
  readDurableSettings,
} from '@hotline/sqlite';
import Database from 'better-sqlite3';
import type { ClientStore, ConsistencyRecord, OwnEnvelope } from '../store/types.js';
import { CLIENT_MIGRATIONS, CLIENT_STORE } from './sqlite-migrations.js';

export interface SqliteClientStoreOptions {
  /**
   * How long a statement waits for a lock held by another connection before it
   * fails with SQLITE_BUSY, in milliseconds. Default 5000: only a second process on
   * the same file (a backup, an inspection, a second client by mistake) holds one.
   */
  readonly busyTimeoutMs?: number;
}

/** The connection settings that make a write durable, as read back from SQLite. */
export type SqliteClientStoreSettings = DurableSettings;

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** Channel ids, relay keys, envelope ids and Merkle hashes: all 32 bytes. */
const ID_LENGTH = 32;
/** Owner read/write only: the file holds the party's whole correspondence. */
const FILE_MODE = 0o600;

/**
 * The SQL of every statement the store prepares, by name. Exported so that tests can
 * check query plans; not part of the package's API.
 */
export const CLIENT_STATEMENTS = {
  hasChannel: 'SELECT 1 FROM channels WHERE id = ?',
  insertChannel: 'INSERT INTO channels (id, charter) VALUES (?, ?) ON CONFLICT (id) DO NOTHING',
  listChannels: 'SELECT id, charter FROM channels ORDER BY rowid',
  ownHead:
    'SELECT seq, id, envelope FROM own_envelopes WHERE channel = ? ORDER BY seq DESC LIMIT 1',
  ownHeadSeq: 'SELECT coalesce(max(seq), 0) FROM own_envelopes WHERE channel = ?',
  insertOwn: 'INSERT INTO own_envelopes (channel, seq, id, envelope) VALUES (?, ?, ?, ?)',
  ownFrom:
    'SELECT seq, id, envelope FROM own_envelopes WHERE channel = ? AND seq >= ? ORDER BY seq LIMIT ?',
  insertEnvelope:
    'INSERT INTO envelopes (channel, id, envelope) VALUES (?, ?, ?) ' +
    'ON CONFLICT (channel, id) DO NOTHING',
  listEnvelopes: 'SELECT envelope FROM envelopes WHERE channel = ? ORDER BY rowid',
  insertReceipt:
    'INSERT INTO receipts (channel, relay, id, receipt) VALUES (?, ?, ?, ?) ' +
    'ON CONFLICT (channel, relay, id) DO NOTHING',
  receiptRelays: 'SELECT relay FROM receipts WHERE id = ? GROUP BY relay ORDER BY min(rowid)',
  // In seq order through UNIQUE (channel, seq), each probed in UNIQUE (channel, relay, id):
  // no envelope bytes read.
  firstUnreceipted:
    'SELECT o.seq FROM own_envelopes o WHERE o.channel = ? AND NOT EXISTS ' +
    '(SELECT 1 FROM receipts r WHERE r.channel = o.channel AND r.relay = ? AND r.id = o.id) ' +
    'ORDER BY o.seq LIMIT 1',
  listReceipts: 'SELECT receipt FROM receipts WHERE channel = ? AND relay = ? ORDER BY rowid',
  logLength: 'SELECT coalesce(max(idx) + 1, 0) FROM log WHERE channel = ? AND relay = ?',
  insertLog: 'INSERT INTO log (channel, relay, idx, id) VALUES (?, ?, ?, ?)',
  readLog: 'SELECT id FROM log WHERE channel = ? AND relay = ? ORDER BY idx',
  insertCheckpoint:
    'INSERT INTO checkpoints (channel, relay, checkpoint) VALUES (?, ?, ?) ' +
    'ON CONFLICT (channel, relay, checkpoint) DO NOTHING',
  listCheckpoints:
    'SELECT checkpoint FROM checkpoints WHERE channel = ? AND relay = ? ORDER BY rowid',
  insertConsistency:
    'INSERT INTO consistency (channel, relay, from_size, to_size, proof) VALUES (?, ?, ?, ?, ?)',
  listConsistency:
    'SELECT from_size, to_size, proof FROM consistency WHERE channel = ? AND relay = ? ' +
    'ORDER BY rowid',
} as const;

type Statements = { [K in keyof typeof CLIENT_STATEMENTS]: Database.Statement };

/** Statements that select one column: they return its values, not row objects. */
const PLUCKED: ReadonlySet<keyof typeof CLIENT_STATEMENTS> = new Set([
  'ownHeadSeq',
  'listEnvelopes',
  'receiptRelays',
  'firstUnreceipted',
  'listReceipts',
  'logLength',
  'readLog',
  'listCheckpoints',
] as const);

interface OwnRow {
  seq: number;
  id: Buffer;
  envelope: Buffer;
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

function ownOf(row: OwnRow): OwnEnvelope {
  return { seq: row.seq, id: bytes(row.id), bytes: bytes(row.envelope) };
}

function checkBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

function checkId(name: string, value: unknown): asserts value is Uint8Array {
  checkBytes(name, value);
  if (value.length !== ID_LENGTH) throw new RangeError(`${name} must be ${ID_LENGTH} bytes`);
}

function hex(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
}

/**
 * Creates the file, readable and writable by its owner only, if it does not exist.
 * SQLite gives its -wal and -shm files the database file's mode. An existing file
 * keeps the mode its owner chose.
 */
function createPrivateFile(path: string): void {
  if (path === ':memory:') return;
  closeSync(openSync(path, 'a', FILE_MODE));
}

/**
 * Opens (creating if needed, mode 0600) the client's SQLite store at `path`, sets and
 * checks its durability settings, and brings its schema to the current version.
 *
 * Throws StoreOpenError with code STORE_PRAGMA_REJECTED (a setting did not take, e.g.
 * WAL on a `:memory:` database or on a file system without shared memory),
 * STORE_SCHEMA_TOO_NEW or STORE_FOREIGN_DATABASE; the connection is closed first.
 */
export function openSqliteClientStore(
  path: string,
  options: SqliteClientStoreOptions = {},
): SqliteClientStore {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError('path must be a non-empty string');
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  checkCount('busyTimeoutMs', busyTimeoutMs);
  createPrivateFile(path);
  const db = new Database(path, { timeout: busyTimeoutMs });
  // Closes the connection before it throws.
  makeDurable(db, { busyTimeoutMs, kind: CLIENT_STORE, migrations: CLIENT_MIGRATIONS });
  return new SqliteClientStore(db);
}

/**
 * The ClientStore over one SQLite connection; made by openSqliteClientStore. Same
 * semantics as MemoryClientStore (a channel must be recorded before anything of it:
 * RangeError otherwise), plus: ids, relay keys and proof hashes must be 32 bytes
 * (RangeError). `addOwnEnvelope` is durable when it returns; other writes are
 * batched and committed at the end of the event-loop turn (`afterCommit` waits for
 * that), so a crash loses at most one turn of what relays can deliver again.
 */
export class SqliteClientStore implements ClientStore {
  readonly #db: Database.Database;
  readonly #stmt: Statements;
  /** Hex ids of channels known to be recorded (channels are never removed). */
  readonly #known = new Set<string>();
  readonly #addOwn: Database.Transaction<(channel: Uint8Array, envelope: OwnEnvelope) => void>;
  readonly #appendLog: Database.Transaction<
    (channel: Uint8Array, relay: Uint8Array, index: number, id: Uint8Array) => void
  >;
  #closed = false;
  /** A batch transaction is open (see #begin). */
  #batch = false;
  readonly #afterCommit: (() => void)[] = [];

  /** @internal Use openSqliteClientStore. */
  constructor(db: Database.Database) {
    this.#db = db;
    const stmt: Record<string, Database.Statement> = {};
    for (const [name, sql] of Object.entries(CLIENT_STATEMENTS)) {
      const prepared = db.prepare(sql);
      stmt[name] = PLUCKED.has(name as keyof typeof CLIENT_STATEMENTS)
        ? prepared.pluck()
        : prepared;
    }
    this.#stmt = stmt as Statements;
    // The head is read and the row inserted under one write lock (BEGIN IMMEDIATE),
    // so no other connection can slip a row in between; UNIQUE (channel, seq) backs it.
    this.#addOwn = db.transaction((channel: Uint8Array, envelope: OwnEnvelope) => {
      const head = this.#stmt.ownHeadSeq.get(channel) as number;
      if (envelope.seq !== head + 1) {
        throw new RangeError(`own seq ${envelope.seq} does not follow ${head}`);
      }
      this.#stmt.insertOwn.run(channel, envelope.seq, envelope.id, envelope.bytes);
    });
    this.#appendLog = db.transaction(
      (channel: Uint8Array, relay: Uint8Array, index: number, id: Uint8Array) => {
        const length = this.#stmt.logLength.get(channel, relay) as number;
        if (index !== length) throw new RangeError(`log index ${index} is not ${length}`);
        this.#stmt.insertLog.run(channel, relay, index, id);
      },
    );
  }

  /**
   * Opens the batch transaction if none is open, and schedules its commit for the
   * end of this turn of the event loop: every write of one turn (a burst of
   * deliveries, receipts and checkpoints) costs one fsync, not one each.
   */
  #begin(): void {
    if (this.#batch || this.#closed) return;
    this.#db.exec('BEGIN IMMEDIATE');
    this.#batch = true;
    setImmediate(() => this.flush());
  }

  /**
   * Commits the open batch (fsynced: synchronous=FULL), then runs the callbacks
   * waiting for it. A commit that fails (a full disk) throws: the process must not go
   * on as if its writes were kept.
   */
  flush(): void {
    if (this.#batch) {
      this.#batch = false;
      this.#db.exec('COMMIT');
    }
    for (const callback of this.#afterCommit.splice(0)) callback();
  }

  /** Runs `callback` once everything written so far is committed (at once if nothing is pending). */
  afterCommit(callback: () => void): void {
    if (this.#batch) this.#afterCommit.push(callback);
    else callback();
  }

  /** Throws RangeError unless `channel` was recorded with putChannel. */
  #requireChannel(channel: unknown): asserts channel is Uint8Array {
    checkId('channel', channel);
    const key = hex(channel);
    if (this.#known.has(key)) return;
    if (this.#stmt.hasChannel.get(channel) === undefined) throw new RangeError('unknown channel');
    this.#known.add(key);
  }

  putChannel(channel: Uint8Array, charter: Uint8Array): void {
    checkId('channel', channel);
    checkBytes('charter', charter);
    this.#begin();
    this.#stmt.insertChannel.run(channel, charter);
    this.#known.add(hex(channel));
  }

  channels(): { channel: Uint8Array; charter: Uint8Array }[] {
    return (this.#stmt.listChannels.all() as { id: Buffer; charter: Buffer }[]).map((row) => ({
      channel: bytes(row.id),
      charter: bytes(row.charter),
    }));
  }

  ownHead(channel: Uint8Array): OwnEnvelope | undefined {
    this.#requireChannel(channel);
    const row = this.#stmt.ownHead.get(channel) as OwnRow | undefined;
    return row === undefined ? undefined : ownOf(row);
  }

  addOwnEnvelope(channel: Uint8Array, envelope: OwnEnvelope): void {
    this.#requireChannel(channel);
    checkId('envelope.id', envelope.id);
    checkBytes('envelope.bytes', envelope.bytes);
    this.#begin();
    this.#addOwn(channel, envelope);
    // Durable before it is sent: this commit takes everything batched with it.
    this.flush();
  }

  ownEnvelopes(channel: Uint8Array, fromSeq = 1, limit = Number.POSITIVE_INFINITY): OwnEnvelope[] {
    this.#requireChannel(channel);
    if (!Number.isSafeInteger(fromSeq)) throw new RangeError('fromSeq must be a safe integer');
    // LIMIT -1: no limit.
    const rows = this.#stmt.ownFrom.all(channel, fromSeq, Number.isFinite(limit) ? limit : -1);
    return (rows as OwnRow[]).map(ownOf);
  }

  putEnvelope(channel: Uint8Array, id: Uint8Array, envelope: Uint8Array): boolean {
    this.#requireChannel(channel);
    checkId('id', id);
    checkBytes('bytes', envelope);
    this.#begin();
    return this.#stmt.insertEnvelope.run(channel, id, envelope).changes === 1;
  }

  envelopes(channel: Uint8Array): Uint8Array[] {
    this.#requireChannel(channel);
    return (this.#stmt.listEnvelopes.all(channel) as Buffer[]).map(bytes);
  }

  putReceipt(channel: Uint8Array, relay: Uint8Array, id: Uint8Array, receipt: Uint8Array): boolean {
    this.#requireChannel(channel);
    checkId('relay', relay);
    checkId('id', id);
    checkBytes('receipt', receipt);
    this.#begin();
    return this.#stmt.insertReceipt.run(channel, relay, id, receipt).changes === 1;
  }

  receiptRelays(id: Uint8Array): Uint8Array[] {
    checkId('id', id);
    return (this.#stmt.receiptRelays.all(id) as Buffer[]).map(bytes);
  }

  firstUnreceipted(channel: Uint8Array, relay: Uint8Array): number | undefined {
    this.#requireChannel(channel);
    checkId('relay', relay);
    return this.#stmt.firstUnreceipted.get(channel, relay) as number | undefined;
  }

  receipts(channel: Uint8Array, relay: Uint8Array): Uint8Array[] {
    this.#requireChannel(channel);
    checkId('relay', relay);
    return (this.#stmt.listReceipts.all(channel, relay) as Buffer[]).map(bytes);
  }

  appendLog(channel: Uint8Array, relay: Uint8Array, index: number, id: Uint8Array): void {
    this.#requireChannel(channel);
    checkId('relay', relay);
    checkId('id', id);
    this.#begin();
    this.#appendLog(channel, relay, index, id);
  }

  log(channel: Uint8Array, relay: Uint8Array): Uint8Array[] {
    this.#requireChannel(channel);
    checkId('relay', relay);
    return (this.#stmt.readLog.all(channel, relay) as Buffer[]).map(bytes);
  }

  putCheckpoint(channel: Uint8Array, relay: Uint8Array, checkpoint: Uint8Array): boolean {
    this.#requireChannel(channel);
    checkId('relay', relay);
    checkBytes('checkpoint', checkpoint);
    this.#begin();
    return this.#stmt.insertCheckpoint.run(channel, relay, checkpoint).changes === 1;
  }

  checkpoints(channel: Uint8Array, relay: Uint8Array): Uint8Array[] {
    this.#requireChannel(channel);
    checkId('relay', relay);
    return (this.#stmt.listCheckpoints.all(channel, relay) as Buffer[]).map(bytes);
  }

  putConsistency(channel: Uint8Array, relay: Uint8Array, record: ConsistencyRecord): void {
    this.#requireChannel(channel);
    checkId('relay', relay);
    checkCount('fromSize', record.fromSize);
    checkCount('toSize', record.toSize);
    const proof = new Uint8Array(record.proof.length * ID_LENGTH);
    record.proof.forEach((hash, i) => {
      checkId(`proof[${i}]`, hash);
      proof.set(hash, i * ID_LENGTH);
    });
    this.#begin();
    this.#stmt.insertConsistency.run(channel, relay, record.fromSize, record.toSize, proof);
  }

  consistency(channel: Uint8Array, relay: Uint8Array): ConsistencyRecord[] {
    this.#requireChannel(channel);
    checkId('relay', relay);
    const rows = this.#stmt.listConsistency.all(channel, relay) as {
      from_size: number;
      to_size: number;
      proof: Buffer;
    }[];
    return rows.map((row) => {
      const proof: Uint8Array[] = [];
      for (let at = 0; at < row.proof.length; at += ID_LENGTH) {
        proof.push(Uint8Array.prototype.slice.call(row.proof, at, at + ID_LENGTH));
      }
      return { fromSize: row.from_size, toSize: row.to_size, proof };
    });
  }

  /** The durability settings of this connection, read back from SQLite now. */
  settings(): SqliteClientStoreSettings {
    return readDurableSettings(this.#db);
  }

  /** Closes the connection (checkpointing the WAL into the file). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#db.close();
  }
}
