// The body of the WAL checkpointer thread (see ./checkpointer.ts): its own connection
// to the relay's file copies committed pages from the write-ahead log back into the
// database file, so that no commit ever pays for that copy.
//
// - Every `intervalMs`: a PASSIVE checkpoint. It takes no lock that a writer waits
//   for; commits go on appending to the WAL meanwhile.
// - SQLite starts the WAL over from its beginning only when a writer finds it wholly
//   copied back; under steady load a commit always lands during a PASSIVE pass, so
//   when the WAL has grown past `restartPages` a RESTART checkpoint follows: it waits
//   for the commit in progress, holds the next one back while it copies the pages
//   committed since the last PASSIVE pass (a few short catch-up passes first keep
//   that small), and lets the next writer start the WAL over. That bounds the WAL
//   file near restartPages × page size.
// - synchronous=FULL: a checkpoint fsyncs the database file before the WAL may be
//   reused, so a crash at any point loses nothing committed.

import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  readonly path: string;
  readonly intervalMs: number;
  readonly restartPages: number;
  readonly busyTimeoutMs: number;
}

export type CheckpointRequest =
  | { readonly type: 'now'; readonly id: number }
  | { readonly type: 'close' };

/** One pass: what SQLite reported (pages in the WAL, pages copied back), and whether it restarted the WAL. */
export interface CheckpointPass {
  readonly type: 'pass';
  /** Set when the pass answers a `now` request. */
  readonly id: number | undefined;
  readonly walPages: number;
  readonly checkpointedPages: number;
  readonly restarted: boolean;
}

export type CheckpointAnswer =
  | CheckpointPass
  | { readonly type: 'error'; readonly message: string };

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

/** A PASSIVE pass this short leaves a RESTART little to copy, ms. */
const SHORT_PASS_MS = 2;
const MAX_CATCH_UP_PASSES = 4;

const port = parentPort;
if (port === null) throw new Error('checkpoint-worker runs only as a worker thread');
const { path, intervalMs, restartPages, busyTimeoutMs } = workerData as CheckpointWorkerData;
// fileMustExist: the store opened (and migrated) the file before starting this thread.
const db = new Database(path, { fileMustExist: true, timeout: busyTimeoutMs });
db.pragma('synchronous = FULL');
db.pragma('fullfsync = ON');
db.pragma('wal_autocheckpoint = 0');

function pass(id: number | undefined): CheckpointPass {
  const checkpoint = (mode: string) =>
    (db.pragma(`wal_checkpoint(${mode})`) as CheckpointRow[])[0]!;
  let started = performance.now();
  let row = checkpoint('PASSIVE');
  let restarted = false;
  if (row.log >= restartPages) {
    // RESTART holds commits back while it copies what was committed since the last
    // pass: run PASSIVE again while passes are long, so that little is left for it.
    for (let i = 0; i < MAX_CATCH_UP_PASSES && performance.now() - started > SHORT_PASS_MS; i++) {
      started = performance.now();
      row = checkpoint('PASSIVE');
    }
    row = checkpoint('RESTART');
    restarted = row.busy === 0;
  }
  return { type: 'pass', id, walPages: row.log, checkpointedPages: row.checkpointed, restarted };
}

/** Runs a pass; reports it when asked for (`now`), and any failure. */
function answer(id: number | undefined): void {
  try {
    const result = pass(id);
    if (id !== undefined) port!.postMessage(result satisfies CheckpointAnswer);
  } catch (error) {
    // SQLITE_BUSY past the timeout (a long reader): the next pass tries again.
    port!.postMessage({ type: 'error', message: String(error) } satisfies CheckpointAnswer);
  }
}

const timer = setInterval(() => answer(undefined), intervalMs);
port.on('message', (request: CheckpointRequest) => {
  if (request.type === 'now') {
    answer(request.id);
    return;
  }
  clearInterval(timer);
  db.close();
  port.close(); // nothing else keeps the thread alive: it exits
});
