// The settings that make a commit durable, set on every open of a store's file and
// read back: only journal_mode is stored in the file, and this build of
// better-sqlite3 opens WAL databases at synchronous=NORMAL, under which a commit is
// not fsynced and a power loss can undo it after the relay sent its receipt (or the
// client sent its envelope).

import type Database from 'better-sqlite3';
import { StoreOpenError } from './errors.js';
import { type Migration, migrate, type StoreKind } from './migrate.js';

/** The connection's durability settings, as read back from SQLite. */
export interface DurableSettings {
  /** `wal` */
  readonly journalMode: string;
  /** 2 = FULL: every commit fsyncs the write-ahead log. */
  readonly synchronous: number;
  /** 1: REFERENCES constraints are enforced. */
  readonly foreignKeys: number;
  /** 1: fsync is F_FULLFSYNC where the platform has it (macOS); a no-op elsewhere. */
  readonly fullfsync: number;
  readonly busyTimeoutMs: number;
  /** WAL pages past which a commit checkpoints (SQLite's default 1000); 0: never. */
  readonly walAutoCheckpoint: number;
  /** The schema version (`PRAGMA user_version`). */
  readonly schemaVersion: number;
}

export interface DurableOptions {
  /** How long a statement waits for another connection's lock, ms. */
  readonly busyTimeoutMs: number;
  /** Turn SQLite's automatic checkpoint off: another connection checkpoints. */
  readonly noAutoCheckpoint?: boolean;
  readonly kind: StoreKind;
  readonly migrations: readonly Migration[];
}

const SYNCHRONOUS_FULL = 2;

/**
 * Makes an open connection durable: WAL, synchronous=FULL, fullfsync, foreign keys,
 * the busy timeout (and no automatic checkpoint if asked); reads each back; then
 * migrates the schema. On any failure the connection is closed and the error
 * rethrown: StoreOpenError with STORE_PRAGMA_REJECTED (a setting did not take, e.g.
 * WAL on a `:memory:` database or on a file system without shared memory),
 * STORE_FOREIGN_DATABASE or STORE_SCHEMA_TOO_NEW.
 */
export function makeDurable(db: Database.Database, options: DurableOptions): DurableSettings {
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${SYNCHRONOUS_FULL}`);
    db.pragma('fullfsync = ON');
    db.pragma('foreign_keys = ON');
    if (options.noAutoCheckpoint === true) db.pragma('wal_autocheckpoint = 0');
    const expected: Partial<Record<keyof DurableSettings, string | number>> = {
      journalMode: 'wal',
      synchronous: SYNCHRONOUS_FULL,
      foreignKeys: 1,
      fullfsync: 1,
      busyTimeoutMs: options.busyTimeoutMs,
    };
    const actual = readDurableSettings(db);
    for (const [name, value] of Object.entries(expected)) {
      const got = actual[name as keyof DurableSettings];
      if (got !== value) {
        throw new StoreOpenError(
          'STORE_PRAGMA_REJECTED',
          `${name} is ${String(got)} after setting it to ${String(value)}`,
        );
      }
    }
    migrate(db, options.kind, options.migrations);
    return readDurableSettings(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The durability settings of a connection, read back from SQLite now. */
export function readDurableSettings(db: Database.Database): DurableSettings {
  const read = (name: string): unknown => db.pragma(name, { simple: true });
  return {
    journalMode: String(read('journal_mode')).toLowerCase(),
    synchronous: read('synchronous') as number,
    foreignKeys: read('foreign_keys') as number,
    fullfsync: read('fullfsync') as number,
    busyTimeoutMs: read('busy_timeout') as number,
    walAutoCheckpoint: read('wal_autocheckpoint') as number,
    schemaVersion: read('user_version') as number,
  };
}

/** Throws RangeError unless `value` is a non-negative safe integer. */
export function checkCount(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer`);
  }
}
