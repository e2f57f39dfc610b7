/** A token bucket: holds at most `burst` tokens and refills at `rate` per second. */
export class TokenBucket {
  #tokens: number;
  #updated: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#updated = now;
  }

  /** Takes one token if there is one; otherwise returns the ms until the next. */
  take(now: number): { ok: true } | { ok: false; retryAfter: number } {
    const elapsed = Math.max(0, now - this.#updated);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.rate) / 1000);
    this.#updated = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfter: Math.ceil(((1 - this.#tokens) * 1000) / this.rate) };
  }
}
