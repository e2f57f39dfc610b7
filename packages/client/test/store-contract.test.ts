// The ClientStore contract (src/store/types.ts), run against every implementation:
// whatever the client does with one store it can do with another. Then what only
// the SQLite store promises: the file survives the process (reopen, SIGKILL), its
// durability settings, its schema version and its file mode.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '@hotline/relay';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import {
  CLIENT_APPLICATION_ID,
  CLIENT_SCHEMA_VERSION,
  openSqliteClientStore,
  StoreOpenError,
} from '../src/node/index.js';
import { CLIENT_STATEMENTS } from '../src/node/sqlite-store.js';
import { MemoryClientStore } from '../src/store/memory.js';
import type { ClientStore, ConsistencyRecord } from '../src/store/types.js';
import { CRASH_CHANNEL, ownEnvelopeFor } from './_own-chain.js';

const CHILD = fileURLToPath(new URL('./_child-client-store.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

let dir = '';
let fileNo = 0;
const dbPath = (): string => join(dir, `client-${++fileNo}.sqlite`);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hotline-client-store-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** 32 bytes, all `fill`: a channel id, relay key or envelope id. */
const id32 = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);
/** `length` bytes that differ from position to position and from seed to seed. */
function blob(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed * 97 + i * 13) & 0xff;
  return out;
}

const CH_A = id32(0xa1);
const CH_B = id32(0xb2);
const CH_UNKNOWN = id32(0xee);
const RELAY_1 = id32(0x01);
const RELAY_2 = id32(0x02);
const RELAY_3 = id32(0x03);
const CHARTER_A = blob(1, 300);
const CHARTER_B = blob(2, 180);

const own = (seq: number) => ({ seq, id: id32(0x40 + seq), bytes: blob(100 + seq, 50 + seq) });

/** Asserts that `run` throws a RangeError. */
function expectRangeError(run: () => unknown): void {
  expect(run).to.throw(RangeError);
}

const STORES: [string, () => ClientStore][] = [
  ['MemoryClientStore', () => new MemoryClientStore()],
  ['SqliteClientStore', () => openSqliteClientStore(dbPath())],
];

for (const [name, open] of STORES) {
  describe(`${name} (ClientStore contract)`, () => {
    let store: ClientStore;

    beforeEach(() => {
      store = open();
      store.putChannel(CH_A, CHARTER_A);
    });
    afterEach(() => {
      store.close();
    });

    it('records each channel once, keeping its first charter, in insertion order', () => {
      store.putChannel(CH_B, CHARTER_B);
      store.putChannel(CH_A, blob(9, 10)); // a second charter for A is ignored
      store.putChannel(CH_B, CHARTER_B);
      expect(store.channels()).to.deep.equal([
        { channel: CH_A, charter: CHARTER_A },
        { channel: CH_B, charter: CHARTER_B },
      ]);
    });

    it('refuses anything of a channel it has not recorded (RangeError)', () => {
      expectRangeError(() => store.ownHead(CH_UNKNOWN));
      expectRangeError(() => store.addOwnEnvelope(CH_UNKNOWN, own(1)));
      expectRangeError(() => store.putEnvelope(CH_UNKNOWN, id32(1), blob(1, 10)));
      expectRangeError(() => store.putReceipt(CH_UNKNOWN, RELAY_1, id32(1), blob(1, 10)));
      expectRangeError(() => store.appendLog(CH_UNKNOWN, RELAY_1, 0, id32(1)));
      expectRangeError(() => store.putCheckpoint(CH_UNKNOWN, RELAY_1, blob(1, 10)));
      // Nothing was recorded on the way.
      store.putChannel(CH_UNKNOWN, CHARTER_B);
      expect(store.ownHead(CH_UNKNOWN)).to.equal(undefined);
      expect(store.envelopes(CH_UNKNOWN)).to.deep.equal([]);
      expect(store.log(CH_UNKNOWN, RELAY_1)).to.deep.equal([]);
    });

    describe('own chain', () => {
      it('starts empty and accepts only seq 1 first', () => {
        expect(store.ownHead(CH_A)).to.equal(undefined);
        expect(store.ownEnvelopes(CH_A)).to.deep.equal([]);
        expectRangeError(() => store.addOwnEnvelope(CH_A, own(0)));
        expectRangeError(() => store.addOwnEnvelope(CH_A, own(2)));
        expect(store.ownHead(CH_A)).to.equal(undefined);
        store.addOwnEnvelope(CH_A, own(1));
        expect(store.ownHead(CH_A)).to.deep.equal(own(1));
      });

      it('accepts only head + 1: a repeat, a gap or a step back changes nothing', () => {
        for (const seq of [1, 2, 3]) store.addOwnEnvelope(CH_A, own(seq));
        expectRangeError(() => store.addOwnEnvelope(CH_A, own(3)));
        // The same seq with other bytes is the fork this rule exists to prevent.
        expectRangeError(() => store.addOwnEnvelope(CH_A, { ...own(3), bytes: blob(7, 9) }));
        expectRangeError(() => store.addOwnEnvelope(CH_A, own(5)));
        expectRangeError(() => store.addOwnEnvelope(CH_A, own(2)));
        expectRangeError(() => store.addOwnEnvelope(CH_A, { ...own(4), seq: 3.5 }));
        expect(store.ownHead(CH_A)).to.deep.equal(own(3));
        expect(store.ownEnvelopes(CH_A)).to.deep.equal([own(1), own(2), own(3)]);
        store.addOwnEnvelope(CH_A, own(4));
        expect(store.ownHead(CH_A)).to.deep.equal(own(4));
      });

      it('returns the envelopes from a seq on, ascending', () => {
        for (const seq of [1, 2, 3, 4]) store.addOwnEnvelope(CH_A, own(seq));
        expect(store.ownEnvelopes(CH_A, 1)).to.deep.equal([own(1), own(2), own(3), own(4)]);
        expect(store.ownEnvelopes(CH_A, 3)).to.deep.equal([own(3), own(4)]);
        expect(store.ownEnvelopes(CH_A, 4)).to.deep.equal([own(4)]);
        expect(store.ownEnvelopes(CH_A, 5)).to.deep.equal([]);
        expect(store.ownEnvelopes(CH_A, 2, 1)).to.deep.equal([own(2)]);
        expect(store.ownEnvelopes(CH_A, 3, 5)).to.deep.equal([own(3), own(4)]);
      });

      it('keeps one chain per channel', () => {
        store.putChannel(CH_B, CHARTER_B);
        store.addOwnEnvelope(CH_A, own(1));
        store.addOwnEnvelope(CH_A, own(2));
        expectRangeError(() => store.addOwnEnvelope(CH_B, own(3)));
        store.addOwnEnvelope(CH_B, own(1));
        expect(store.ownHead(CH_A)?.seq).to.equal(2);
        expect(store.ownHead(CH_B)?.seq).to.equal(1);
        expect(store.ownEnvelopes(CH_B)).to.deep.equal([own(1)]);
      });
    });

    it('putEnvelope: true once, then false (first bytes kept); listed in recorded order', () => {
      store.putChannel(CH_B, CHARTER_B);
      // Ids deliberately not in ascending order: the order is the recording order.
      expect(store.putEnvelope(CH_A, id32(0x90), blob(1, 40))).to.equal(true);
      expect(store.putEnvelope(CH_A, id32(0x10), blob(2, 41))).to.equal(true);
      expect(store.putEnvelope(CH_A, id32(0x90), blob(3, 42))).to.equal(false);
      expect(store.putEnvelope(CH_A, id32(0x50), blob(4, 43))).to.equal(true);
      // The same id on another channel is another record.
      expect(store.putEnvelope(CH_B, id32(0x90), blob(5, 44))).to.equal(true);
      expect(store.envelopes(CH_A)).to.deep.equal([blob(1, 40), blob(2, 41), blob(4, 43)]);
      expect(store.envelopes(CH_B)).to.deep.equal([blob(5, 44)]);
    });

    it('putReceipt: true once per (channel, relay, id), then false', () => {
      const id = id32(0x77);
      expect(store.putReceipt(CH_A, RELAY_1, id, blob(1, 90))).to.equal(true);
      expect(store.putReceipt(CH_A, RELAY_1, id, blob(2, 90))).to.equal(false);
      expect(store.putReceipt(CH_A, RELAY_2, id, blob(3, 90))).to.equal(true);
      expect(store.putReceipt(CH_A, RELAY_1, id32(0x78), blob(4, 90))).to.equal(true);
      expect(store.receipts(CH_A, RELAY_1)).to.deep.equal([blob(1, 90), blob(4, 90)]);
      expect(store.receipts(CH_A, RELAY_2)).to.deep.equal([blob(3, 90)]);
      expect(store.receipts(CH_A, RELAY_3)).to.deep.equal([]);
    });

    it('receiptRelays: each relay that receipted the id, once', () => {
      const id = id32(0x77);
      store.putChannel(CH_B, CHARTER_B);
      store.putReceipt(CH_A, RELAY_2, id, blob(1, 90));
      store.putReceipt(CH_A, RELAY_1, id, blob(2, 90));
      store.putReceipt(CH_A, RELAY_2, id, blob(3, 90)); // a repeat
      store.putReceipt(CH_B, RELAY_2, id, blob(4, 90)); // same relay, another channel
      store.putReceipt(CH_A, RELAY_3, id32(0x78), blob(5, 90)); // another id
      const hex = (keys: Uint8Array[]) => keys.map((k) => Buffer.from(k).toString('hex')).sort();
      expect(hex(store.receiptRelays(id))).to.deep.equal(hex([RELAY_1, RELAY_2]));
      expect(store.receiptRelays(id32(0x78))).to.deep.equal([RELAY_3]);
      expect(store.receiptRelays(id32(0x79))).to.deep.equal([]);
    });

    it('firstUnreceipted: the lowest own seq a relay has not receipted, per relay and channel', () => {
      store.putChannel(CH_B, CHARTER_B);
      expect(store.firstUnreceipted(CH_A, RELAY_1)).to.equal(undefined); // nothing own yet
      for (let seq = 1; seq <= 5; seq++) store.addOwnEnvelope(CH_A, own(seq));
      expect(store.firstUnreceipted(CH_A, RELAY_1)).to.equal(1);
      for (const seq of [1, 2, 4]) store.putReceipt(CH_A, RELAY_1, own(seq).id, blob(seq, 90));
      store.putReceipt(CH_A, RELAY_2, own(1).id, blob(9, 90));
      store.putReceipt(CH_B, RELAY_1, own(3).id, blob(8, 90)); // another channel's receipt
      expect(store.firstUnreceipted(CH_A, RELAY_1)).to.equal(3); // a hole below a later receipt
      expect(store.firstUnreceipted(CH_A, RELAY_2)).to.equal(2);
      expect(store.firstUnreceipted(CH_A, RELAY_3)).to.equal(1);
      for (const seq of [3, 5]) store.putReceipt(CH_A, RELAY_1, own(seq).id, blob(seq, 90));
      expect(store.firstUnreceipted(CH_A, RELAY_1)).to.equal(undefined);
      expect(store.firstUnreceipted(CH_B, RELAY_1)).to.equal(undefined);
      expectRangeError(() => store.firstUnreceipted(CH_UNKNOWN, RELAY_1));
    });

    it('appendLog: a contiguous prefix per (channel, relay), RangeError otherwise', () => {
      expectRangeError(() => store.appendLog(CH_A, RELAY_1, 1, id32(0x20)));
      store.appendLog(CH_A, RELAY_1, 0, id32(0x20));
      store.appendLog(CH_A, RELAY_1, 1, id32(0x21));
      expectRangeError(() => store.appendLog(CH_A, RELAY_1, 1, id32(0x22))); // repeat
      expectRangeError(() => store.appendLog(CH_A, RELAY_1, 3, id32(0x22))); // gap
      expectRangeError(() => store.appendLog(CH_A, RELAY_1, -1, id32(0x22)));
      store.appendLog(CH_A, RELAY_1, 2, id32(0x22));
      store.appendLog(CH_A, RELAY_2, 0, id32(0x30)); // another relay's log starts at 0
      expect(store.log(CH_A, RELAY_1)).to.deep.equal([id32(0x20), id32(0x21), id32(0x22)]);
      expect(store.log(CH_A, RELAY_2)).to.deep.equal([id32(0x30)]);
      expect(store.log(CH_A, RELAY_3)).to.deep.equal([]);
    });

    it('putCheckpoint: true for new bytes, false for the same bytes again', () => {
      expect(store.putCheckpoint(CH_A, RELAY_1, blob(1, 120))).to.equal(true);
      expect(store.putCheckpoint(CH_A, RELAY_1, blob(2, 120))).to.equal(true);
      expect(store.putCheckpoint(CH_A, RELAY_1, blob(1, 120))).to.equal(false);
      expect(store.putCheckpoint(CH_A, RELAY_2, blob(1, 120))).to.equal(true);
      expect(store.checkpoints(CH_A, RELAY_1)).to.deep.equal([blob(1, 120), blob(2, 120)]);
      expect(store.checkpoints(CH_A, RELAY_2)).to.deep.equal([blob(1, 120)]);
    });

    it('consistency records round-trip with their proofs, in recorded order', () => {
      const records: ConsistencyRecord[] = [
        { fromSize: 0, toSize: 5, proof: [] },
        { fromSize: 5, toSize: 9, proof: [id32(0x61), id32(0x62), id32(0x63)] },
        { fromSize: 3, toSize: 9, proof: [id32(0x64)] },
      ];
      for (const record of records) store.putConsistency(CH_A, RELAY_1, record);
      expect(store.consistency(CH_A, RELAY_1)).to.deep.equal(records);
      expect(store.consistency(CH_A, RELAY_2)).to.deep.equal([]);
    });

    it("keeps copies: changing the caller's arrays after a put changes nothing stored", () => {
      const channel = id32(0xc1);
      const charter = blob(1, 30);
      const ownId = id32(0x41);
      const ownBytes = blob(2, 30);
      const envId = id32(0x42);
      const envBytes = blob(3, 30);
      const relay = id32(0x43);
      const receipt = blob(4, 30);
      const logId = id32(0x44);
      const checkpoint = blob(5, 30);
      const proof = [id32(0x45)];
      store.putChannel(channel, charter);
      store.addOwnEnvelope(channel, { seq: 1, id: ownId, bytes: ownBytes });
      store.putEnvelope(channel, envId, envBytes);
      store.putReceipt(channel, relay, envId, receipt);
      store.appendLog(channel, relay, 0, logId);
      store.putCheckpoint(channel, relay, checkpoint);
      store.putConsistency(channel, relay, { fromSize: 1, toSize: 2, proof });
      const inputs = [charter, ownId, ownBytes, envBytes, relay, receipt, logId, checkpoint];
      for (const input of [...inputs, ...proof]) input.fill(0xff);

      expect(store.channels().at(-1)?.charter).to.deep.equal(blob(1, 30));
      expect(store.ownHead(channel)).to.deep.equal({ seq: 1, id: id32(0x41), bytes: blob(2, 30) });
      expect(store.envelopes(channel)).to.deep.equal([blob(3, 30)]);
      expect(store.receiptRelays(id32(0x42))).to.deep.equal([id32(0x43)]);
      expect(store.receipts(channel, id32(0x43))).to.deep.equal([blob(4, 30)]);
      expect(store.log(channel, id32(0x43))).to.deep.equal([id32(0x44)]);
      expect(store.checkpoints(channel, id32(0x43))).to.deep.equal([blob(5, 30)]);
      expect(store.consistency(channel, id32(0x43))).to.deep.equal([
        { fromSize: 1, toSize: 2, proof: [id32(0x45)] },
      ]);
    });
  });
}

describe('SqliteClientStore (file)', () => {
  /** Everything a store can hold, on two channels and two relays. */
  function seed(store: ClientStore): void {
    store.putChannel(CH_A, CHARTER_A);
    store.putChannel(CH_B, CHARTER_B);
    for (const seq of [1, 2, 3]) store.addOwnEnvelope(CH_A, own(seq));
    store.addOwnEnvelope(CH_B, own(1));
    store.putEnvelope(CH_A, id32(0x90), blob(1, 40));
    store.putEnvelope(CH_A, id32(0x10), blob(2, 41));
    store.putReceipt(CH_A, RELAY_1, id32(0x90), blob(3, 90));
    store.putReceipt(CH_A, RELAY_2, id32(0x90), blob(4, 90));
    store.appendLog(CH_A, RELAY_1, 0, id32(0x90));
    store.appendLog(CH_A, RELAY_1, 1, id32(0x10));
    store.putCheckpoint(CH_A, RELAY_1, blob(5, 120));
    store.putConsistency(CH_A, RELAY_1, { fromSize: 1, toSize: 2, proof: [id32(0x61)] });
  }

  /** Every read of the seeded data, as one value to compare. */
  function snapshot(store: ClientStore): unknown {
    return {
      channels: store.channels(),
      own: [store.ownEnvelopes(CH_A), store.ownEnvelopes(CH_B), store.ownHead(CH_A)],
      envelopes: [store.envelopes(CH_A), store.envelopes(CH_B)],
      receipts: [store.receipts(CH_A, RELAY_1), store.receipts(CH_A, RELAY_2)],
      relays: store.receiptRelays(id32(0x90)),
      log: store.log(CH_A, RELAY_1),
      checkpoints: store.checkpoints(CH_A, RELAY_1),
      consistency: store.consistency(CH_A, RELAY_1),
    };
  }

  it('a second open of the file sees everything the first wrote, and goes on from it', () => {
    const path = dbPath();
    const first = openSqliteClientStore(path);
    seed(first);
    const before = snapshot(first);
    first.close();

    const second = openSqliteClientStore(path);
    try {
      expect(snapshot(second)).to.deep.equal(before);
      // The rules hold across the reopen: the chain and the log continue where they were.
      expectRangeError(() => second.addOwnEnvelope(CH_A, own(3)));
      second.addOwnEnvelope(CH_A, own(4));
      expectRangeError(() => second.appendLog(CH_A, RELAY_1, 1, id32(0x11)));
      second.appendLog(CH_A, RELAY_1, 2, id32(0x11));
      expect(second.putEnvelope(CH_A, id32(0x90), blob(9, 9))).to.equal(false);
      expect(second.putCheckpoint(CH_A, RELAY_1, blob(5, 120))).to.equal(false);
    } finally {
      second.close();
    }
  });

  it('batches writes of one event-loop turn: committed by the next turn or an own envelope; afterCommit waits', async () => {
    const path = dbPath();
    const writer = openSqliteClientStore(path);
    const reader = openSqliteClientStore(path); // another connection sees only what is committed
    try {
      writer.putChannel(CH_A, CHARTER_A);
      writer.putEnvelope(CH_A, id32(0x90), blob(1, 40));
      expect(writer.envelopes(CH_A)).to.have.length(1); // the writer reads its own batch
      expect(reader.channels()).to.deep.equal([]);
      let called = false;
      writer.afterCommit(() => {
        called = true;
      });
      expect(called).to.equal(false);
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(called).to.equal(true);
      expect(reader.envelopes(CH_A)).to.have.length(1);
      // An own envelope commits at once, with whatever was batched before it.
      writer.putEnvelope(CH_A, id32(0x10), blob(2, 41));
      writer.addOwnEnvelope(CH_A, own(1));
      expect(reader.envelopes(CH_A)).to.have.length(2);
      expect(reader.ownEnvelopes(CH_A)).to.have.length(1);
      let now = false;
      writer.afterCommit(() => {
        now = true;
      });
      expect(now).to.equal(true); // nothing pending: at once
    } finally {
      writer.close();
      reader.close();
    }
  });

  it('sets WAL, synchronous=FULL and foreign keys on every open, and reads them back', () => {
    const path = dbPath();
    openSqliteClientStore(path).close();
    // A plain connection to the same file gets the compiled defaults but for the
    // journal mode, which the file keeps: the store must set the rest itself.
    const raw = new Database(path);
    expect(raw.pragma('journal_mode', { simple: true })).to.equal('wal');
    expect(raw.pragma('synchronous', { simple: true })).to.not.equal(2);
    raw.close();

    const store = openSqliteClientStore(path, { busyTimeoutMs: 1234 });
    try {
      expect(store.settings()).to.deep.equal({
        journalMode: 'wal',
        synchronous: 2,
        foreignKeys: 1,
        fullfsync: 1,
        busyTimeoutMs: 1234,
        walAutoCheckpoint: 1000, // SQLite's own: the client commits little at a time
        schemaVersion: CLIENT_SCHEMA_VERSION,
      });
    } finally {
      store.close();
    }
  });

  it('marks the file as a client store (application_id, user_version)', () => {
    const path = dbPath();
    openSqliteClientStore(path).close();
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('application_id', { simple: true })).to.equal(CLIENT_APPLICATION_ID);
      expect(raw.pragma('user_version', { simple: true })).to.equal(CLIENT_SCHEMA_VERSION);
    } finally {
      raw.close();
    }
  });

  it('creates the file and its write-ahead log readable by the owner only (0600)', function () {
    if (process.platform === 'win32') this.skip(); // no POSIX modes on Windows
    const path = dbPath();
    const store = openSqliteClientStore(path);
    try {
      store.putChannel(CH_A, CHARTER_A); // makes sure the -wal file exists
      expect(statSync(path).mode & 0o777).to.equal(0o600);
      expect(statSync(`${path}-wal`).mode & 0o777).to.equal(0o600);
    } finally {
      store.close();
    }
  });

  // The rules themselves are @hotline/sqlite's (and its tests'); this checks the wiring.
  it("refuses a relay store's file, a newer schema and an in-memory database, with their codes", async () => {
    const relayFile = dbPath();
    await openSqliteStore(relayFile, { walCheckpoint: 'inline' }).close();
    const newer = dbPath();
    openSqliteClientStore(newer).close();
    const raw = new Database(newer);
    raw.pragma(`user_version = ${CLIENT_SCHEMA_VERSION + 1}`);
    raw.close();
    for (const [path, code] of [
      [relayFile, 'STORE_FOREIGN_DATABASE'],
      [newer, 'STORE_SCHEMA_TOO_NEW'],
      [':memory:', 'STORE_PRAGMA_REJECTED'],
    ] as const) {
      expect(() => openSqliteClientStore(path), path)
        .to.throw(StoreOpenError)
        .with.property('code', code);
    }
    const check = new Database(newer, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).to.equal(CLIENT_SCHEMA_VERSION + 1);
    check.close();
  });

  it('backs the own-chain rule with UNIQUE (channel, seq) in the schema', () => {
    const path = dbPath();
    const store = openSqliteClientStore(path);
    store.putChannel(CH_A, CHARTER_A);
    store.addOwnEnvelope(CH_A, own(1));
    store.close();
    // A writer that bypasses the store (a bug, another tool) still cannot sign seq 1 twice.
    const raw = new Database(path);
    try {
      expect(() =>
        raw
          .prepare('INSERT INTO own_envelopes (channel, seq, id, envelope) VALUES (?, ?, ?, ?)')
          .run(CH_A, 1, id32(0x99), blob(9, 9)),
      )
        .to.throw()
        .with.property('code', 'SQLITE_CONSTRAINT_UNIQUE');
    } finally {
      raw.close();
    }
  });

  it('answers every read but the channel list with an index search, never a table scan', () => {
    const path = dbPath();
    openSqliteClientStore(path).close();
    const raw = new Database(path, { readonly: true });
    try {
      const reads = Object.entries(CLIENT_STATEMENTS).filter(([, sql]) => sql.startsWith('SELECT'));
      expect(reads.length).to.be.at.least(10);
      for (const [name, sql] of reads) {
        const params = (sql.match(/\?/g) ?? []).map(() => id32(0));
        const plan = (
          raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]
        ).map((step) => `${name}: ${step.detail}`);
        // listChannels reads the whole (small) table on purpose: it lists every channel.
        if (name === 'listChannels') continue;
        expect(plan.some((step) => step.includes(': SEARCH '))).to.equal(true, plan.join('\n'));
        expect(plan.some((step) => step.includes(': SCAN '))).to.equal(false, plan.join('\n'));
      }
    } finally {
      raw.close();
    }
  });

  it('takes only 32-byte channel ids, relay keys, envelope ids and proof hashes', () => {
    const store = openSqliteClientStore(dbPath());
    try {
      expectRangeError(() => store.putChannel(new Uint8Array(31), CHARTER_A));
      store.putChannel(CH_A, CHARTER_A);
      expectRangeError(() => store.addOwnEnvelope(CH_A, { ...own(1), id: new Uint8Array(33) }));
      expectRangeError(() => store.putEnvelope(CH_A, new Uint8Array(0), blob(1, 1)));
      expectRangeError(() => store.putReceipt(CH_A, new Uint8Array(16), id32(1), blob(1, 1)));
      expectRangeError(() =>
        store.putConsistency(CH_A, RELAY_1, { fromSize: 1, toSize: 2, proof: [blob(1, 20)] }),
      );
      expect(() => store.putEnvelope(CH_A, 'id' as never, blob(1, 1))).to.throw(TypeError);
      expect(store.ownHead(CH_A)).to.equal(undefined);
      expect(store.envelopes(CH_A)).to.deep.equal([]);
    } finally {
      store.close();
    }
  });

  // A process death mid-write: each round resumes from the head the last one left.
  // Power loss is not simulated (the OS keeps what a killed process wrote); that is
  // what synchronous=FULL, checked above, is for.
  describe('killed while adding own envelopes (SIGKILL)', function () {
    // Each round starts a process with a TypeScript loader (about 1 s here).
    this.timeout(20_000);
    const ROUNDS = 2;
    /** Seqs the child must report committed in a round before it is killed. */
    const PER_ROUND = 150;

    /** Runs the child until it reported `target`, kills it; the highest seq it reported. */
    function runChildUntil(path: string, target: number): Promise<number> {
      const child = spawn(process.execPath, ['--import', TSX, CHILD, path], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      return new Promise((resolve, reject) => {
        let reported = 0;
        let partial = '';
        child.stdout.on('data', (chunk: Buffer) => {
          const lines = (partial + chunk.toString('utf8')).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) reported = Math.max(reported, Number(line));
          if (reported >= target && child.exitCode === null && !child.killed) {
            child.kill('SIGKILL');
          }
        });
        child.once('exit', (code, signal) => {
          if (signal === 'SIGKILL') resolve(reported);
          else reject(new Error(`child exited on its own (${code ?? signal})`));
        });
      });
    }

    it('reopens to a contiguous chain 1..n, every row intact, nothing reported lost', async () => {
      const path = dbPath();
      let head = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const reported = await runChildUntil(path, head + PER_ROUND);
        const store = openSqliteClientStore(path);
        try {
          const chain = store.ownEnvelopes(CRASH_CHANNEL);
          const n = chain.length;
          // Every seq the child reported had been committed before it was printed.
          expect(n).to.be.at.least(reported);
          expect(chain.map((e) => e.seq)).to.deep.equal(Array.from({ length: n }, (_, i) => i + 1));
          for (const envelope of chain)
            expect(envelope).to.deep.equal(ownEnvelopeFor(envelope.seq));
          expect(store.ownHead(CRASH_CHANNEL)).to.deep.equal(ownEnvelopeFor(n));
          head = n;
        } finally {
          store.close();
        }
      }
      expect(head).to.be.at.least(ROUNDS * PER_ROUND);
    });
  });
});
