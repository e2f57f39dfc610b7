// The WAL checkpointer (store/checkpointer.ts): a thread of the store's own copies the
// write-ahead log back into the database file, RESTARTs it past its size limit so the
// WAL file stays bounded, is replaced when it dies, and stops with the store.
// Needs `tsc -b` first: the thread runs the compiled module.

import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { WalCheckpointer } from '../src/store/checkpointer.js';
import { openSqliteStore, type SqliteRelayStore } from '../src/store/sqlite.js';
import { batch, CHANNEL } from './_batches.js';

/** Resolves with the next value `poll` returns that is not undefined (checked every 10 ms). */
async function eventually<T>(poll: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = poll();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('WAL checkpointer', () => {
  let dir = '';
  let path = '';
  let store: SqliteRelayStore | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-checkpointer-'));
    path = join(dir, 'relay.sqlite');
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed pages into the database file; commits never checkpoint', async () => {
    // An interval longer than the test: only checkpointNow() runs a pass.
    store = openSqliteStore(path, { checkpointer: { intervalMs: 60_000 } });
    expect(store.settings().walAutoCheckpoint).to.equal(0);
    for (let i = 0; i < 40; i++) await store.commit(batch(i * 50, (i + 1) * 50));
    const pass = await store.checkpointer!.checkpointNow();
    expect(pass.walPages).to.be.greaterThan(1000); // past SQLite's automatic threshold
    expect(pass.checkpointedPages).to.equal(pass.walPages);
    expect(pass.restarted).to.equal(false);

    // What the database file alone holds: a copy of it without the WAL beside it.
    const copy = join(dir, 'copy.sqlite');
    copyFileSync(path, copy);
    const check = new Database(copy, { readonly: true });
    expect(check.prepare('SELECT count(*) FROM entries').pluck().get()).to.equal(2000);
    check.close();
  });

  it('restarts the WAL past restartPages, so the WAL file stays bounded', async () => {
    store = openSqliteStore(path, { checkpointer: { intervalMs: 60_000, restartPages: 64 } });
    let restarts = 0;
    for (let i = 0; i < 60; i++) {
      await store.commit(batch(i * 50, (i + 1) * 50));
      if (i % 5 === 4 && (await store.checkpointer!.checkpointNow()).restarted) restarts++;
    }
    expect(restarts).to.be.greaterThan(5);
    // Without restarts, 60 commits of 50 entries write ~25 MB of WAL here.
    expect(statSync(`${path}-wal`).size).to.be.lessThan(8 * 1024 * 1024);
    expect(await store.readEntries(CHANNEL, 2990, 100)).to.have.length(10);
  });

  it('is replaced when its thread dies, and reports it', async () => {
    const errors: unknown[] = [];
    const checkpointer = new WalCheckpointer(path, {
      respawnMs: 10,
      onError: (error) => errors.push(error),
    });
    store = openSqliteStore(path, { walCheckpoint: 'elsewhere' }); // creates the file's schema
    try {
      const first = checkpointer.worker!;
      await checkpointer.checkpointNow();
      await first.terminate();
      const second = await eventually(() =>
        checkpointer.worker !== undefined && checkpointer.worker !== first
          ? checkpointer.worker
          : undefined,
      );
      expect(second).to.not.equal(first);
      expect(errors.map(String).join()).to.match(/checkpointer thread exited/);
      await store.commit(batch(0, 10));
      expect((await checkpointer.checkpointNow()).checkpointedPages).to.be.greaterThan(0);
    } finally {
      await checkpointer.close();
    }
  });

  it('stops with the store, which then checkpoints and removes the WAL on close', async () => {
    store = openSqliteStore(path);
    const worker = store.checkpointer!.worker!;
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    await store.commit(batch(0, 100));
    await store.close();
    store = undefined;
    await exited;
    expect(() => statSync(`${path}-wal`)).to.throw(); // the last connection closed cleanly
  });

  it("'inline' leaves checkpoints to SQLite inside commits, with no thread", async () => {
    store = openSqliteStore(path, { walCheckpoint: 'inline' });
    expect(store.checkpointer).to.equal(undefined);
    expect(store.settings().walAutoCheckpoint).to.equal(1000);
  });
});
