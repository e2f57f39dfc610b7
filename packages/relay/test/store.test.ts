// The relay's stores: every RelayStore method on each engine (SQLite file, SQLite
// with commits on a worker thread, memory) with the same expectations, all-or-nothing commits, copies that share no
// memory, and for SQLite the durability settings, reopening and schema migrations.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  leafHashOfId,
  MemoryNodeStore,
  MerkleLog,
  type MerkleNode,
  merkleRoot,
  type NodeStore,
} from '@hotline/signer';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { MemoryRelayStore } from '../src/store/memory.js';
import { APPLICATION_ID, SCHEMA_VERSION, StoreOpenError } from '../src/store/migrations.js';
import { openSqliteStore, SqliteRelayStore, STATEMENTS } from '../src/store/sqlite.js';
import { openThreadedSqliteStore } from '../src/store/threaded.js';
import type {
  ChannelRecord,
  CheckpointRecord,
  CommitBatch,
  EvidenceRecord,
  LogEntry,
  RelayStore,
} from '../src/store/types.js';
import { nodeKey } from '../src/store/types.js';

/** 32 distinct-looking bytes for a label and a number. */
function key(tag: number, n = 0): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = (tag * 31 + n * 7 + i * (n + 3)) & 0xff;
  out[0] = tag;
  out[1] = n & 0xff;
  out[2] = (n >>> 8) & 0xff;
  return out;
}

const CH_A = key(1);
const CH_B = key(2);
const ALICE = key(3);
const BOB = key(4);

/** A log: entries of alternating senders, with the Merkle nodes they complete. */
function makeLog(channel: Uint8Array, from: number, count: number, tree: MerkleLog) {
  const entries: LogEntry[] = [];
  for (let index = from; index < from + count; index++) {
    const sender = index % 2 === 0 ? ALICE : BOB;
    entries.push({
      channel,
      index,
      id: key(10 + channel[0]!, index),
      sender,
      seq: index >> 1,
      envelope: new Uint8Array(100 + (index % 7)).fill(index & 0xff),
    });
  }
  const nodes = appendCapturing(
    tree,
    entries.map((e) => e.id),
  );
  return { entries, nodes };
}

/** Appends to `tree` and returns the nodes the append wrote. */
function appendCapturing(tree: MerkleLog, ids: Uint8Array[]): MerkleNode[] {
  const captured = CAPTURE.get(tree)!;
  captured.length = 0;
  tree.appendIds(ids);
  return [...captured];
}

const CAPTURE = new WeakMap<MerkleLog, MerkleNode[]>();
function newTree(): MerkleLog {
  const inner = new MemoryNodeStore();
  const captured: MerkleNode[] = [];
  const store: NodeStore = {
    get: (level, index) => inner.get(level, index),
    put: (nodes) => {
      inner.put(nodes);
      captured.push(...nodes);
    },
  };
  const tree = new MerkleLog(store);
  CAPTURE.set(tree, captured);
  return tree;
}

function emptyBatch(): CommitBatch {
  return { channels: [], entries: [], nodes: [], checkpoints: [], evidence: [] };
}

function checkpoint(channel: Uint8Array, size: number): CheckpointRecord {
  return { channel, size, checkpoint: new Uint8Array(120).fill(size & 0xff) };
}

/** Asserts a plain Uint8Array: not a Buffer, not a view into a larger buffer. */
function expectPlain(value: unknown): void {
  expect(value).to.be.instanceOf(Uint8Array);
  expect(Buffer.isBuffer(value)).to.equal(false);
  expect(Object.getPrototypeOf(value)).to.equal(Uint8Array.prototype);
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

let dir = '';
let fileNo = 0;
const dbPath = (): string => join(dir, `relay-${++fileNo}.sqlite`);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hotline-store-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ENGINES: { name: string; open: () => RelayStore & Pick<MemoryRelayStore, 'readEvidence'> }[] =
  [
    { name: 'memory', open: () => new MemoryRelayStore() },
    { name: 'sqlite', open: () => openSqliteStore(dbPath()) },
    { name: 'threaded sqlite', open: () => openThreadedSqliteStore(dbPath()) },
  ];

for (const engine of ENGINES) {
  describe(`${engine.name} relay store`, () => {
    let store: ReturnType<(typeof engine)['open']>;
    let treeA: MerkleLog;
    let treeB: MerkleLog;
    const charterA = new Uint8Array(200).fill(0xa1);
    const charterB = new Uint8Array(180).fill(0xb2);

    beforeEach(() => {
      store = engine.open();
      treeA = newTree();
      treeB = newTree();
    });
    afterEach(async () => {
      await store.close();
    });

    /** Channel A with entries [0, 10), channel B with [0, 3), checkpoints, evidence. */
    async function seed(): Promise<{ a: LogEntry[]; b: LogEntry[]; evidence: EvidenceRecord }> {
      const a = makeLog(CH_A, 0, 10, treeA);
      const b = makeLog(CH_B, 0, 3, treeB);
      const evidence: EvidenceRecord = {
        channel: CH_A,
        kind: 'fork',
        existingId: a.entries[4]!.id,
        envelope: new Uint8Array([9, 9, 9]),
        time: 1_700_000_000_123,
      };
      await store.commit({
        channels: [
          { id: CH_B, charter: charterB, size: 3 },
          { id: CH_A, charter: charterA, size: 10 },
        ],
        entries: [...a.entries, ...b.entries],
        nodes: [
          { channel: CH_A, nodes: a.nodes },
          { channel: CH_B, nodes: b.nodes },
        ],
        checkpoints: [checkpoint(CH_A, 10), checkpoint(CH_B, 3)],
        evidence: [evidence],
      });
      return { a: a.entries, b: b.entries, evidence };
    }

    it('answers an empty store with nothing', async () => {
      expect(await store.listChannels()).to.deep.equal([]);
      expect(await store.getChannel(CH_A)).to.equal(undefined);
      expect(await store.readEntries(CH_A, 0, 100)).to.deep.equal([]);
      expect(await store.findById(CH_A, key(9))).to.equal(undefined);
      expect(await store.findBySenderSeq(CH_A, ALICE, 0)).to.equal(undefined);
      expect(await store.chainHead(CH_A, ALICE)).to.equal(undefined);
      expect((await store.readNodes(CH_A, [{ level: 0, index: 0 }])).size).to.equal(0);
      expect(await store.latestCheckpoint(CH_A)).to.equal(undefined);
      expect(await store.readEvidence(CH_A)).to.deep.equal([]);
      expect(store.nodeStoreFor(CH_A).get(0, 0)).to.equal(undefined);
    });

    it('lists channels in id order and reads one back', async () => {
      await seed();
      const channels = await store.listChannels();
      // CH_A (01…) sorts before CH_B (02…) although B was written first.
      expect(channels).to.deep.equal([
        { id: CH_A, charter: charterA, size: 10 },
        { id: CH_B, charter: charterB, size: 3 },
      ]);
      expect(await store.getChannel(CH_B)).to.deep.equal({ id: CH_B, charter: charterB, size: 3 });
      expect(await store.getChannel(key(77))).to.equal(undefined);
    });

    it('upserts a channel: the size changes, the charter stays', async () => {
      await seed();
      const more = makeLog(CH_A, 10, 2, treeA);
      await store.commit({
        ...emptyBatch(),
        channels: [{ id: CH_A, charter: new Uint8Array([1, 2, 3]), size: 12 }],
        entries: more.entries,
        nodes: [{ channel: CH_A, nodes: more.nodes }],
      });
      expect(await store.getChannel(CH_A)).to.deep.equal({ id: CH_A, charter: charterA, size: 12 });
      expect((await store.listChannels()).length).to.equal(2);
    });

    it('reads entries by index range, in index order', async () => {
      const { a, b } = await seed();
      expect(await store.readEntries(CH_A, 0, 10)).to.deep.equal(a);
      expect(await store.readEntries(CH_A, 3, 4)).to.deep.equal(a.slice(3, 7));
      expect(await store.readEntries(CH_A, 8, 1000)).to.deep.equal(a.slice(8));
      expect(await store.readEntries(CH_A, 10, 5)).to.deep.equal([]);
      expect(await store.readEntries(CH_A, 2, 0)).to.deep.equal([]);
      expect(await store.readEntries(CH_B, 0, Number.MAX_SAFE_INTEGER)).to.deep.equal(b);
    });

    it('finds an entry by id and by (sender, seq), within its channel only', async () => {
      const { a, b } = await seed();
      expect(await store.findById(CH_A, a[7]!.id)).to.deep.equal(a[7]);
      expect(await store.findById(CH_B, a[7]!.id)).to.equal(undefined);
      expect(await store.findById(CH_B, b[2]!.id)).to.deep.equal(b[2]);
      // index 5 is Bob's (odd indices), seq 5 >> 1 = 2
      expect(await store.findBySenderSeq(CH_A, BOB, 2)).to.deep.equal(a[5]);
      expect(await store.findBySenderSeq(CH_A, ALICE, 2)).to.deep.equal(a[4]);
      expect(await store.findBySenderSeq(CH_A, BOB, 5)).to.equal(undefined);
      expect(await store.findBySenderSeq(CH_B, BOB, 2)).to.equal(undefined);
    });

    it("gives a sender's chain head: the highest seq, per channel", async () => {
      const { a, b } = await seed();
      expect(await store.chainHead(CH_A, ALICE)).to.deep.equal({ seq: 4, id: a[8]!.id });
      expect(await store.chainHead(CH_A, BOB)).to.deep.equal({ seq: 4, id: a[9]!.id });
      expect(await store.chainHead(CH_B, BOB)).to.deep.equal({ seq: 0, id: b[1]!.id });
      expect(await store.chainHead(CH_B, key(99))).to.equal(undefined);
      // A later commit moves the head.
      const more = makeLog(CH_A, 10, 1, treeA);
      await store.commit({ ...emptyBatch(), entries: more.entries });
      expect(await store.chainHead(CH_A, ALICE)).to.deep.equal({ seq: 5, id: more.entries[0]!.id });
    });

    it('reads Merkle nodes by (level, index), missing ones absent', async () => {
      await seed();
      const ids = [
        { level: 0, index: 0 },
        { level: 3, index: 0 },
        { level: 1, index: 4 },
        { level: 0, index: 10 }, // beyond the log
        { level: 3, index: 1 }, // leaves 8..15 are not all there
        { level: 0, index: 0 }, // asked twice
      ];
      const nodes = await store.readNodes(CH_A, ids);
      expect([...nodes.keys()].sort()).to.deep.equal(
        [nodeKey(0, 0), nodeKey(3, 0), nodeKey(1, 4)].sort(),
      );
      expect(nodes.get(nodeKey(0, 0))).to.deep.equal(leafHashOfId(key(11, 0)));
      expect(nodes.get(nodeKey(3, 0))).to.deep.equal(
        merkleRoot(Array.from({ length: 8 }, (_, i) => leafHashOfId(key(11, i)))),
      );
      expect((await store.readNodes(CH_B, [{ level: 3, index: 0 }])).size).to.equal(0);
    });

    it('serves a MerkleLog synchronously through nodeStoreFor', async () => {
      const { a } = await seed();
      const nodes = store.nodeStoreFor(CH_A);
      const reopened = new MerkleLog(nodes, 10);
      expect(reopened.root()).to.deep.equal(merkleRoot(a.map((e) => leafHashOfId(e.id))));
      expect(reopened.inclusionProof(3)).to.deep.equal(treeA.inclusionProof(3));
      expectPlain(nodes.get(0, 0));
      expect(nodes.get(0, 10)).to.equal(undefined);
      expect(nodes.get(-1, 0)).to.equal(undefined);
      // Nodes are written only by commit.
      expect(() => nodes.put([{ level: 0, index: 10, hash: key(5) }])).to.throw(Error);
      // The view sees later commits.
      const more = makeLog(CH_A, 10, 1, treeA);
      await store.commit({ ...emptyBatch(), nodes: [{ channel: CH_A, nodes: more.nodes }] });
      expect(nodes.get(0, 10)).to.deep.equal(leafHashOfId(more.entries[0]!.id));
    });

    it('keeps every checkpoint and returns the one of the largest size', async () => {
      await seed();
      expect(await store.latestCheckpoint(CH_A)).to.deep.equal(checkpoint(CH_A, 10));
      await store.commit({ ...emptyBatch(), checkpoints: [checkpoint(CH_A, 12)] });
      expect(await store.latestCheckpoint(CH_A)).to.deep.equal(checkpoint(CH_A, 12));
      // An older size committed later is kept but is not the latest.
      await store.commit({ ...emptyBatch(), checkpoints: [checkpoint(CH_A, 4)] });
      expect(await store.latestCheckpoint(CH_A)).to.deep.equal(checkpoint(CH_A, 12));
      // Size 10 is still there: committing it again is a duplicate.
      const error = await rejection(
        store.commit({ ...emptyBatch(), checkpoints: [checkpoint(CH_A, 10)] }),
      );
      expect(error.code).to.equal('SQLITE_CONSTRAINT_PRIMARYKEY');
      expect(await store.latestCheckpoint(CH_B)).to.deep.equal(checkpoint(CH_B, 3));
    });

    it('keeps evidence per channel in commit order', async () => {
      const { evidence } = await seed();
      const second: EvidenceRecord = { ...evidence, envelope: new Uint8Array([7]), time: 5 };
      await store.commit({ ...emptyBatch(), evidence: [second] });
      expect(await store.readEvidence(CH_A)).to.deep.equal([evidence, second]);
      expect(await store.readEvidence(CH_B)).to.deep.equal([]);
    });

    describe('a failing batch changes nothing', () => {
      // Each batch is valid but for one row, placed after valid rows of every table,
      // so a store that wrote row by row without a transaction would leave traces.
      const cases: {
        name: string;
        code: string;
        bad: (a: LogEntry[]) => Partial<CommitBatch>;
      }[] = [
        {
          name: 'an index already in the log',
          code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
          bad: (a) => ({ entries: [{ ...a[3]!, id: key(50), sender: key(51) }] }),
        },
        {
          name: 'an id already in the log',
          code: 'SQLITE_CONSTRAINT_UNIQUE',
          bad: (a) => ({ entries: [{ ...a[3]!, index: 20, sender: key(51) }] }),
        },
        {
          name: 'a (sender, seq) already in the log',
          code: 'SQLITE_CONSTRAINT_UNIQUE',
          bad: (a) => ({ entries: [{ ...a[3]!, index: 20, id: key(50) }] }),
        },
        {
          name: 'an entry of an unknown channel',
          code: 'SQLITE_CONSTRAINT_FOREIGNKEY',
          bad: (a) => ({ entries: [{ ...a[3]!, channel: key(60), index: 0 }] }),
        },
        {
          name: 'an id of 31 bytes',
          code: 'SQLITE_CONSTRAINT_CHECK',
          bad: (a) => ({ entries: [{ ...a[3]!, index: 20, seq: 40, id: new Uint8Array(31) }] }),
        },
        {
          name: 'a node already stored',
          code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
          bad: () => ({
            nodes: [{ channel: CH_A, nodes: [{ level: 0, index: 2, hash: key(5) }] }],
          }),
        },
        {
          name: 'a checkpoint size already stored',
          code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
          bad: () => ({ checkpoints: [checkpoint(CH_A, 10)] }),
        },
        {
          name: 'evidence of an unknown channel',
          code: 'SQLITE_CONSTRAINT_FOREIGNKEY',
          bad: (a) => ({
            evidence: [
              {
                channel: key(61),
                kind: 'fork',
                existingId: a[0]!.id,
                envelope: a[0]!.envelope,
                time: 1,
              },
            ],
          }),
        },
      ];

      for (const c of cases) {
        it(`rolls back a batch with ${c.name}`, async () => {
          const { a, b, evidence } = await seed();
          const before = {
            channels: await store.listChannels(),
            nodes: await store.readNodes(CH_A, [{ level: 0, index: 10 }]),
          };
          const more = makeLog(CH_A, 10, 2, treeA);
          const newChannel = key(70);
          const bad = c.bad(a);
          const batch: CommitBatch = {
            channels: [
              { id: CH_A, charter: charterA, size: 12 },
              { id: newChannel, charter: charterB, size: 0 },
            ],
            entries: [...more.entries, ...(bad.entries ?? [])],
            nodes: [{ channel: CH_A, nodes: more.nodes }, ...(bad.nodes ?? [])],
            checkpoints: [checkpoint(CH_A, 12), ...(bad.checkpoints ?? [])],
            evidence: [{ ...evidence, time: 42 }, ...(bad.evidence ?? [])],
          };
          const error = await rejection(store.commit(batch));
          expect(error.code).to.equal(c.code);

          expect(await store.listChannels()).to.deep.equal(before.channels);
          expect(await store.getChannel(newChannel)).to.equal(undefined);
          expect(await store.readEntries(CH_A, 0, 100)).to.deep.equal(a);
          expect(await store.readEntries(CH_B, 0, 100)).to.deep.equal(b);
          expect(await store.findById(CH_A, more.entries[0]!.id)).to.equal(undefined);
          expect(await store.chainHead(CH_A, ALICE)).to.deep.equal({ seq: 4, id: a[8]!.id });
          expect(await store.readNodes(CH_A, [{ level: 0, index: 10 }])).to.deep.equal(
            before.nodes,
          );
          expect(await store.latestCheckpoint(CH_A)).to.deep.equal(checkpoint(CH_A, 10));
          expect(await store.readEvidence(CH_A)).to.deep.equal([evidence]);

          // The store still works, and the same batch without the bad row commits.
          await store.commit({
            ...batch,
            entries: more.entries,
            nodes: [{ channel: CH_A, nodes: more.nodes }],
            checkpoints: [checkpoint(CH_A, 12)],
            evidence: [{ ...evidence, time: 42 }],
          });
          expect(await store.readEntries(CH_A, 10, 100)).to.deep.equal(more.entries);
          expect(await store.getChannel(newChannel)).to.deep.equal({
            id: newChannel,
            charter: charterB,
            size: 0,
          });
        });
      }

      it('rolls back a batch that repeats an index within itself', async () => {
        await seed();
        const more = makeLog(CH_A, 10, 3, treeA);
        const twice = [...more.entries, { ...more.entries[1]!, id: key(80), seq: 90 }];
        const error = await rejection(store.commit({ ...emptyBatch(), entries: twice }));
        expect(error.code).to.equal('SQLITE_CONSTRAINT_PRIMARYKEY');
        expect(await store.readEntries(CH_A, 10, 100)).to.deep.equal([]);
      });
    });

    it('returns plain Uint8Arrays that share no memory with the store or the caller', async () => {
      const { a } = await seed();
      const [channel] = await store.listChannels();
      const entry = (await store.readEntries(CH_A, 0, 1))[0]!;
      const found = (await store.findById(CH_A, a[1]!.id))!;
      const head = (await store.chainHead(CH_A, ALICE))!;
      const node = (await store.readNodes(CH_A, [{ level: 0, index: 0 }])).get(nodeKey(0, 0))!;
      const cp = (await store.latestCheckpoint(CH_A))!;
      const [ev] = await store.readEvidence(CH_A);
      for (const value of [
        channel!.id,
        channel!.charter,
        entry.channel,
        entry.id,
        entry.sender,
        entry.envelope,
        found.envelope,
        head.id,
        node,
        cp.channel,
        cp.checkpoint,
        ev!.channel,
        ev!.existingId,
        ev!.envelope,
      ]) {
        expectPlain(value);
      }
      // Mutating what was returned, or what was committed, changes no stored value.
      found.envelope.fill(0xee);
      node.fill(0xee);
      a[2]!.envelope.fill(0xee);
      expect((await store.findById(CH_A, a[1]!.id))!.envelope).to.deep.equal(
        new Uint8Array(101).fill(1),
      );
      expect((await store.readEntries(CH_A, 2, 1))[0]!.envelope).to.deep.equal(
        new Uint8Array(102).fill(2),
      );
      expect(store.nodeStoreFor(CH_A).get(0, 0)).to.deep.equal(leafHashOfId(a[0]!.id));
    });

    it('refuses arguments of the wrong type or range', async () => {
      expect(await rejection(store.readEntries(CH_A, -1, 5))).to.be.instanceOf(RangeError);
      expect(await rejection(store.readEntries(CH_A, 0, 1.5))).to.be.instanceOf(RangeError);
      expect(await rejection(store.findBySenderSeq(CH_A, ALICE, -2))).to.be.instanceOf(RangeError);
      const notBytes = 'ab' as unknown as Uint8Array;
      expect(await rejection(store.getChannel(notBytes))).to.be.instanceOf(TypeError);
      expect(await rejection(store.chainHead(CH_A, notBytes))).to.be.instanceOf(TypeError);
      expect(
        await rejection(store.readNodes(CH_A, [{ level: 0, index: Number.NaN }])),
      ).to.be.instanceOf(RangeError);
    });

    it('closes idempotently and refuses use after close', async () => {
      await seed();
      await store.close();
      await store.close();
      expect(await rejection(store.listChannels())).to.be.instanceOf(TypeError);
      expect(await rejection(store.commit(emptyBatch()))).to.be.instanceOf(TypeError);
    });
  });
}

describe('sqlite relay store: file, durability, schema', () => {
  it('sets WAL, synchronous=FULL and foreign keys on every open, and keeps everything', async () => {
    const path = dbPath();
    const store = openSqliteStore(path, { busyTimeoutMs: 1234 });
    const settings = store.settings();
    expect(settings).to.deep.equal({
      journalMode: 'wal',
      synchronous: 2,
      foreignKeys: 1,
      fullfsync: 1,
      busyTimeoutMs: 1234,
      walAutoCheckpoint: 0, // a thread of the store's own checkpoints (WalCheckpointer)
      schemaVersion: SCHEMA_VERSION,
    });
    const tree = newTree();
    const log = makeLog(CH_A, 0, 5, tree);
    const charter = new Uint8Array([1, 2, 3]);
    const ev: EvidenceRecord = {
      channel: CH_A,
      kind: 'fork',
      existingId: log.entries[0]!.id,
      envelope: new Uint8Array([4]),
      time: 6,
    };
    await store.commit({
      channels: [{ id: CH_A, charter, size: 5 }],
      entries: log.entries,
      nodes: [{ channel: CH_A, nodes: log.nodes }],
      checkpoints: [checkpoint(CH_A, 5)],
      evidence: [ev],
    });
    await store.close();

    const reopened = openSqliteStore(path);
    try {
      // A plain reopen of a WAL file would be at synchronous=NORMAL (1).
      expect(reopened.settings()).to.include({
        journalMode: 'wal',
        synchronous: 2,
        foreignKeys: 1,
      });
      expect(await reopened.listChannels()).to.deep.equal([{ id: CH_A, charter, size: 5 }]);
      expect(await reopened.readEntries(CH_A, 0, 10)).to.deep.equal(log.entries);
      expect(await reopened.chainHead(CH_A, ALICE)).to.deep.equal({
        seq: 2,
        id: log.entries[4]!.id,
      });
      expect(new MerkleLog(reopened.nodeStoreFor(CH_A), 5).root()).to.deep.equal(tree.root());
      expect(await reopened.latestCheckpoint(CH_A)).to.deep.equal(checkpoint(CH_A, 5));
      expect(await reopened.readEvidence(CH_A)).to.deep.equal([ev]);
    } finally {
      await reopened.close();
    }
  });

  it('gives a fresh database the latest schema version and the application id', async () => {
    const path = dbPath();
    await openSqliteStore(path).close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION);
      expect(db.pragma('application_id', { simple: true })).to.equal(APPLICATION_ID);
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      expect(tables).to.deep.equal(['channels', 'checkpoints', 'entries', 'evidence', 'nodes']);
    } finally {
      db.close();
    }
  });

  it('refuses a database of a newer schema version, and leaves it alone', () => {
    const path = dbPath();
    openSqliteStore(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    let error: unknown;
    try {
      openSqliteStore(path);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(StoreOpenError);
    expect((error as StoreOpenError).code).to.equal('STORE_SCHEMA_TOO_NEW');
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION + 1);
    check.close();
  });

  it("refuses another application's database", () => {
    const path = dbPath();
    const raw = new Database(path);
    raw.pragma('application_id = 12345');
    raw.exec('CREATE TABLE notes (body TEXT)');
    raw.close();
    expect(() => openSqliteStore(path))
      .to.throw(StoreOpenError)
      .with.property('code', 'STORE_FOREIGN_DATABASE');
  });

  it('refuses a connection whose durability settings do not take', () => {
    // An in-memory database has no write-ahead log: journal_mode stays "memory".
    expect(() => openSqliteStore(':memory:'))
      .to.throw(StoreOpenError)
      .with.property('code', 'STORE_PRAGMA_REJECTED');
  });

  it('reads through indexes only: no table scan, no sort', () => {
    const path = dbPath();
    openSqliteStore(path).close();
    const db = new Database(path, { readonly: true });
    try {
      const reads = [
        'getChannel',
        'readEntries',
        'findById',
        'findBySenderSeq',
        'chainHead',
        'getNode',
        'latestCheckpoint',
        'readEvidence',
      ] as const;
      for (const name of reads) {
        const params = (STATEMENTS[name].match(/\?/g) ?? []).map(() => null);
        const plan = db
          .prepare(`EXPLAIN QUERY PLAN ${STATEMENTS[name]}`)
          .all(...params)
          .map((row) => (row as { detail: string }).detail)
          .join('; ');
        expect(plan, name).to.match(/USING (COVERING |PRIMARY KEY)?INDEX|USING PRIMARY KEY/);
        expect(plan, name).to.not.match(/^SCAN|; SCAN|TEMP B-TREE/);
      }
    } finally {
      db.close();
    }
  });

  it('is a SqliteRelayStore whose blobs come back as plain Uint8Arrays after reopen', async () => {
    const path = dbPath();
    const store = openSqliteStore(path);
    expect(store).to.be.instanceOf(SqliteRelayStore);
    const charter = new Uint8Array([5, 6]);
    await store.commit({ ...emptyBatch(), channels: [{ id: CH_B, charter, size: 0 }] });
    await store.close();
    const again = openSqliteStore(path);
    const [record] = (await again.listChannels()) as ChannelRecord[];
    expectPlain(record!.id);
    expectPlain(record!.charter);
    await again.close();
  });
});
