// The SQLite store with its commits on a thread of their own. better-sqlite3 is
// synchronous: on the main thread, each group commit's write and fsync stop the event
// loop (about half of a loaded relay's busy time). Here a worker thread holds a second
// connection to the same file and runs `commit`; the main thread keeps serving.
//
// - Reads go to the main thread's connection, opened first (it runs the migrations
//   and checks the durability settings). In WAL mode each read statement outside a
//   transaction sees every transaction committed before it started, so a read made
//   after `commit` resolved sees the batch.
// - One commit at a time: a commit waits for the one before it to settle.
// - A writer thread that dies (a crash, or terminate()) is replaced at the next
//   commit. The commit it held settles by what is on disk: its connection closed
//   with the thread (rolling back an unfinished transaction), so if the main
//   connection's data_version moved, the batch's COMMIT returned (fsynced) and the
//   commit resolves; otherwise it rejects and nothing of the batch is visible.

import { Worker } from 'node:worker_threads';
import type { NodeId, NodeStore } from '@hotline/signer';
import Database from 'better-sqlite3';
import type {
  CommitAnswer,
  CommitFailure,
  CommitRequest,
  CommitWorkerData,
} from './commit-worker.js';
import {
  openSqliteStore,
  type SqliteRelayStore,
  type SqliteSettings,
  type SqliteStoreOptions,
} from './sqlite.js';
import type {
  ChainHeadRecord,
  ChannelRecord,
  CheckpointRecord,
  CommitBatch,
  EvidenceRecord,
  LogEntry,
  RelayStore,
} from './types.js';

/**
 * The worker's module. Run from source (tests under tsx), this module still starts
 * the compiled worker: a worker thread does not inherit tsx's loader, so tests need
 * `tsc -b` first.
 */
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? '../../dist/store/commit-worker.js' : './commit-worker.js',
  import.meta.url,
);

interface InFlight {
  readonly id: number;
  readonly worker: Worker;
  /** The main connection's data_version when the batch was sent. */
  readonly dataVersion: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** The error a worker reported, rebuilt with its class and `code`. */
function errorOf(failure: CommitFailure): Error {
  if (failure.code?.startsWith('SQLITE_')) {
    return new Database.SqliteError(failure.message, failure.code);
  }
  const error =
    failure.name === 'TypeError'
      ? new TypeError(failure.message)
      : failure.name === 'RangeError'
        ? new RangeError(failure.message)
        : new Error(failure.message);
  if (failure.code !== undefined) Object.assign(error, { code: failure.code });
  return error;
}

/**
 * Bytes to post: cloning a view clones its whole buffer (a socket read, Node's
 * Buffer pool), so a view into a larger buffer is copied first.
 */
function own(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : bytes.slice();
}

/**
 * The batch as plain records of its fields only: the relay's entries carry more
 * (a promise) that cannot be cloned, and needs not be.
 */
function cloneable(batch: CommitBatch): CommitBatch {
  return {
    channels: batch.channels.map((c) => ({ id: own(c.id), charter: own(c.charter), size: c.size })),
    entries: batch.entries.map((e) => ({
      channel: own(e.channel),
      index: e.index,
      id: own(e.id),
      sender: own(e.sender),
      seq: e.seq,
      envelope: own(e.envelope),
    })),
    nodes: batch.nodes.map((group) => ({
      channel: own(group.channel),
      nodes: group.nodes.map((n) => ({ level: n.level, index: n.index, hash: own(n.hash) })),
    })),
    checkpoints: batch.checkpoints.map((c) => ({
      channel: own(c.channel),
      size: c.size,
      checkpoint: own(c.checkpoint),
    })),
    evidence: batch.evidence.map((e) => ({
      channel: own(e.channel),
      kind: e.kind,
      existingId: own(e.existingId),
      envelope: own(e.envelope),
      time: e.time,
    })),
  };
}

/**
 * Opens the relay's SQLite database at `path` like openSqliteStore (same settings,
 * checks and errors, thrown here), and starts the thread that will write to it.
 */
export function openThreadedSqliteStore(
  path: string,
  options: SqliteStoreOptions = {},
): ThreadedSqliteStore {
  return new ThreadedSqliteStore(openSqliteStore(path, options), path, options);
}

/** A RelayStore that reads on the calling thread and commits on a worker thread. */
export class ThreadedSqliteStore implements RelayStore {
  readonly #reader: SqliteRelayStore;
  readonly #workerData: CommitWorkerData;
  #worker: Worker | undefined;
  #inFlight: InFlight | undefined;
  /** Settles when every commit asked for so far has settled. */
  #tail: Promise<void> = Promise.resolve();
  #nextId = 1;
  #closing: Promise<void> | undefined;

  /** @internal Use openThreadedSqliteStore. */
  constructor(reader: SqliteRelayStore, path: string, options: SqliteStoreOptions) {
    this.#reader = reader;
    // The reader's store runs the background checkpointer (if any); the writer's
    // connection checkpoints inside its commits only when told to ('inline').
    const walCheckpoint = options.walCheckpoint === 'inline' ? 'inline' : 'elsewhere';
    const { checkpointer: _, ...writerOptions } = options;
    this.#workerData = { path, options: { ...writerOptions, walCheckpoint } };
    this.#worker = this.#spawn(); // started now: the first commit need not wait for it
  }

  /** The writer thread, if one is running (for tests and diagnostics). */
  get worker(): Worker | undefined {
    return this.#worker;
  }

  listChannels(): Promise<ChannelRecord[]> {
    return this.#reader.listChannels();
  }

  getChannel(id: Uint8Array): Promise<ChannelRecord | undefined> {
    return this.#reader.getChannel(id);
  }

  readEntries(channel: Uint8Array, from: number, limit: number): Promise<LogEntry[]> {
    return this.#reader.readEntries(channel, from, limit);
  }

  findById(channel: Uint8Array, id: Uint8Array): Promise<LogEntry | undefined> {
    return this.#reader.findById(channel, id);
  }

  findBySenderSeq(
    channel: Uint8Array,
    sender: Uint8Array,
    seq: number,
  ): Promise<LogEntry | undefined> {
    return this.#reader.findBySenderSeq(channel, sender, seq);
  }

  chainHead(channel: Uint8Array, sender: Uint8Array): Promise<ChainHeadRecord | undefined> {
    return this.#reader.chainHead(channel, sender);
  }

  readNodes(channel: Uint8Array, ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    return this.#reader.readNodes(channel, ids);
  }

  nodeStoreFor(channel: Uint8Array): NodeStore {
    return this.#reader.nodeStoreFor(channel);
  }

  latestCheckpoint(channel: Uint8Array): Promise<CheckpointRecord | undefined> {
    return this.#reader.latestCheckpoint(channel);
  }

  /** The evidence kept for a channel, in commit order (see SqliteRelayStore). */
  readEvidence(channel: Uint8Array): Promise<EvidenceRecord[]> {
    return this.#reader.readEvidence(channel);
  }

  /** The durability settings of the main thread's connection. */
  settings(): SqliteSettings {
    return this.#reader.settings();
  }

  /**
   * Writes the batch on the writer thread, after every earlier commit has settled;
   * resolves after its fsync, rejects with SQLite's error (its `code` kept) if the
   * batch was rolled back, or with an Error if the thread died before committing it.
   */
  commit(batch: CommitBatch): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(new TypeError('the store is closed'));
    const run = this.#tail.then(() => this.#send(batch));
    this.#tail = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /** Waits for the commits asked for, stops the writer thread, closes the reader. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#tail;
      const worker = this.#worker;
      if (worker !== undefined) {
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.ref(); // until it has exited
        worker.postMessage({ type: 'close' } satisfies CommitRequest);
        await exited;
      }
      await this.#reader.close();
    })();
    return this.#closing;
  }

  #send(batch: CommitBatch): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const worker = this.#worker ?? this.#spawn();
      this.#worker = worker;
      const id = this.#nextId++;
      const dataVersion = this.#reader.dataVersion();
      try {
        worker.postMessage({ type: 'commit', id, batch: cloneable(batch) } satisfies CommitRequest);
      } catch (error) {
        reject(error as Error); // a malformed batch (not arrays, values that cannot be cloned)
        return;
      }
      this.#inFlight = { id, worker, dataVersion, resolve, reject };
      worker.ref(); // a commit in flight keeps the process alive
    });
  }

  #spawn(): Worker {
    const worker = new Worker(WORKER_URL, { workerData: this.#workerData });
    worker.unref(); // referenced only while a commit is in flight
    let failure: unknown;
    worker.on('message', (answer: CommitAnswer) => {
      const inFlight = this.#inFlight;
      if (inFlight === undefined || inFlight.id !== answer.id) return;
      this.#inFlight = undefined;
      worker.unref();
      if (answer.ok) inFlight.resolve();
      else inFlight.reject(errorOf(answer.error));
    });
    worker.on('error', (error) => {
      failure = error; // 'exit' follows and settles the commit in flight
    });
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#worker = undefined;
      const inFlight = this.#inFlight;
      if (inFlight === undefined || inFlight.worker !== worker) return;
      this.#inFlight = undefined;
      // The thread's connection is closed: its transaction either committed or is gone.
      if (this.#reader.dataVersion() !== inFlight.dataVersion) {
        inFlight.resolve();
      } else {
        inFlight.reject(
          new Error(`the commit thread exited (code ${code}) before committing`, {
            cause: failure,
          }),
        );
      }
    });
    return worker;
  }
}
