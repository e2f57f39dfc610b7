// Prometheus metrics of one relay (own registry, so several relays in one process —
// tests — never collide).

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export class RelayMetrics {
  readonly registry = new Registry();
  readonly #connections = new Gauge({
    name: 'hotline_connections',
    help: 'Open WebSocket connections',
    registers: [this.registry],
  });
  readonly #publishes = new Counter({
    name: 'hotline_publishes_total',
    help: 'Envelopes appended to a log (durable)',
    registers: [this.registry],
  });
  readonly #rejects = new Counter({
    name: 'hotline_rejects_total',
    help: 'Rejections by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly #commitSeconds = new Histogram({
    name: 'hotline_commit_seconds',
    help: 'Duration of one group commit (store write, fsync included)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });
  readonly #publishSeconds = new Histogram({
    name: 'hotline_publish_seconds',
    help: 'From a publish frame read to its receipt handed to the socket (receipts only)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly #commitEntries = new Histogram({
    name: 'hotline_commit_entries',
    help: 'Entries per group commit',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024],
    registers: [this.registry],
  });
  readonly #backfillBytes = new Counter({
    name: 'hotline_backfill_bytes_total',
    help: 'Envelope bytes sent as backfill',
    registers: [this.registry],
  });

  constructor(defaultMetrics = false) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  connected(delta: 1 | -1): void {
    this.#connections.inc(delta);
  }
  published(): void {
    this.#publishes.inc();
  }
  /** One publish answered with a receipt, `seconds` after its frame was read. */
  receipted(seconds: number): void {
    this.#publishSeconds.observe(seconds);
  }
  rejected(code: string): void {
    this.#rejects.inc({ code });
  }
  committed(seconds: number, entries: number): void {
    this.#commitSeconds.observe(seconds);
    this.#commitEntries.observe(entries);
  }
  backfilled(bytes: number): void {
    this.#backfillBytes.inc(bytes);
  }
}
