// The body of the threaded store's writer thread (see ./threaded.ts): opens its own
// SqliteRelayStore on the relay's file (the same durability settings, checked the
// same way) and runs each batch it is sent through `commit`, answering once the
// commit is fsynced. One batch at a time: the next message waits for this one.

import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite.js';
import type { CommitBatch } from './types.js';

export interface CommitWorkerData {
  readonly path: string;
  readonly options: SqliteStoreOptions;
}

export type CommitRequest =
  | { readonly type: 'commit'; readonly id: number; readonly batch: CommitBatch }
  | { readonly type: 'close' };

/** A thrown error, as plain data: structured cloning keeps neither `code` nor the class. */
export interface CommitFailure {
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
}

export type CommitAnswer =
  | { readonly id: number; readonly ok: true }
  | { readonly id: number; readonly ok: false; readonly error: CommitFailure };

const port = parentPort;
if (port === null) throw new Error('commit-worker runs only as a worker thread');
const { path, options } = workerData as CommitWorkerData;
// Throws (and so ends the thread, failing what was sent) if the file cannot be opened.
const store = openSqliteStore(path, options);

port.on('message', async (request: CommitRequest) => {
  if (request.type === 'close') {
    await store.close();
    port.close(); // nothing else keeps the thread alive: it exits
    return;
  }
  try {
    await store.commit(request.batch);
    port.postMessage({ id: request.id, ok: true } satisfies CommitAnswer);
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown; code?: unknown };
    const failure: CommitFailure = {
      name: typeof e?.name === 'string' ? e.name : 'Error',
      message: typeof e?.message === 'string' ? e.message : String(error),
      code: typeof e?.code === 'string' ? e.code : undefined,
    };
    port.postMessage({ id: request.id, ok: false, error: failure } satisfies CommitAnswer);
  }
});
