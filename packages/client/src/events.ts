// A small typed event emitter: portable (no node:events), synchronous delivery in
// registration order. A listener that throws does not stop the others; the error
// goes to the `onListenerError` hook (by default rethrown on a later tick, so it is
// seen rather than swallowed).

type Listener<T> = (event: T) => void;

export class Emitter<Events extends Record<string, unknown>> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(
    private readonly onListenerError: (error: unknown) => void = (error) => {
      queueMicrotask(() => {
        throw error;
      });
    },
  ) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /**
   * Resolves with the next event `name` that satisfies `predicate`. With `signal`,
   * an abort removes the listener and rejects with the signal's reason: a caller
   * that stops waiting leaves nothing registered.
   */
  once<K extends keyof Events>(
    name: K,
    predicate: (event: Events[K]) => boolean = () => true,
    signal?: AbortSignal,
  ): Promise<Events[K]> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const abort = () => {
        off();
        reject(signal!.reason);
      };
      const off = this.on(name, (event) => {
        if (!predicate(event)) return;
        off();
        signal?.removeEventListener('abort', abort);
        resolve(event);
      });
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** Listeners registered for `name` (diagnostics, tests). */
  listenerCount(name: keyof Events): number {
    return this.#listeners.get(name)?.size ?? 0;
  }

  emit<K extends keyof Events>(name: K, event: Events[K]): void {
    const set = this.#listeners.get(name);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
