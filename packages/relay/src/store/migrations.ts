import type BetterSqlite3 from 'better-sqlite3';

// The SQLite store's schema, as an ordered list of migrations. The database's
// `PRAGMA user_version` is the number of migrations applied; opening applies the
// missing ones, each in its own transaction, and refuses a database that is newer
// than this code. A migration, once released, is never edited: a change is a new
// step at the end of the list.

/** The `application_id` header field of a relay store ("HOTL"): marks the file as ours. */
export const APPLICATION_ID = 0x484f_544c;

/** One step of the schema: SQL run in one transaction, then user_version = its position. */
export interface Migration {
  /** What the step does, for logs and errors. */
  readonly name: string;
  readonly sql: string;
}

// Why each table has the shape it has:
// - ids, keys and hashes are 32-byte blobs; CHECK constraints keep a wrong value out
//   even when a caller's bug slips past its own checks;
// - entries keep their rowid: a row carries the envelope (up to tens of KiB), and a
//   WITHOUT ROWID table would copy such rows into its interior pages. The primary key
//   (channel, idx) is an index that readEntries scans by range; the two UNIQUE
//   constraints are the indexes of findById and findBySenderSeq/chainHead, and they
//   also forbid a second envelope at one id or at one (sender, seq) of a channel;
// - nodes and checkpoints are small rows looked up by their whole key: WITHOUT ROWID
//   stores each once, in its primary-key b-tree;
// - evidence is append-only, read per channel in arrival order; `kind` is not
//   limited to today's values, so a new kind needs no table rebuild.
export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'initial schema',
    sql: `
CREATE TABLE channels (
  id BLOB PRIMARY KEY CHECK (typeof(id) = 'blob' AND length(id) = 32),
  charter BLOB NOT NULL CHECK (typeof(charter) = 'blob'),
  size INTEGER NOT NULL CHECK (typeof(size) = 'integer' AND size >= 0)
);

CREATE TABLE entries (
  channel BLOB NOT NULL REFERENCES channels (id),
  idx INTEGER NOT NULL CHECK (typeof(idx) = 'integer' AND idx >= 0),
  id BLOB NOT NULL CHECK (typeof(id) = 'blob' AND length(id) = 32),
  sender BLOB NOT NULL CHECK (typeof(sender) = 'blob' AND length(sender) = 32),
  seq INTEGER NOT NULL CHECK (typeof(seq) = 'integer' AND seq >= 0),
  envelope BLOB NOT NULL CHECK (typeof(envelope) = 'blob'),
  PRIMARY KEY (channel, idx),
  UNIQUE (channel, id),
  UNIQUE (channel, sender, seq)
);

CREATE TABLE nodes (
  channel BLOB NOT NULL REFERENCES channels (id),
  level INTEGER NOT NULL CHECK (typeof(level) = 'integer' AND level BETWEEN 0 AND 63),
  idx INTEGER NOT NULL CHECK (typeof(idx) = 'integer' AND idx >= 0),
  hash BLOB NOT NULL CHECK (typeof(hash) = 'blob' AND length(hash) = 32),
  PRIMARY KEY (channel, level, idx)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  channel BLOB NOT NULL REFERENCES channels (id),
  size INTEGER NOT NULL CHECK (typeof(size) = 'integer' AND size >= 0),
  checkpoint BLOB NOT NULL CHECK (typeof(checkpoint) = 'blob'),
  PRIMARY KEY (channel, size)
) WITHOUT ROWID;

CREATE TABLE evidence (
  channel BLOB NOT NULL REFERENCES channels (id),
  kind TEXT NOT NULL CHECK (typeof(kind) = 'text'),
  existing_id BLOB NOT NULL CHECK (typeof(existing_id) = 'blob' AND length(existing_id) = 32),
  envelope BLOB NOT NULL CHECK (typeof(envelope) = 'blob'),
  time INTEGER NOT NULL CHECK (typeof(time) = 'integer' AND time >= 0)
);
CREATE INDEX evidence_by_channel ON evidence (channel);

PRAGMA application_id = ${APPLICATION_ID};
`,
  },
];

/** The schema version this code writes and reads: the number of migrations. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export type StoreOpenErrorCode =
  /** The database's user_version is above SCHEMA_VERSION: written by newer code. */
  | 'STORE_SCHEMA_TOO_NEW'
  /** The file is a SQLite database of another application. */
  | 'STORE_FOREIGN_DATABASE'
  /** A durability pragma did not take the value that was set. */
  | 'STORE_PRAGMA_REJECTED';

/** Why a store refused to open. The database is closed before it is thrown. */
export class StoreOpenError extends Error {
  readonly code: StoreOpenErrorCode;

  constructor(code: StoreOpenErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Brings the database to the last version of `migrations`: each missing step runs
 * in its own IMMEDIATE transaction together with its user_version bump, so a failed
 * step leaves the database at the previous version and another process opening the
 * same file at the same time waits (busy timeout) and then skips what is done.
 * Throws StoreOpenError (STORE_SCHEMA_TOO_NEW, STORE_FOREIGN_DATABASE) without
 * changing anything when the file is not one this code may write.
 */
export function migrate(
  db: BetterSqlite3.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  const known = migrations.length;
  const check = (): number => {
    const version = db.pragma('user_version', { simple: true }) as number;
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (version > known) {
      throw new StoreOpenError(
        'STORE_SCHEMA_TOO_NEW',
        `database schema version ${version} is newer than this relay knows (${known}); ` +
          'run a newer relay or restore a backup',
      );
    }
    if (appId !== APPLICATION_ID && (appId !== 0 || version !== 0)) {
      throw new StoreOpenError(
        'STORE_FOREIGN_DATABASE',
        `the file is a SQLite database of another application (application_id ${appId}, ` +
          `user_version ${version})`,
      );
    }
    return version;
  };
  let version = check();
  while (version < known) {
    const step = migrations[version]!;
    db.transaction(() => {
      // Re-read under the write lock: another process may have migrated meanwhile.
      const current = check();
      if (current !== version) return;
      db.exec(step.sql);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
    version = check();
  }
  return version;
}
