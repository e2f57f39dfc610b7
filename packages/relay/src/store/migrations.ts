import { type Migration, migrate as migrateStore, type StoreKind } from '@hotline/sqlite';
import type BetterSqlite3 from 'better-sqlite3';

export { type Migration, StoreOpenError, type StoreOpenErrorCode } from '@hotline/sqlite';

// The relay store's schema, as an ordered list of migrations (how they are applied,
// and what a released one may not do: @hotline/sqlite's migrate).

/** The `application_id` header field of a relay store ("HOTL"): marks the file as ours. */
export const APPLICATION_ID = 0x484f_544c;

/** What migrate() checks the file's header against. */
export const RELAY_STORE: StoreKind = { applicationId: APPLICATION_ID, name: 'relay store' };

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

/** Brings a relay store's database to the last of `migrations` (@hotline/sqlite's migrate). */
export function migrate(
  db: BetterSqlite3.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  return migrateStore(db, RELAY_STORE, migrations);
}
