// Durable opening of a store's file: the settings are set and read back, the schema
// is migrated step by step, and a file this code may not use is refused with a code,
// its connection closed. The relay's and the client's store tests check the same
// through their own open functions.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import {
  type Migration,
  makeDurable,
  migrate,
  type StoreKind,
  StoreOpenError,
} from '../src/index.js';

const NOTES: StoreKind = { applicationId: 0x4e4f_5445, name: 'notes store' };
const OTHER: StoreKind = { applicationId: 0x4f54_4852, name: 'other store' };
const SCHEMA: readonly Migration[] = [
  {
    name: 'notes',
    sql: `CREATE TABLE notes (body TEXT); PRAGMA application_id = ${NOTES.applicationId};`,
  },
];

let dir = '';
let n = 0;
const dbPath = () => join(dir, `db-${++n}.sqlite`);
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hotline-sqlite-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The error `run` throws (fails the test if it throws none). */
function thrown(run: () => unknown): Error & { code?: string } {
  try {
    run();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('@hotline/sqlite: makeDurable', () => {
  it('sets WAL, synchronous=FULL, fullfsync, foreign keys and the busy timeout, and migrates', () => {
    const db = new Database(dbPath());
    try {
      const settings = makeDurable(db, { busyTimeoutMs: 1500, kind: NOTES, migrations: SCHEMA });
      expect(settings).to.deep.equal({
        journalMode: 'wal',
        synchronous: 2,
        foreignKeys: 1,
        fullfsync: 1,
        busyTimeoutMs: 1500,
        walAutoCheckpoint: 1000,
        schemaVersion: 1,
      });
      expect(db.pragma('application_id', { simple: true })).to.equal(NOTES.applicationId);
    } finally {
      db.close();
    }
  });

  it('turns the automatic checkpoint off when another connection checkpoints', () => {
    const db = new Database(dbPath());
    try {
      const settings = makeDurable(db, {
        busyTimeoutMs: 0,
        noAutoCheckpoint: true,
        kind: NOTES,
        migrations: SCHEMA,
      });
      expect(settings.walAutoCheckpoint).to.equal(0);
    } finally {
      db.close();
    }
  });

  it('refuses a setting that does not take (in memory: no WAL) and closes the connection', () => {
    const db = new Database(':memory:');
    const error = thrown(() =>
      makeDurable(db, { busyTimeoutMs: 0, kind: NOTES, migrations: SCHEMA }),
    );
    expect(error).to.be.instanceOf(StoreOpenError);
    expect(error.code).to.equal('STORE_PRAGMA_REJECTED');
    expect(error.message).to.match(/journalMode is memory/);
    expect(db.open).to.equal(false);
  });

  it("refuses another store's file, and a newer schema, changing nothing", () => {
    const path = dbPath();
    makeDurable(new Database(path), { busyTimeoutMs: 0, kind: NOTES, migrations: SCHEMA });
    const other = new Database(path);
    const foreign = thrown(() =>
      makeDurable(other, { busyTimeoutMs: 0, kind: OTHER, migrations: [] }),
    );
    expect(foreign.code).to.equal('STORE_FOREIGN_DATABASE');
    expect(foreign.message).to.include('not a Hotline other store');
    expect(other.open).to.equal(false);

    const raw = new Database(path);
    raw.pragma('user_version = 5');
    raw.close();
    const newer = new Database(path);
    const tooNew = thrown(() =>
      makeDurable(newer, { busyTimeoutMs: 0, kind: NOTES, migrations: SCHEMA }),
    );
    expect(tooNew.code).to.equal('STORE_SCHEMA_TOO_NEW');
    expect(tooNew.message).to.include("notes store's schema version 5");
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).to.equal(5);
    check.close();
  });
});

describe('@hotline/sqlite: migrate', () => {
  it('applies each migration once, in its own transaction', () => {
    const db = new Database(dbPath());
    try {
      const good = { name: 'add a table', sql: 'CREATE TABLE extra (a INTEGER);' };
      const bad = {
        name: 'fails half-way',
        sql: 'CREATE TABLE half (a INTEGER); INSERT INTO missing VALUES (1);',
      };
      expect(() => migrate(db, NOTES, [...SCHEMA, good, bad]))
        .to.throw()
        .with.property('code', 'SQLITE_ERROR');
      // The first two steps stay; the failed one left nothing behind.
      expect(db.pragma('user_version', { simple: true })).to.equal(2);
      const names = db.prepare('SELECT name FROM sqlite_schema').pluck().all();
      expect(names).to.include('extra');
      expect(names).to.not.include('half');
      // Running again applies nothing twice (CREATE TABLE extra would fail).
      expect(migrate(db, NOTES, [...SCHEMA, good])).to.equal(2);
    } finally {
      db.close();
    }
  });

  it('takes an empty file (application_id 0, version 0) as new', () => {
    const db = new Database(dbPath());
    try {
      expect(migrate(db, NOTES, SCHEMA)).to.equal(1);
    } finally {
      db.close();
    }
  });
});
