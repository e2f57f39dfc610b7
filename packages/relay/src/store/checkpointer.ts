// Copies the write-ahead log back into the database file on a thread of its own
// (./checkpoint-worker.ts), instead of SQLite's automatic checkpoint, which runs
// inside whichever commit crosses 1,000 WAL pages and makes that commit, and every
// receipt waiting on it, several times slower (measured: the commit p99 at 10
// entries per commit went from ~13 ms to ~8 ms without it).
//
// A thread that dies is started again after `respawnMs`: until then the WAL only
// grows, and nothing committed is at risk.

import { Worker } from 'node:worker_threads';
import type {
  CheckpointAnswer,
  CheckpointPass,
  CheckpointRequest,
  CheckpointWorkerData,
} from './checkpoint-worker.js';

export type { CheckpointPass } from './checkpoint-worker.js';

export interface WalCheckpointerOptions {
  /** Milliseconds between PASSIVE checkpoints. Default 100. */
  readonly intervalMs?: number;
  /**
   * WAL size, in pages, past which a pass also runs a RESTART checkpoint so that the
   * next commit starts the WAL over. Default 16,384 (64 MiB of 4 KiB pages).
   */
  readonly restartPages?: number;
  /** How long a RESTART waits for the commit in progress, ms. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Delay before a thread that died is replaced, ms. Default 1000. */
  readonly respawnMs?: number;
  /** Told about a thread that died or a pass that failed. */
  readonly onError?: (error: unknown) => void;
}

const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts')
    ? '../../dist/store/checkpoint-worker.js'
    : './checkpoint-worker.js',
  import.meta.url,
);

export class WalCheckpointer {
  readonly #data: CheckpointWorkerData;
  readonly #respawnMs: number;
  readonly #onError: (error: unknown) => void;
  #worker: Worker | undefined;
  #respawn: ReturnType<typeof setTimeout> | undefined;
  readonly #asked = new Map<
    number,
    { resolve: (pass: CheckpointPass) => void; reject: (error: Error) => void }
  >();
  #nextId = 1;
  #closing: Promise<void> | undefined;

  /** Starts the thread on `path` (a WAL database that exists). */
  constructor(path: string, options: WalCheckpointerOptions = {}) {
    this.#data = {
      path,
      intervalMs: options.intervalMs ?? 1000,
      restartPages: options.restartPages ?? 16_384,
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    };
    this.#respawnMs = options.respawnMs ?? 1000;
    this.#onError = options.onError ?? (() => {});
    this.#worker = this.#spawn();
  }

  /** The thread, while one runs (for tests). */
  get worker(): Worker | undefined {
    return this.#worker;
  }

  /** Runs a pass now and resolves with what it did (tests, diagnostics). */
  checkpointNow(): Promise<CheckpointPass> {
    const worker = this.#worker;
    if (worker === undefined || this.#closing !== undefined) {
      return Promise.reject(new Error('the checkpointer is not running'));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#asked.set(id, { resolve, reject });
      worker.ref(); // while an answer is awaited
      worker.postMessage({ type: 'now', id } satisfies CheckpointRequest);
    });
  }

  /** Stops the thread (after the pass it may be running). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearTimeout(this.#respawn);
      const worker = this.#worker;
      this.#worker = undefined;
      if (worker === undefined) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.ref(); // until it has exited: nothing else may keep the process alive
      worker.postMessage({ type: 'close' } satisfies CheckpointRequest);
      await exited;
    })();
    return this.#closing;
  }

  #spawn(): Worker {
    const worker = new Worker(WORKER_URL, { workerData: this.#data });
    worker.unref(); // the store's close() ends it; it never keeps a process alive
    worker.on('message', (answer: CheckpointAnswer) => {
      if (answer.type === 'error') {
        this.#onError(new Error(`WAL checkpoint failed: ${answer.message}`));
        return;
      }
      if (answer.id === undefined) return;
      this.#asked.get(answer.id)?.resolve(answer);
      this.#asked.delete(answer.id);
      if (this.#asked.size === 0) worker.unref();
    });
    worker.on('error', (error) => this.#onError(error));
    worker.on('exit', () => {
      if (this.#worker !== worker) return; // closed
      this.#worker = undefined;
      const died = new Error('the WAL checkpointer thread exited; it is started again');
      for (const { reject } of this.#asked.values()) reject(died);
      this.#asked.clear();
      this.#onError(died);
      this.#respawn = setTimeout(() => {
        if (this.#closing === undefined) this.#worker = this.#spawn();
      }, this.#respawnMs);
      this.#respawn.unref();
    });
    return worker;
  }
}
