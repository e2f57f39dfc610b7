// The SQLite store whose commits run on a worker thread (the RelayStore cases are in
// store.test.ts): reads on the main connection see a batch as soon as its commit
// resolved, commits run one at a time in order, a dead writer thread fails only the
// commit it held and is replaced, and close() leaves nothing running.
// Needs `tsc -b` first: the writer thread runs the compiled module.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { openThreadedSqliteStore, type ThreadedSqliteStore } from '../src/store/threaded.js';
import { batch, CHANNEL, entry, id } from './_batches.js';

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('threaded sqlite relay store', () => {
  let dir = '';
  let path = '';
  let store: ThreadedSqliteStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-threaded-'));
    path = join(dir, 'relay.sqlite');
    store = openThreadedSqliteStore(path);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a batch to reads on the main thread as soon as its commit resolved', async () => {
    const nodes = store.nodeStoreFor(CHANNEL);
    for (let from = 0; from < 40; from += 8) {
      await store.commit(batch(from, from + 8));
      // No await in between: the very next statement must see the batch.
      expect(nodes.get(0, from + 7)).to.deep.equal(id(from + 7));
      expect((await store.readEntries(CHANNEL, from, 100)).map((e) => e.index)).to.deep.equal([
        from,
        from + 1,
        from + 2,
        from + 3,
        from + 4,
        from + 5,
        from + 6,
        from + 7,
      ]);
      expect((await store.getChannel(CHANNEL))?.size).to.equal(from + 8);
    }
  });

  it("commits the relay's entries: extra fields left behind, views copied out", async () => {
    // The relay's pending entries carry a promise, which cannot be posted to a thread.
    const big = new Uint8Array(1000).fill(5);
    const entries = batch(0, 2).entries.map((e) => ({
      ...e,
      envelope: big.subarray(e.index * 10, e.index * 10 + 10),
      committed: Promise.resolve(),
    }));
    await store.commit({ ...batch(0, 2), entries });
    expect((await store.readEntries(CHANNEL, 0, 10)).map((e) => e.envelope)).to.deep.equal([
      new Uint8Array(10).fill(5),
      new Uint8Array(10).fill(5),
    ]);
  });

  it('runs commits one at a time, in the order asked', async () => {
    // Asked all at once: each batch's upsert sets the size, so the last one must win,
    // and (channel, index) clashes would reject any batch run twice or out of place.
    const commits = [];
    for (let from = 0; from < 60; from += 6) commits.push(store.commit(batch(from, from + 6)));
    await Promise.all(commits);
    expect((await store.getChannel(CHANNEL))?.size).to.equal(60);
    expect(await store.readEntries(CHANNEL, 0, 100)).to.have.length(60);
  });

  it('rejects a failing batch with its SQLite code, leaves nothing of it, and goes on', async () => {
    await store.commit(batch(0, 4));
    const clash = batch(4, 8);
    const bad = { ...clash, entries: [...clash.entries, { ...entry(2), id: id(99), seq: 99 }] };
    const error = await rejection(store.commit(bad));
    expect(error.code).to.equal('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(error).to.be.instanceOf(Database.SqliteError);
    expect(await store.readEntries(CHANNEL, 0, 100)).to.have.length(4);
    expect(store.nodeStoreFor(CHANNEL).get(0, 4)).to.equal(undefined);
    expect((await store.latestCheckpoint(CHANNEL))?.size).to.equal(4);

    await store.commit(clash);
    expect(await store.readEntries(CHANNEL, 0, 100)).to.have.length(8);
  });

  it('rejects the commit a dying writer thread held, then commits on a new one', async () => {
    await store.commit(batch(0, 4));
    const first = store.worker!;
    // Another connection holds the write lock, so the thread is still before its
    // COMMIT when it is told to stop; it stops there, its transaction rolled back.
    const blocker = new Database(path);
    blocker.exec('BEGIN IMMEDIATE');
    const held = store.commit(batch(4, 8));
    void first.terminate();
    blocker.exec('ROLLBACK');
    blocker.close();
    const error = await rejection(held);
    expect(error.code).to.equal(undefined);
    expect(await store.readEntries(CHANNEL, 0, 100)).to.have.length(4);
    expect(store.nodeStoreFor(CHANNEL).get(0, 4)).to.equal(undefined);

    await store.commit(batch(4, 8));
    expect(store.worker).to.not.equal(first);
    expect(await store.readEntries(CHANNEL, 0, 100)).to.have.length(8);
  });

  it('replaces a writer thread that died between commits', async () => {
    await store.commit(batch(0, 2));
    await store.worker!.terminate();
    expect(store.worker).to.equal(undefined);
    await store.commit(batch(2, 4));
    expect(await store.readEntries(CHANNEL, 0, 100)).to.have.length(4);
  });

  it('closes after the commit in flight, stopping the thread; later use is refused', async () => {
    const worker = store.worker!;
    let exited = false;
    worker.once('exit', () => {
      exited = true;
    });
    const inFlight = store.commit(batch(0, 8));
    await store.close();
    await inFlight; // settled, and successfully, before close() resolved
    expect(exited).to.equal(true);
    expect(await rejection(store.commit(batch(8, 9)))).to.be.instanceOf(TypeError);
    expect(await rejection(store.listChannels())).to.be.instanceOf(TypeError);

    // Everything is on disk, and the file opens again.
    store = openThreadedSqliteStore(path);
    expect(await store.readEntries(CHANNEL, 0, 100)).to.have.length(8);
  });
});
