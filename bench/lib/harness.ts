// A tiny benchmark harness: ops/s as the median of several timed rounds, so a noisy
// shared machine skews one round, not the figure.

export interface Measurement {
  name: string;
  opsPerSec: number;
}

/** Runs `fn` repeatedly for about `roundMs` per round, `rounds` times; returns the median ops/s. */
export function measure(name: string, fn: () => unknown, rounds = 5, roundMs = 400): Measurement {
  for (let i = 0; i < 200; i++) fn(); // warm-up: let the JIT settle
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < roundMs) {
      for (let i = 0; i < 100; i++) fn();
      ops += 100;
      elapsed = performance.now() - start;
    }
    rates.push((ops * 1000) / elapsed);
  }
  rates.sort((a, b) => a - b);
  return { name, opsPerSec: rates[Math.floor(rates.length / 2)]! };
}

export function formatRate(opsPerSec: number): string {
  return opsPerSec >= 1000 ? `${(opsPerSec / 1000).toFixed(1)}k` : opsPerSec.toFixed(0);
}

/** Prints rows as a Markdown table (so it can be pasted into READMEs and issue notes). */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(headers));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}
