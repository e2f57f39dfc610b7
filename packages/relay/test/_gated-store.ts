// A memory store whose commits and log reads a test can hold back or fail, to put
// the relay in the moments between a publish and its commit, or in the middle of a
// backfill, without timing.

import { MemoryRelayStore } from '../src/store/memory.js';
import type { CommitBatch, LogEntry } from '../src/store/types.js';

/** A gate that is open until held; `hold()` returns the function that opens it again. */
class Gate {
  #closed: Promise<void> | undefined;
  /** Resolves when something waits at the gate. */
  #waiting: (() => void) | undefined;

  hold(): { release: () => void; reached: Promise<void> } {
    let release = () => {};
    this.#closed = new Promise((resolve) => {
      release = () => {
        this.#closed = undefined;
        resolve();
      };
    });
    const reached = new Promise<void>((resolve) => {
      this.#waiting = resolve;
    });
    return { release, reached };
  }

  async pass(): Promise<void> {
    if (this.#closed === undefined) return;
    this.#waiting?.();
    await this.#closed;
  }
}

export class GatedStore extends MemoryRelayStore {
  readonly commits = new Gate();
  readonly reads = new Gate();
  #failNext = false;

  /** The next commit fails (nothing of it is stored), as a full disk would. */
  failNextCommit(): void {
    this.#failNext = true;
  }

  override async readEntries(
    channel: Uint8Array,
    from: number,
    limit: number,
  ): Promise<LogEntry[]> {
    await this.reads.pass();
    return super.readEntries(channel, from, limit);
  }

  override async commit(batch: CommitBatch): Promise<void> {
    await this.commits.pass();
    if (this.#failNext) {
      this.#failNext = false;
      throw new Error('commit failed (test)');
    }
    return super.commit(batch);
  }
}
