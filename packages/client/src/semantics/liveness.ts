// Liveness (spec/12-semantics.md §4): every member sends a heartbeat at the
// charter's interval; a member from whom none has arrived for SILENT_AFTER
// intervals is silent — reported once, until it is heard again. Pure.

/** A member is silent after this many heartbeat intervals without one. */
export const SILENT_AFTER_INTERVALS = 2.5;

export class Liveness {
  readonly #lastHeard = new Map<string, number>();
  readonly #reported = new Set<string>();

  /** `members`: hex keys of the others; `start`: when watching began (client clock). */
  constructor(
    readonly interval: number,
    members: readonly string[],
    start: number,
  ) {
    for (const member of members) this.#lastHeard.set(member, start);
  }

  get silentAfter(): number {
    return this.interval * SILENT_AFTER_INTERVALS;
  }

  /** A heartbeat of `member` arrived. Returns true if it had been reported silent. */
  heard(member: string, now: number): boolean {
    if (!this.#lastHeard.has(member)) return false;
    this.#lastHeard.set(member, now);
    return this.#reported.delete(member);
  }

  /** Members newly silent at `now`, with the time each was last heard. */
  silent(now: number): { member: string; lastHeard: number }[] {
    const out: { member: string; lastHeard: number }[] = [];
    for (const [member, last] of this.#lastHeard) {
      if (this.#reported.has(member) || now - last < this.silentAfter) continue;
      this.#reported.add(member);
      out.push({ member, lastHeard: last });
    }
    return out;
  }

  /** When the next member could become silent. */
  nextCheck(): number | undefined {
    let next: number | undefined;
    for (const [member, last] of this.#lastHeard) {
      if (this.#reported.has(member)) continue;
      const at = last + this.silentAfter;
      if (next === undefined || at < next) next = at;
    }
    return next;
  }
}
