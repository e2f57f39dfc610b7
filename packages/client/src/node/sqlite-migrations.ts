import type BetterSqlite3 from 'better-sqlite3';
import { StoreOpenError } from './store-open-error.js';

// The client store's schema, as an ordered list of migrations. The database's
// `PRAGMA user_version` is the number of migrations applied; opening applies the
// missing ones, each in its own transaction, and refuses a database that is newer
// than this code. A migration, once released, is never edited: a change is a new
// step at the end of the list.

/**
 * The `application_id` header field of a client store ("HOTC"). A relay's store
 * says "HOTL", so neither opens the other's file by mistake.
 */
export const CLIENT_APPLICATION_ID = 0x484f_5443;

/** One step of the schema: SQL run in one transaction, then user_version = its position. */
export interface ClientMigration {
  /** What the step does, for logs and errors. */
  readonly name: string;
  readonly sql: string;
}

// Why each table has the shape it has:
// - channel ids, relay keys and envelope ids are 32-byte blobs; CHECK constraints
//   keep a malformed value out even when a caller's bug slips past the store's checks;
// - every table that is read back "in the order recorded" keeps its rowid: rows are
//   never deleted, so rowid order is insertion order;
// - own_envelopes: UNIQUE (channel, seq) is the last line of defence against signing
//   one seq twice (the store checks seq = head + 1 first, in the same transaction),
//   and its index serves ownHead (ORDER BY seq DESC LIMIT 1) and ownEnvelopes;
// - envelopes: UNIQUE (channel, id) makes putEnvelope idempotent; the index on
//   (channel) returns a channel's envelopes in rowid order without a sort;
// - receipts: UNIQUE (channel, relay, id) makes putReceipt idempotent; the index on
//   (id) serves receiptRelays, which asks across channels;
// - log: small rows read by their whole key: WITHOUT ROWID stores each once;
// - checkpoints: idempotent on the same bytes (UNIQUE on the blob; checkpoints are
//   small);
// - consistency: a proof is its 32-byte hashes concatenated, in order.
export const CLIENT_MIGRATIONS: readonly ClientMigration[] = [
  {
    name: 'initial schema',
    sql: `
CREATE TABLE channels (
  id BLOB NOT NULL PRIMARY KEY CHECK (typeof(id) = 'blob' AND length(id) = 32),
  charter BLOB NOT NULL CHECK (typeof(charter) = 'blob')
);

CREATE TABLE own_envelopes (
  channel BLOB NOT NULL REFERENCES channels (id),
  seq INTEGER NOT NULL CHECK (typeof(seq) = 'integer' AND seq >= 1),
  id BLOB NOT NULL CHECK (typeof(id) = 'blob' AND length(id) = 32),
  envelope BLOB NOT NULL CHECK (typeof(envelope) = 'blob'),
  UNIQUE (channel, seq)
);

CREATE TABLE envelopes (
  channel BLOB NOT NULL REFERENCES channels (id),
  id BLOB NOT NULL CHECK (typeof(id) = 'blob' AND length(id) = 32),
  envelope BLOB NOT NULL CHECK (typeof(envelope) = 'blob'),
  UNIQUE (channel, id)
);
CREATE INDEX envelopes_by_channel ON envelopes (channel);

CREATE TABLE receipts (
  channel BLOB NOT NULL REFERENCES channels (id),
  relay BLOB NOT NULL CHECK (typeof(relay) = 'blob' AND length(relay) = 32),
  id BLOB NOT NULL CHECK (typeof(id) = 'blob' AND length(id) = 32),
  receipt BLOB NOT NULL CHECK (typeof(receipt) = 'blob'),
  UNIQUE (channel, relay, id)
);
CREATE INDEX receipts_by_id ON receipts (id);

CREATE TABLE log (
  channel BLOB NOT NULL REFERENCES channels (id),
  relay BLOB NOT NULL CHECK (typeof(relay) = 'blob' AND length(relay) = 32),
  idx INTEGER NOT NULL CHECK (typeof(idx) = 'integer' AND idx >= 0),
  id BLOB NOT NULL CHECK (typeof(id) = 'blob' AND length(id) = 32),
  PRIMARY KEY (channel, relay, idx)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  channel BLOB NOT NULL REFERENCES channels (id),
  relay BLOB NOT NULL CHECK (typeof(relay) = 'blob' AND length(relay) = 32),
  checkpoint BLOB NOT NULL CHECK (typeof(checkpoint) = 'blob'),
  UNIQUE (channel, relay, checkpoint)
);

CREATE TABLE consistency (
  channel BLOB NOT NULL REFERENCES channels (id),
  relay BLOB NOT NULL CHECK (typeof(relay) = 'blob' AND length(relay) = 32),
  from_size INTEGER NOT NULL CHECK (typeof(from_size) = 'integer' AND from_size >= 0),
  to_size INTEGER NOT NULL CHECK (typeof(to_size) = 'integer' AND to_size >= 0),
  proof BLOB NOT NULL CHECK (typeof(proof) = 'blob' AND length(proof) % 32 = 0)
);
CREATE INDEX consistency_by_relay ON consistency (channel, relay);

PRAGMA application_id = ${CLIENT_APPLICATION_ID};
`,
  },
];

/** The schema version this code writes and reads: the number of migrations. */
export const CLIENT_SCHEMA_VERSION = CLIENT_MIGRATIONS.length;

/**
 * Brings the database to the last version of `migrations`: each missing step runs
 * in its own IMMEDIATE transaction together with its user_version bump, so a failed
 * step leaves the database at the previous version, and another process opening the
 * same file at the same time waits (busy timeout) and then skips what is done.
 * Throws StoreOpenError (STORE_SCHEMA_TOO_NEW, STORE_FOREIGN_DATABASE) without
 * changing anything when the file is not one this code may write. Returns the
 * version reached.
 */
export function migrateClientStore(
  db: BetterSqlite3.Database,
  migrations: readonly ClientMigration[] = CLIENT_MIGRATIONS,
): number {
  const known = migrations.length;
  const check = (): number => {
    const version = db.pragma('user_version', { simple: true }) as number;
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== CLIENT_APPLICATION_ID && (appId !== 0 || version !== 0)) {
      throw new StoreOpenError(
        'STORE_FOREIGN_DATABASE',
        `the file is not a Hotline client store (application_id ${appId}, ` +
          `user_version ${version})`,
      );
    }
    if (version > known) {
      throw new StoreOpenError(
        'STORE_SCHEMA_TOO_NEW',
        `the store's schema version ${version} is newer than this client knows (${known}); ` +
          'run a newer client or restore a backup',
      );
    }
    return version;
  };
  let version = check();
  while (version < known) {
    const step = migrations[version]!;
    db.transaction(() => {
      // Re-read under the write lock: another process may have migrated meanwhile.
      if (check() !== version) return;
      db.exec(step.sql);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
    version = check();
  }
  return version;
}
