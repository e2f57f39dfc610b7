// An open-loop stream for bench/client.ts: item i is sent at start + i / rate
// whatever happened to earlier items, and its latency runs from just before the
// send call to the receiver's callback (one process, one clock: performance.now()).
// The first `warmup` items are sent on the same schedule but not counted.

import { setTimeout as sleep } from 'node:timers/promises';

export interface StreamSpec {
  /** Items per second, offered. */
  readonly rate: number;
  /** Items sent and not counted, before the `count` that are. */
  readonly warmup: number;
  readonly count: number;
  /** After the last send, how long to wait for missing arrivals, ms. */
  readonly drainMs: number;
}

export interface StreamResult {
  /** Counted items that arrived. */
  readonly arrived: number;
  readonly count: number;
  /** Latency percentiles of the counted items that arrived, ms. */
  readonly p50: number;
  readonly p99: number;
  /** Counted arrivals per second, from the first counted send to the last counted arrival. */
  readonly achieved: number;
  /** Median duration of the send call itself (synchronous work before it returns), ms. */
  readonly sendP50: number;
  /** Median latency to the first `answered(i)` (the sender's first receipt), ms; NaN if none. */
  readonly answerP50: number;
  /** Wall time of the whole stream (warm-up included), ms. */
  readonly wallMs: number;
  /** CPU of this process over the whole stream, in cores. */
  readonly cores: number;
}

/** The value below which a fraction `p` of `sorted` lies (nearest rank). */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/**
 * Runs one stream. `send(i)` sends item i; the receiver calls the returned
 * `arrived(i)` for each item it gets (a second arrival of the same item is ignored),
 * the sender `answered(i)` when a relay has receipted it (the first call counts).
 */
export function stream(spec: StreamSpec): {
  arrived(i: number): void;
  answered(i: number): void;
  run(send: (i: number) => void): Promise<StreamResult>;
} {
  const total = spec.warmup + spec.count;
  const sentAt = new Float64Array(total).fill(Number.NaN);
  const arrivedAt = new Float64Array(total).fill(Number.NaN);
  const sendMs = new Float64Array(total);
  const answeredAt = new Float64Array(total).fill(Number.NaN);
  let pending = total;
  let allArrived: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allArrived = resolve;
  });
  return {
    arrived(i) {
      if (!(i >= 0 && i < total) || !Number.isNaN(arrivedAt[i]!)) return;
      arrivedAt[i] = performance.now();
      if (--pending === 0) allArrived();
    },
    answered(i) {
      if (i >= 0 && i < total && Number.isNaN(answeredAt[i]!)) answeredAt[i] = performance.now();
    },
    async run(send) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      let next = 0;
      await new Promise<void>((resolve) => {
        const tick = () => {
          const due = Math.min(
            total,
            Math.floor(((performance.now() - start) * spec.rate) / 1000) + 1,
          );
          while (next < due) {
            const i = next++;
            const t0 = performance.now();
            sentAt[i] = t0;
            send(i);
            sendMs[i] = performance.now() - t0;
          }
          if (next >= total) resolve();
          else setTimeout(tick, Math.max(0, start + (next * 1000) / spec.rate - performance.now()));
        };
        tick();
      });
      await Promise.race([done, sleep(spec.drainMs)]);
      const wallMs = performance.now() - start;
      const used = process.cpuUsage(cpu);

      const latencies: number[] = [];
      let last = Number.NEGATIVE_INFINITY;
      for (let i = spec.warmup; i < total; i++) {
        const at = arrivedAt[i]!;
        if (Number.isNaN(at)) continue;
        latencies.push(at - sentAt[i]!);
        last = Math.max(last, at);
      }
      latencies.sort((a, b) => a - b);
      const answers: number[] = [];
      for (let i = spec.warmup; i < total; i++) {
        if (!Number.isNaN(answeredAt[i]!)) answers.push(answeredAt[i]! - sentAt[i]!);
      }
      answers.sort((a, b) => a - b);
      const sends = Array.from(sendMs.subarray(spec.warmup)).sort((a, b) => a - b);
      return {
        arrived: latencies.length,
        count: spec.count,
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
        achieved: (latencies.length * 1000) / (last - sentAt[spec.warmup]!),
        sendP50: percentile(sends, 0.5),
        answerP50: percentile(answers, 0.5),
        wallMs,
        cores: (used.user + used.system) / 1000 / wallMs,
      };
    },
  };
}
