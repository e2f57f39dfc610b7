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

  /** Resolves with the next event `name` that satisfies `predicate`. */
  once<K extends keyof Events>(
    name: K,
    predicate: (event: Events[K]) => boolean = () => true,
  ): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(name, (event) => {
        if (!predicate(event)) return;
        off();
        resolve(event);
      });
    });
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
