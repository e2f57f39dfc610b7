// Signature verification off the main thread: a small pool of worker threads, each
// verifying batches with @hotline/signer's `verify` on the native backend. Ed25519
// verification is a verifying relay's ceiling (about 80 µs per envelope); the main
// thread keeps decoding, the chain step, the group commit and the sockets.
//
// - Requests made in one turn of the event loop go out together, in batches of up
//   to `maxBatch`, at most two batches in flight per worker (one being verified,
//   one waiting), so a worker never idles while the main thread collects results.
// - Promises settle in the order the requests were made, whatever worker answers
//   first: a connection's publishes reach the chain step in arrival order.
// - A worker that dies is replaced; the requests it held reject (the publish is
//   answered RELAY_UNAVAILABLE and may be retried), never resolve false — a valid
//   signature must not be reported invalid because a thread crashed.
// - With nothing outstanding, up to `maxInlinePerTurn` requests per turn of the event
//   loop are verified on the calling thread (~80 µs each). At low load that is
//   cheaper than waking a worker and being woken by its answer, and it never waits
//   for a thread the scheduler has not run yet (measured here at 1,000 envelopes/s:
//   verification p99 0.4 ms inline, 5–10 ms when bursts of two went to an idle
//   worker). Under load something is always outstanding, so requests go to the
//   workers. Same function, same verdict; order is kept, since nothing earlier is
//   unsettled.
// - At most `maxQueued` requests wait or run; more reject at once.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { publicKeyOf, sign, verify } from '@hotline/signer';
import type { VerifyAnswer, VerifyBatch } from './lib/verify-worker.js';

export interface VerifyPoolOptions {
  /** Worker threads. Default max(1, availableParallelism() - 1): one core stays with the main thread. */
  size?: number;
  /** Most requests per batch message. Default 64 (~5 ms of verification). */
  maxBatch?: number;
  /** Most requests waiting or being verified before verify() rejects. Default 65536. */
  maxQueued?: number;
  /** Verify on the calling thread when no request is outstanding (see above). Default true. */
  inlineWhenIdle?: boolean;
  /** Most requests verified inline in one turn of the event loop. Default 8 (~0.7 ms). */
  maxInlinePerTurn?: number;
  /** Called when a worker dies unexpectedly (it is replaced). */
  onWorkerError?: (error: unknown) => void;
}

const STATE_PENDING = 0;
const STATE_VALID = 1;
const STATE_INVALID = 2;
const STATE_FAILED = 3;

interface Request {
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly resolve: (valid: boolean) => void;
  readonly reject: (error: Error) => void;
  state: number;
  error: Error | undefined;
}

interface Thread {
  readonly worker: Worker;
  /** Batches sent and not answered, by batch id. */
  readonly batches: Map<number, Request[]>;
  /** Whether it ever answered a batch (a thread that dies before that may not start at all). */
  answered: boolean;
}

/** Batches in flight per worker: one being verified, one queued behind it. */
const DEPTH = 2;
/** Verifications a new worker runs before the pool is ready (JIT warm-up, ~3 ms). */
const WARM_UP_BATCH = 32;
/** Workers that die one after another without answering anything: the pool gives up. */
const MAX_FAILED_STARTS = 3;

/**
 * The worker's module. Run from source (tests under tsx), this module still starts
 * the compiled worker: a worker thread does not inherit tsx's loader, so tests need
 * `tsc -b` first (as they do for the other packages).
 */
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? '../dist/lib/verify-worker.js' : './lib/verify-worker.js',
  import.meta.url,
);

export function defaultVerifyWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

export class VerifyPool {
  readonly size: number;
  readonly #maxBatch: number;
  readonly #maxQueued: number;
  readonly #onWorkerError: ((error: unknown) => void) | undefined;
  readonly #inlineWhenIdle: boolean;
  /** Requests verified on the calling thread and in workers (diagnostics). */
  readonly counts = { inline: 0, worker: 0 };
  readonly #threads: Thread[] = [];
  /** Every unsettled request, in the order made; settled strictly from the front. */
  #order: Request[] = [];
  #orderHead = 0;
  /** Requests not yet sent to a worker, in order. */
  #waiting: Request[] = [];
  #waitingHead = 0;
  #nextBatchId = 1;
  #flushScheduled = false;
  readonly #maxInlinePerTurn: number;
  /** Requests verified inline in this turn of the event loop. */
  #inlineThisTurn = 0;
  #failedStarts = 0;
  #broken: Error | undefined;
  #closed = false;

  constructor(options: VerifyPoolOptions = {}) {
    const size = options.size ?? defaultVerifyWorkers();
    const maxBatch = options.maxBatch ?? 64;
    const maxQueued = options.maxQueued ?? 65536;
    const maxInlinePerTurn = options.maxInlinePerTurn ?? 8;
    for (const [name, value] of [
      ['size', size],
      ['maxBatch', maxBatch],
      ['maxQueued', maxQueued],
      ['maxInlinePerTurn', maxInlinePerTurn],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(`${name} must be a positive integer`);
      }
    }
    this.size = size;
    this.#maxBatch = maxBatch;
    this.#maxQueued = maxQueued;
    this.#onWorkerError = options.onWorkerError;
    this.#inlineWhenIdle = options.inlineWhenIdle ?? true;
    this.#maxInlinePerTurn = maxInlinePerTurn;
    for (let i = 0; i < size; i++) this.#spawn();
  }

  /** The live worker threads (for tests and diagnostics; a dead one is replaced). */
  get workers(): readonly Worker[] {
    return this.#threads.map((thread) => thread.worker);
  }

  /** Requests waiting or being verified. */
  get queued(): number {
    return this.#order.length - this.#orderHead;
  }

  /**
   * Verifies like @hotline/signer's `verify` (false for any signature or key the rule
   * rejects), in a worker. Rejects if the pool is closed, full or broken, or if the
   * worker holding the request dies.
   */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
    if (!(signature instanceof Uint8Array)) throw new TypeError('signature must be a Uint8Array');
    if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
    if (!(publicKey instanceof Uint8Array)) throw new TypeError('publicKey must be a Uint8Array');
    if (this.#closed) return Promise.reject(new Error('verify pool is closed'));
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    if (this.queued >= this.#maxQueued) return Promise.reject(new Error('verify queue is full'));
    if (
      this.#inlineWhenIdle &&
      this.queued === 0 &&
      this.#inlineThisTurn < this.#maxInlinePerTurn
    ) {
      if (this.#inlineThisTurn++ === 0) {
        setImmediate(() => {
          this.#inlineThisTurn = 0;
        });
      }
      this.counts.inline++;
      try {
        return Promise.resolve(verify(signature, message, publicKey, { backend: 'native' }));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<boolean>((resolve, reject) => {
      const request: Request = {
        signature,
        message,
        publicKey,
        resolve,
        reject,
        state: STATE_PENDING,
        error: undefined,
      };
      this.#order.push(request);
      if (signature.length !== 64 || publicKey.length !== 32) {
        request.state = STATE_INVALID; // rule (1); settles in its turn
        this.#settle();
        return;
      }
      this.counts.worker++;
      this.#waiting.push(request);
      this.#scheduleFlush();
    });
  }

  /**
   * Resolves once every worker has answered a first batch (module loading and the
   * first verifications take a new thread up to a few hundred ms here under load): a
   * relay waits for it before it listens, so that no publish waits for a thread to
   * start. Rejects if a worker dies meanwhile (the relay then does not start).
   */
  async ready(): Promise<void> {
    const secretKey = new Uint8Array(32).fill(1);
    const message = new Uint8Array(300);
    const signature = sign(message, secretKey);
    const publicKey = publicKeyOf(secretKey);
    const warmUp = (thread: Thread) =>
      new Promise<void>((resolve, reject) => {
        const batch: Request[] = [];
        for (let i = 0; i < WARM_UP_BATCH; i++) {
          const last = i === WARM_UP_BATCH - 1;
          const request: Request = {
            signature,
            message,
            publicKey,
            resolve: last ? () => resolve() : () => {},
            reject,
            state: STATE_PENDING,
            error: undefined,
          };
          this.#order.push(request);
          batch.push(request);
        }
        this.#send(thread, batch);
      });
    await Promise.all(this.#threads.map(warmUp));
  }

  /** Rejects what has not been verified yet, stops the workers. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#failWaiting(new Error('verify pool is closed'));
    // Each exit fails the batches that worker still held (see #onExit).
    await Promise.all(this.#threads.map((thread) => thread.worker.terminate()));
  }

  #spawn(): void {
    const worker = new Worker(WORKER_URL);
    const thread: Thread = { worker, batches: new Map(), answered: false };
    worker.unref(); // referenced only while it holds batches
    worker.on('message', (answer: VerifyAnswer) => this.#onAnswer(thread, answer));
    worker.on('error', (error) => {
      if (!this.#closed) this.#onWorkerError?.(error);
    });
    worker.on('exit', (code) => this.#onExit(thread, code));
    this.#threads.push(thread);
  }

  #onAnswer(thread: Thread, answer: VerifyAnswer): void {
    const batch = thread.batches.get(answer.id);
    if (batch === undefined) return;
    thread.batches.delete(answer.id);
    thread.answered = true;
    this.#failedStarts = 0;
    if (thread.batches.size === 0) thread.worker.unref();
    if ('error' in answer) {
      const error = new Error(`signature verification failed in a worker: ${answer.error}`);
      for (const request of batch) {
        request.state = STATE_FAILED;
        request.error = error;
      }
    } else {
      for (let i = 0; i < batch.length; i++) {
        batch[i]!.state = answer.results[i] === 1 ? STATE_VALID : STATE_INVALID;
      }
    }
    this.#dispatch();
    this.#settle();
  }

  #onExit(thread: Thread, code: number): void {
    const index = this.#threads.indexOf(thread);
    if (index >= 0) this.#threads.splice(index, 1);
    const error = new Error(`verify worker exited (code ${code}) before answering`);
    for (const batch of thread.batches.values()) {
      for (const request of batch) {
        request.state = STATE_FAILED;
        request.error = error;
      }
    }
    thread.batches.clear();
    if (!this.#closed) {
      this.#onWorkerError?.(error);
      if (!thread.answered && ++this.#failedStarts >= MAX_FAILED_STARTS) {
        // Workers that cannot even start would be respawned forever: give up loudly.
        this.#broken = new Error('verify workers keep dying before answering; pool stopped');
        this.#failWaiting(this.#broken);
      } else {
        this.#spawn();
        this.#dispatch();
      }
    }
    this.#settle();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // Requests from every socket read in this turn of the loop join one batch.
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#dispatch();
    });
  }

  /** Sends waiting requests to workers with room, splitting them evenly. */
  #dispatch(): void {
    if (this.#closed) return;
    for (;;) {
      const waiting = this.#waiting.length - this.#waitingHead;
      if (waiting === 0) break;
      let room = 0;
      let target: Thread | undefined;
      for (const thread of this.#threads) {
        const free = DEPTH - thread.batches.size;
        if (free > 0) room += free;
        if (free > 0 && (target === undefined || thread.batches.size < target.batches.size)) {
          target = thread;
        }
      }
      if (target === undefined) break;
      const take = Math.min(this.#maxBatch, Math.ceil(waiting / room));
      const batch = this.#waiting.slice(this.#waitingHead, this.#waitingHead + take);
      this.#waitingHead += take;
      this.#send(target, batch);
    }
    if (this.#waitingHead === this.#waiting.length) {
      this.#waiting = [];
      this.#waitingHead = 0;
    }
  }

  #send(thread: Thread, batch: Request[]): void {
    let total = 0;
    for (const request of batch) total += 100 + request.message.length;
    const buffer = new ArrayBuffer(total);
    const bytes = new Uint8Array(buffer);
    const view = new DataView(buffer);
    let offset = 0;
    for (const request of batch) {
      view.setUint32(offset, request.message.length);
      bytes.set(request.signature, offset + 4);
      bytes.set(request.publicKey, offset + 68);
      bytes.set(request.message, offset + 100);
      offset += 100 + request.message.length;
    }
    const id = this.#nextBatchId++;
    thread.batches.set(id, batch);
    thread.worker.ref();
    const message: VerifyBatch = { id, count: batch.length, buffer };
    thread.worker.postMessage(message, [buffer]);
  }

  #failWaiting(error: Error): void {
    for (let i = this.#waitingHead; i < this.#waiting.length; i++) {
      const request = this.#waiting[i]!;
      request.state = STATE_FAILED;
      request.error = error;
    }
    this.#waiting = [];
    this.#waitingHead = 0;
    this.#settle();
  }

  /** Settles finished requests from the front of the order, stopping at the first unfinished. */
  #settle(): void {
    const order = this.#order;
    let head = this.#orderHead;
    while (head < order.length) {
      const request = order[head]!;
      if (request.state === STATE_PENDING) break;
      head++;
      if (request.state === STATE_FAILED) request.reject(request.error!);
      else request.resolve(request.state === STATE_VALID);
    }
    if (head === order.length) {
      this.#order = [];
      this.#orderHead = 0;
    } else if (head > 4096 && head * 2 > order.length) {
      this.#order = order.slice(head);
      this.#orderHead = 0;
    } else {
      this.#orderHead = head;
    }
  }
}
