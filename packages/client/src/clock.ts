// Time, passed in so that the client is testable without sleeps: tests drive a
// manual clock; production uses the system clock.

/** Cancels a timer; calling it twice is harmless. */
export type CancelTimer = () => void;

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `callback` once after `ms` milliseconds. */
  setTimer(ms: number, callback: () => void): CancelTimer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, callback) {
    const handle = setTimeout(callback, ms);
    // Node: a pending reconnect or poll must not keep a finished process alive.
    (handle as { unref?: () => void }).unref?.();
    return () => clearTimeout(handle);
  },
};

/**
 * A clock that moves only when told to. `advance(ms)` fires the due timers in
 * time order, each at its own due time.
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 0;
  readonly #timers = new Map<number, { due: number; callback: () => void }>();

  constructor(start = 1_764_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, callback: () => void): CancelTimer {
    const id = this.#nextId++;
    this.#timers.set(id, { due: this.#now + Math.max(0, ms), callback });
    return () => this.#timers.delete(id);
  }

  /** How many timers are pending. */
  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: [number, { due: number; callback: () => void }] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].due <= end && (next === undefined || entry[1].due < next[1].due)) next = entry;
      }
      if (next === undefined) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].due;
      next[1].callback();
    }
    this.#now = end;
  }
}
