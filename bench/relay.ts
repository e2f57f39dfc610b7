// bench/relay: durable verified envelopes/s through a relay on a SQLite file
// (synchronous=FULL), with publish→receipt and publish→deliver latency, next to three
// baselines measured in the same run: a bare `ws` forwarder, the same forwarder
// verifying every signature first (the ceiling of any verifying relay on this
// machine), and raw crypto.verify on one core. Then a fixed-rate run (1,000
// envelopes/s) for its p99 publish→receipt, next to the relay's own part of it (its
// hotline_publish_seconds histogram). The load generator runs in its own
// process (bench/relay/loadgen.ts). The relay runs with its defaults (the CLI's):
// commits on the main thread, WAL checkpoints on a thread of their own.
//
// Run: npm run bench:relay [-- --runs 3 --configs 16x300,4x16384 --workers 1
//        --no-forwarder --no-inline --no-fixed --threaded-store --wal-checkpoint inline]
// --threaded-store: commits on a writer thread (openThreadedSqliteStore);
// --wal-checkpoint inline: SQLite's automatic checkpoint inside commits.

import { type ChildProcess, fork } from 'node:child_process';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS, toHex } from '@hotline/codec';
import { type RelayLimits, startRelay } from '../packages/relay/src/index.js';
import { openSqliteStore } from '../packages/relay/src/store/sqlite.js';
import { openThreadedSqliteStore } from '../packages/relay/src/store/threaded.js';
import { defaultVerifyWorkers } from '../packages/relay/src/verify-pool.js';
import { formatRate, measure, printTable } from './lib/harness.js';
import { benchKey, signWith } from './relay/envelopes.js';
import { startForwarder } from './relay/forwarder.js';
import type { FromLoadgen, LoadResult, LoadSpec } from './relay/protocol.js';

// ---- arguments ----

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const RUNS = Number(option('runs') ?? 3);
const WORKERS = Number(option('workers') ?? defaultVerifyWorkers());
const CONFIGS = (option('configs') ?? '1x300,4x300,16x300,1x16384,4x16384,16x16384')
  .split(',')
  .map((c) => {
    const [connections, body] = c.split('x').map(Number);
    return { connections: connections!, bodyBytes: body! };
  })
  .filter((c) => c.connections > 0 && c.bodyBytes > 0); // --configs none: the fixed-rate run only
const THREADED_STORE = flag('threaded-store');
const WAL_CHECKPOINT = (option('wal-checkpoint') ?? 'background') as 'background' | 'inline';
const WINDOW = 16;
const MAX_MS = 3000;
const maxCountFor = (bodyBytes: number) => (bodyBytes <= 1024 ? 40_000 : 8_000);
const FIXED = { rate: 1000, seconds: 5, connections: 4, bodyBytes: 300 };

/** Raised so that rate limits never refuse the benchmark's load (defaults: 100/s per connection, 20/s per sender). */
const BENCH_LIMITS: Partial<RelayLimits> = {
  publishRate: 1_000_000,
  publishBurst: 1_000_000,
  senderRate: 1_000_000,
  senderBurst: 1_000_000,
};
const RELAY_KEY = benchKey('relay');

// ---- the load generator process ----

const loadgen: ChildProcess = fork(
  fileURLToPath(new URL('./relay/loadgen.ts', import.meta.url)),
  [],
  {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  },
);
let answer: ((message: FromLoadgen) => void) | undefined;
loadgen.on('message', (message: FromLoadgen) => answer?.(message));
const fromLoadgen = () =>
  new Promise<FromLoadgen>((resolve) => {
    answer = resolve;
  });
const ready = fromLoadgen();
loadgen.once('exit', (code) => {
  if (code !== 0) {
    console.error(`load generator exited with code ${code}`);
    process.exit(1);
  }
});

/** A load's result with what it cost the server process (relay or forwarder). */
interface Run extends LoadResult {
  /** Event-loop utilisation of the server's main thread during the load, 0–1. */
  readonly serverElu: number;
  /** CPU of the whole server process (main thread and verify workers), in cores. */
  readonly serverCores: number;
  /** Relay only: group commits during the run (warm-up and founding included) and their mean ms. */
  readonly commits?: number;
  readonly commitMs?: number;
  /** Relay only: its own part of publish→receipt (hotline_publish_seconds), p50 and p99 as bucket bounds, ms. */
  readonly relayReceiptMs?: readonly [number, number];
}

async function load(spec: LoadSpec): Promise<Run> {
  const begun = fromLoadgen();
  loadgen.send({ type: 'run', spec });
  const first = await begun;
  if (first.type !== 'started') throw new Error(`load generator: ${JSON.stringify(first)}`);
  // Measured from here: the load generator's set-up (signing, founding) is not the relay's.
  const reply = fromLoadgen();
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const message = await reply;
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (message.type !== 'result') throw new Error(`load generator: ${JSON.stringify(message)}`);
  return {
    ...message.result,
    serverElu: performance.eventLoopUtilization(elu).utilization,
    serverCores: (used.user + used.system) / 1000 / wall,
  };
}

// ---- one run against each kind of server ----

async function relayRun(
  connections: number,
  bodyBytes: number,
  verifyWorkers: number,
  fixed?: { rate: number; count: number; ms: number },
): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-relay-'));
  const path = join(dir, 'relay.sqlite');
  const storeOptions = { walCheckpoint: WAL_CHECKPOINT };
  const store = THREADED_STORE
    ? openThreadedSqliteStore(path, storeOptions)
    : openSqliteStore(path, storeOptions);
  if (store.settings().synchronous !== 2) throw new Error('expected synchronous=FULL');
  const relay = await startRelay({
    secretKey: RELAY_KEY.secret,
    store,
    founders: { mode: 'open' },
    port: 0,
    limits: BENCH_LIMITS,
    verifyWorkers,
  });
  try {
    const run = await load({
      mode: 'relay',
      url: relay.url,
      relayKey: toHex(relay.publicKey),
      connections,
      bodyBytes,
      window: WINDOW,
      maxCount: fixed?.count ?? maxCountFor(bodyBytes),
      maxMs: fixed?.ms ?? MAX_MS,
      ...(fixed ? { rate: fixed.rate } : {}),
    });
    // Group commits: count and total seconds (prom-client histogram sum and count).
    const metrics = await relay.metrics.registry.getMetricsAsJSON();
    const commit = metrics.find((m) => m.name === 'hotline_commit_seconds');
    const value = (name: string) =>
      (commit?.values as { metricName?: string; value: number }[] | undefined)?.find(
        (v) => v.metricName === name,
      )?.value ?? Number.NaN;
    return {
      ...run,
      relayReceiptMs: [0.5, 0.99].map((q) =>
        bucketQuantile(metrics.find((m) => m.name === 'hotline_publish_seconds')?.values, q),
      ) as [number, number],
      commits: value('hotline_commit_seconds_count'),
      commitMs:
        (value('hotline_commit_seconds_sum') * 1000) / value('hotline_commit_seconds_count'),
    };
  } finally {
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The upper bound, in ms, of the histogram bucket that holds quantile `q` (prom-client
 * JSON values: cumulative `_bucket` counts by `le`): "at most this".
 */
function bucketQuantile(values: unknown, q: number): number {
  const buckets = (
    (values ?? []) as { metricName?: string; labels: { le?: number | string }; value: number }[]
  )
    .filter((v) => v.metricName?.endsWith('_bucket'))
    .map((v) => ({ le: Number(v.labels.le), count: v.value }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  const bucket = buckets.find((b) => b.count >= q * total);
  return bucket === undefined || total === 0 ? Number.NaN : bucket.le * 1000;
}

async function forwarderRun(
  connections: number,
  bodyBytes: number,
  verifyWorkers?: number,
): Promise<Run> {
  const forwarder = await startForwarder(
    LIMITS.MAX_FRAME_BYTES,
    verifyWorkers === undefined ? {} : { verifyWorkers },
  );
  try {
    return await load({
      mode: 'forward',
      url: forwarder.url,
      relayKey: toHex(RELAY_KEY.publicKey),
      connections,
      bodyBytes,
      window: WINDOW,
      maxCount: maxCountFor(bodyBytes) * 4,
      maxMs: MAX_MS,
    });
  } finally {
    await forwarder.close();
  }
}

// ---- figures ----

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const rate = (r: LoadResult) => (r.answered * 1000) / r.elapsedMs;
const ms = (value: number) => (value >= 10 ? value.toFixed(0) : value.toFixed(1));
const problems: string[] = [];
function check(name: string, r: Run): Run {
  if (r.errors > 0 || r.incomplete || r.delivered < r.answered) {
    problems.push(
      `${name}: ${r.errors} errors ${JSON.stringify(r.errorCodes)}, ${r.answered}/${r.published} answered, ` +
        `${r.delivered} delivered${r.incomplete ? ', timed out' : ''}`,
    );
  }
  return r;
}

/** Median of each figure over runs (each figure on its own). */
function summarize(results: Run[]) {
  return {
    elu: median(results.map((r) => r.serverElu)),
    serverCores: median(results.map((r) => r.serverCores)),
    loadgenCores: median(results.map((r) => r.cpuMs / r.elapsedMs)),
    perCommit: median(results.map((r) => r.answered / (r.commits ?? Number.NaN))),
    commitMs: median(results.map((r) => r.commitMs ?? Number.NaN)),
    rate: median(results.map(rate)),
    rates: results.map(rate),
    receipt: [
      median(results.map((r) => r.receiptMs[0])),
      median(results.map((r) => r.receiptMs[1])),
    ],
    deliver: [
      median(results.map((r) => r.deliverMs[0])),
      median(results.map((r) => r.deliverMs[1])),
    ],
  };
}

// ---- main ----

await ready;
console.log(
  `bench/relay — Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(
      ' ',
    )}; commits on ${THREADED_STORE ? 'a writer thread (--threaded-store)' : 'the main thread'}, WAL checkpoints ${WAL_CHECKPOINT === 'background' ? 'on a thread of their own' : 'inside commits (--wal-checkpoint inline)'}`,
);

// Baseline: raw node:crypto Ed25519 verify on this thread, cached KeyObject.
const message = new Uint8Array(400).fill(7);
const signature = signWith(RELAY_KEY, message);
const keyObject = createPublicKey({
  key: Buffer.from(`302a300506032b6570032100${toHex(RELAY_KEY.publicKey)}`, 'hex'),
  format: 'der',
  type: 'spki',
});
const raw = measure('raw crypto.verify', () => cryptoVerify(null, message, keyObject, signature));

// Warm-up (JIT, page cache), not reported.
await relayRun(4, 300, WORKERS);
if (!flag('no-forwarder')) await forwarderRun(4, 300);

const rows: string[][] = [];
const inlineRows: string[][] = [];
let goal: { rate: number; rates: number[] } | undefined;
for (const { connections, bodyBytes } of CONFIGS) {
  const label = `${connections} × ${bodyBytes >= 1024 ? `${bodyBytes / 1024} KiB` : `${bodyBytes} B`}`;
  const relayResults: Run[] = [];
  const inlineResults: Run[] = [];
  const forwardResults: Run[] = [];
  const verifyingResults: Run[] = [];
  for (let run = 0; run < RUNS; run++) {
    relayResults.push(check(`relay ${label}`, await relayRun(connections, bodyBytes, WORKERS)));
    if (!flag('no-forwarder')) {
      forwardResults.push(check(`forwarder ${label}`, await forwarderRun(connections, bodyBytes)));
      verifyingResults.push(
        check(`verifying forwarder ${label}`, await forwarderRun(connections, bodyBytes, WORKERS)),
      );
    }
    if (!flag('no-inline') && connections === 16) {
      inlineResults.push(check(`inline ${label}`, await relayRun(connections, bodyBytes, 0)));
    }
  }
  const s = summarize(relayResults);
  if (connections === 16 && bodyBytes === 300) goal = s;
  const forwarded = forwardResults.length > 0 ? summarize(forwardResults).rate : Number.NaN;
  const verifiedForward =
    verifyingResults.length > 0 ? summarize(verifyingResults).rate : Number.NaN;
  rows.push([
    label,
    `${formatRate(s.rate)} (${s.rates.map(formatRate).join(' / ')})`,
    `${((s.rate / raw.opsPerSec) * 100).toFixed(0)}%`,
    `${ms(s.receipt[0]!)} / ${ms(s.receipt[1]!)}`,
    `${ms(s.deliver[0]!)} / ${ms(s.deliver[1]!)}`,
    Number.isNaN(forwarded) ? '–' : formatRate(forwarded),
    Number.isNaN(forwarded) ? '–' : `${((s.rate / forwarded) * 100).toFixed(0)}%`,
    Number.isNaN(verifiedForward)
      ? '–'
      : `${formatRate(verifiedForward)} (${((verifiedForward / raw.opsPerSec) * 100).toFixed(0)}%)`,
    `${(s.elu * 100).toFixed(0)}% / ${s.serverCores.toFixed(2)} / ${s.loadgenCores.toFixed(2)}`,
    `${s.perCommit.toFixed(0)} / ${s.commitMs.toFixed(1)}`,
  ]);
  if (inlineResults.length > 0) {
    const i = summarize(inlineResults);
    inlineRows.push([
      label,
      `${formatRate(i.rate)} (${i.rates.map(formatRate).join(' / ')})`,
      `${((i.rate / raw.opsPerSec) * 100).toFixed(0)}%`,
      `${((s.rate / i.rate) * 100).toFixed(0)}%`,
      `${ms(i.receipt[0]!)} / ${ms(i.receipt[1]!)}`,
      `${(i.elu * 100).toFixed(0)}% / ${i.serverCores.toFixed(2)} / ${i.loadgenCores.toFixed(2)}`,
    ]);
  }
}

console.log();
console.log(
  `Relay: SQLite file, synchronous=FULL, ${WORKERS} verify worker(s), window ${WINDOW} per connection, ` +
    `one subscriber per channel, ${MAX_MS / 1000} s per run; rate limits raised for the bench ` +
    '(publishRate, senderRate: 10^6/s). Medians of ' +
    `${RUNS} runs. Raw crypto.verify (one core, cached KeyObject): ${formatRate(raw.opsPerSec)}/s.`,
);
console.log();
printTable(
  [
    'connections × body',
    'receipts/s (runs)',
    'vs raw verify/core',
    'receipt p50 / p99 ms',
    'deliver p50 / p99 ms',
    'bare ws fwd msgs/s',
    'vs fwd',
    'verifying fwd msgs/s (vs raw verify)',
    'relay main ELU / relay cores / loadgen cores',
    'entries per commit / commit ms',
  ],
  rows,
);
if (inlineRows.length > 0) {
  console.log();
  printTable(
    [
      'inline verify (verifyWorkers: 0)',
      'receipts/s (runs)',
      'vs raw verify/core',
      'pool vs inline',
      'receipt p50 / p99 ms',
      'relay main ELU / relay cores / loadgen cores',
    ],
    inlineRows,
  );
}

if (!flag('no-fixed')) {
  const fixedResults: Run[] = [];
  for (let run = 0; run < RUNS; run++) {
    fixedResults.push(
      check(
        'fixed rate',
        await relayRun(FIXED.connections, FIXED.bodyBytes, WORKERS, {
          rate: FIXED.rate,
          count: FIXED.rate * FIXED.seconds,
          ms: FIXED.seconds * 1000,
        }),
      ),
    );
  }
  console.log();
  printTable(
    [
      `fixed rate: ${FIXED.rate}/s for ${FIXED.seconds} s, ${FIXED.connections} × ${FIXED.bodyBytes} B`,
      'receipt p50 ms (runs)',
      'receipt p99 ms (runs)',
      'deliver p99 ms',
      "relay's own part p50 / p99 ms (at most)",
      'goal p99 ≤ 20 ms',
    ],
    [
      [
        `${fixedResults[0]!.published} envelopes per run`,
        fixedResults.map((r) => ms(r.receiptMs[0])).join(' / '),
        fixedResults.map((r) => ms(r.receiptMs[1])).join(' / '),
        fixedResults.map((r) => ms(r.deliverMs[1])).join(' / '),
        fixedResults
          .map((r) => `${ms(r.relayReceiptMs![0])} / ${ms(r.relayReceiptMs![1])}`)
          .join(', '),
        median(fixedResults.map((r) => r.receiptMs[1])) <= 20 ? 'met (median)' : 'not met (median)',
      ],
    ],
  );
}

if (goal !== undefined) {
  console.log();
  console.log(
    `Goal at 16 connections (300 B): durable receipts/s ≥ 1.0× raw verify/core — ` +
      `${formatRate(goal.rate)}/s = ${(goal.rate / raw.opsPerSec).toFixed(2)}× ` +
      `(${goal.rate >= raw.opsPerSec ? 'met' : 'not met'}).`,
  );
}
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const problem of problems) console.log(`PROBLEM ${problem}`);
loadgen.send({ type: 'exit' });
