// The demo's readable timeline: one line per event, time since the start, who.

export class Timeline {
  readonly #start = Date.now();
  readonly events: { at: number; who: string; what: string }[] = [];

  constructor(
    private readonly write: (line: string) => void,
    private readonly json: boolean,
  ) {}

  say(who: string, what: string): void {
    const at = Date.now() - this.#start;
    this.events.push({ at, who, what });
    if (!this.json)
      this.write(`${`+${(at / 1000).toFixed(2)}s`.padStart(8)}  ${who.padEnd(8)} ${what}\n`);
  }
}
