import { type Migration, migrate, type StoreKind } from '@hotline/sqlite';
import type BetterSqlite3 from 'better-sqlite3';

// The client store's schema, as an ordered list of migrations (how they are applied,
// and what a released one may not do: @hotline/sqlite's migrate).

/**
 * The `application_id` header field of a client store ("HOTC"). A relay's store
 * says "HOTL", so neither opens the other's file by mistake.
 */
export const CLIENT_APPLICATION_ID = 0x484f_5443;

/** One step of the schema: SQL run in one transaction, then user_version = its position. */
export type ClientMigration = Migration;

/** What migrate() checks the file's header against. */
export const CLIENT_STORE: StoreKind = {
  applicationId: CLIENT_APPLICATION_ID,
  name: 'client store',
};

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

/** Brings a client store's database to the last of `migrations` (@hotline/sqlite's migrate). */
export function migrateClientStore(
  db: BetterSqlite3.Database,
  migrations: readonly ClientMigration[] = CLIENT_MIGRATIONS,
): number {
  return migrate(db, CLIENT_STORE, migrations);
}
