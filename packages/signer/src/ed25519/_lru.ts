/**
 * A Map bounded to `capacity` entries that evicts the least recently used one.
 * Keys are strings built from bytes, so a cached verdict can never follow a
 * caller's buffer that changes afterwards.
 */
export class LruMap<V> {
  readonly #entries = new Map<string, V>();
  readonly capacity: number;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError('capacity must be a positive integer');
    }
    this.capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** A compact string key for a short byte string (one char per byte). */
export function bytesKey(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
