// bench/client: end-to-end latency of the client, from `send()` on one client to the
// `message` event of a peer client (both in this process: one clock), through one
// relay and through two (every envelope goes to both; the peer takes whichever
// delivers first), at fixed offered rates. Relays run in child processes on SQLite
// (synchronous=FULL), so this process and the relays share the machine's cores as
// they would in a small deployment. Baseline in the same run: a bare `ws` hop —
// one socket sends 300 B to a forwarder in a child process, which passes it to
// another socket of this process.
//
//   npm run bench:client [-- --runs 3 --relays 1,2 --stores memory,sqlite --rates 100x5,1000x3]

import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ClientStore, HotlineClient, MemoryClientStore } from '@hotline/client';
import { openSqliteClientStore, wsSocketFactory } from '@hotline/client/node';
import { decodeEnvelope, KIND, toHex } from '@hotline/codec';
import { publicKeyOf } from '@hotline/signer';
import { sha256 } from '@noble/hashes/sha2.js';
import WebSocket from 'ws';
import { type Child, startForwarderChild, startRelayChild } from './client/children.js';
import type { ChildStats } from './client/protocol.js';
import { median, type StreamResult, stream } from './client/stream.js';
import { printTable } from './lib/harness.js';

// ---- arguments ----

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const RUNS = Number(option('runs') ?? 3);
type StoreKind = 'memory' | 'sqlite';
const STORES = (option('stores') ?? 'memory,sqlite').split(',') as StoreKind[];
for (const kind of STORES) {
  if (kind !== 'memory' && kind !== 'sqlite') throw new Error(`--stores: unknown store ${kind}`);
}
/** Offered rate × counted seconds. */
const RATES = (option('rates') ?? '100x5,1000x3').split(',').map((r) => {
  const [rate, seconds] = r.split('x').map(Number);
  return { rate: rate!, seconds: seconds! };
});
/** Relay counts to measure (the bare ws baseline always runs). */
const RELAY_COUNTS = (option('relays') ?? '1,2').split(',').map(Number) as (1 | 2)[];
for (const count of RELAY_COUNTS) {
  if (count !== 1 && count !== 2) throw new Error(`--relays: 1 or 2, not ${count}`);
}
const BODY_BYTES = 300;
/** Warm-up before the counted part of each stream, s (same rate, not counted). */
const WARMUP_S = 1;
/** After the last send, how long missing arrivals are waited for. */
const DRAIN_MS = 10_000;
/** Set-up (founding, subscriptions) must be done within this, ms. */
const SETUP_MS = 20_000;

/**
 * Raised so that the relay's rate limits never refuse the bench's one sender
 * (defaults: 100/s per connection, 20/s per sender key; a refused publish is
 * retried by the client after 1 s).
 */
const BENCH_LIMITS = {
  publishRate: 1_000_000,
  publishBurst: 1_000_000,
  senderRate: 1_000_000,
  senderBurst: 1_000_000,
};

const secretOf = (name: string): Uint8Array =>
  sha256(new TextEncoder().encode(`hotline client bench ${name}`));
const RELAY_SECRETS = [secretOf('relay 1'), secretOf('relay 2')];

// ---- one measurement ----

/** A stream's result with what it cost the server children. */
interface Row extends StreamResult {
  /** CPU of each server child during the stream, in cores. */
  readonly childCores: number[];
  /** Relays: entries per group commit and mean commit ms (over the relays). */
  readonly perCommit?: number;
  readonly commitMs?: number;
}

async function measured(
  children: Child[],
  rate: number,
  seconds: number,
  setUp: () => Promise<{
    send(i: number): void;
    onArrival(arrived: (i: number) => void, answered: (i: number) => void): void;
    close(): void;
  }>,
): Promise<Row> {
  const s = stream({ rate, warmup: rate * WARMUP_S, count: rate * seconds, drainMs: DRAIN_MS });
  const path = await setUp();
  try {
    path.onArrival(s.arrived, s.answered);
    const before = await Promise.all(children.map((c) => c.stats()));
    const result = await s.run(path.send);
    const after = await Promise.all(children.map((c) => c.stats()));
    const delta = (pick: (st: ChildStats) => number | undefined) =>
      after.reduce(
        (sum, st, k) => sum + (pick(st) ?? Number.NaN) - (pick(before[k]!) ?? Number.NaN),
        0,
      );
    const commits = delta((st) => st.commits);
    return {
      ...result,
      childCores: after.map((st, k) => (st.cpuMs - before[k]!.cpuMs) / result.wallMs),
      ...(after[0]?.commits === undefined
        ? {}
        : {
            // Over all relays: entries committed / commits.
            perCommit: delta((st) => st.entries) / commits,
            commitMs: delta((st) => st.commitMs) / commits,
          }),
    };
  } finally {
    path.close();
  }
}

/** Polls `ready` every 10 ms until it holds; throws after SETUP_MS. */
async function until(what: string, ready: () => boolean): Promise<void> {
  const deadline = performance.now() + SETUP_MS;
  while (!ready()) {
    if (performance.now() > deadline) throw new Error(`set-up: ${what} not done in time`);
    await sleep(10);
  }
}

/** Bare ws: one socket sends, the forwarder passes each message to the other socket. */
async function wsPath(forwarder: Child) {
  const open = async () => {
    const ws = new WebSocket(forwarder.url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return ws;
  };
  const sender = await open();
  const receiver = await open();
  // Make sure the forwarder passes messages on before the clock starts.
  const probe = new Promise<void>((resolve) => receiver.once('message', () => resolve()));
  sender.send(Buffer.alloc(BODY_BYTES, 0xff));
  await probe;
  const message = Buffer.alloc(BODY_BYTES, 0x61);
  return {
    send(i: number) {
      const copy = Buffer.from(message); // a fresh message per send, as an application would
      copy.writeUInt32BE(i, 0);
      sender.send(copy);
    },
    onArrival(arrived: (i: number) => void) {
      receiver.on('message', (data: Buffer) => arrived(data.readUInt32BE(0)));
    },
    close() {
      sender.terminate();
      receiver.terminate();
    },
  };
}

let channelCount = 0;

/** Two clients (Alice sends, Bob receives) on a fresh channel over `relays`. */
async function clientPath(relays: Child[], kind: StoreKind) {
  const n = channelCount++;
  const dir = kind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'hotline-bench-client-store-')) : '';
  const storeOf = (name: string): ClientStore =>
    kind === 'sqlite'
      ? openSqliteClientStore(join(dir, `${name}.sqlite`))
      : new MemoryClientStore();
  const stores = [storeOf('alice'), storeOf('bob')];
  const [aliceSecret, bobSecret] = [secretOf(`alice ${n}`), secretOf(`bob ${n}`)];
  const alice = new HotlineClient({
    secretKey: aliceSecret,
    store: stores[0]!,
    socketFactory: wsSocketFactory,
  });
  const bob = new HotlineClient({
    secretKey: bobSecret,
    store: stores[1]!,
    socketFactory: wsSocketFactory,
  });
  const close = () => {
    alice.close();
    bob.close();
    for (const store of stores) (store as { close?: () => void }).close?.();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const client of [alice, bob]) {
      client.on('alarm', (alarm) =>
        console.error(`ALARM ${alarm.type} ${alarm.code ?? ''} ${alarm.detail}`),
      );
    }
    const session = alice.found({
      members: [
        { key: publicKeyOf(aliceSecret), name: 'Alice' },
        { key: publicKeyOf(bobSecret), name: 'Bob' },
      ],
      relays: relays.map((relay, k) => ({ key: publicKeyOf(RELAY_SECRETS[k]!), url: relay.url })),
      params: { heartbeatInterval: 60_000 },
    });
    const channel = session.channel;
    await alice.receipted(decodeEnvelope(session.charterEnvelope).id, relays.length);
    bob.join(session.charterEnvelope);
    await until(
      'subscriptions',
      () => bob.session(channel)?.relays.every((view) => view.live) === true,
    );
    // One message end to end before the clock starts.
    const probe = bob.next('message');
    alice.send(channel, { kind: KIND.text, body: new Uint8Array(BODY_BYTES) });
    await probe;

    const body = new Uint8Array(BODY_BYTES).fill(0x61);
    const indexOfSeq = new Map<number, number>();
    const indexOfId = new Map<string, number>();
    return {
      send(i: number) {
        const sent = alice.send(channel, { kind: KIND.text, body });
        indexOfSeq.set(sent.seq, i);
        indexOfId.set(toHex(sent.id), i);
      },
      onArrival(arrived: (i: number) => void, answered: (i: number) => void) {
        bob.on('message', (event) => {
          const i = indexOfSeq.get(event.envelope.fields.seq);
          if (i !== undefined) arrived(i);
        });
        alice.on('receipt', (event) => {
          const i = indexOfId.get(toHex(event.id));
          if (i !== undefined) answered(i);
        });
      },
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

// ---- main ----

console.log(
  `bench/client — Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

type PathName = 'bare ws' | `${1 | 2} relay${'' | 's'}, ${StoreKind} client store`;
const results = new Map<string, Row[]>();
const keyOf = (path: string, rate: number) => `${path}\u0000${rate}`;
const record = (path: PathName, rate: number, row: Row) => {
  const key = keyOf(path, rate);
  results.set(key, [...(results.get(key) ?? []), row]);
  const lost = row.count - row.arrived;
  process.stderr.write(
    `  ${path} @ ${rate}/s: p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms` +
      `${lost > 0 ? `, ${lost} LOST` : ''}\n`,
  );
};
const paths: PathName[] = ['bare ws'];
for (const relayCount of RELAY_COUNTS) {
  for (const kind of STORES)
    paths.push(`${relayCount} relay${relayCount === 1 ? '' : 's'}, ${kind} client store`);
}

for (let run = 0; run < RUNS; run++) {
  process.stderr.write(`run ${run + 1} of ${RUNS}\n`);
  const forwarder = await startForwarderChild();
  try {
    for (const { rate, seconds } of RATES) {
      record('bare ws', rate, await measured([forwarder], rate, seconds, () => wsPath(forwarder)));
    }
  } finally {
    await forwarder.stop();
  }
  for (const relayCount of RELAY_COUNTS) {
    // Fresh relays (and SQLite files) per run; a fresh channel per measurement.
    const relays = await Promise.all(
      RELAY_SECRETS.slice(0, relayCount).map((secret) =>
        startRelayChild(toHex(secret), BENCH_LIMITS),
      ),
    );
    try {
      for (const kind of STORES) {
        const path: PathName = `${relayCount} relay${relayCount === 1 ? '' : 's'}, ${kind} client store`;
        for (const { rate, seconds } of RATES) {
          record(path, rate, await measured(relays, rate, seconds, () => clientPath(relays, kind)));
        }
      }
    } finally {
      await Promise.all(relays.map((relay) => relay.stop()));
    }
  }
}

// ---- table ----

/** ms to print; an item that never arrived counts as infinitely late ('–'). */
const ms = (value: number) =>
  !Number.isFinite(value)
    ? '–'
    : value >= 10
      ? value.toFixed(0)
      : value >= 1
        ? value.toFixed(1)
        : value.toFixed(2);
/** Median over runs, a run without a figure (nothing arrived) counting as +∞. */
const over = (runs: Row[], pick: (r: Row) => number) =>
  median(runs.map((r) => (Number.isNaN(pick(r)) ? Number.POSITIVE_INFINITY : pick(r))));
const rows: string[][] = [];
const problems: string[] = [];
for (const { rate, seconds } of RATES) {
  const base = results.get(keyOf('bare ws', rate))!;
  const baseP50 = over(base, (r) => r.p50);
  const baseP99 = over(base, (r) => r.p99);
  for (const path of paths) {
    const runs = results.get(keyOf(path, rate))!;
    const p50 = over(runs, (r) => r.p50);
    const p99 = over(runs, (r) => r.p99);
    const arrived =
      runs.reduce((sum, r) => sum + r.arrived, 0) / runs.reduce((sum, r) => sum + r.count, 0);
    for (const r of runs) {
      if (r.arrived < r.count) {
        problems.push(
          `${path} @ ${rate}/s: ${r.count - r.arrived} of ${r.count} had not arrived ${DRAIN_MS / 1000} s after the last send`,
        );
      }
    }
    const relay = runs[0]!.perCommit !== undefined;
    const achieved = median(runs.map((r) => Math.max(0, r.achieved)));
    // Behind the offered rate: latency is queueing and grows with the stream's length.
    const overloaded = achieved < 0.95 * rate || arrived < 1;
    const times = (value: number, base: number) =>
      Number.isFinite(value) ? `${(value / base).toFixed(0)}×` : '–';
    rows.push([
      path,
      `${rate} × ${seconds} s`,
      `${achieved.toFixed(0)}${arrived < 1 ? ` (${(arrived * 100).toFixed(0)}% arrived)` : ''}`,
      `${ms(p50)} (${runs.map((r) => ms(r.p50)).join(' / ')})`,
      `${ms(p99)} (${runs.map((r) => ms(r.p99)).join(' / ')})`,
      path === 'bare ws'
        ? '1× / 1×'
        : overloaded
          ? 'overloaded'
          : `${times(p50, baseP50)} / ${times(p99, baseP99)}`,
      `${(median(runs.map((r) => r.sendP50)) * 1000).toFixed(0)}`,
      relay ? ms(over(runs, (r) => r.answerP50)) : '–',
      `${median(runs.map((r) => r.cores)).toFixed(2)} / ${runs[0]!.childCores
        .map((_, k) => median(runs.map((r) => r.childCores[k]!)).toFixed(2))
        .join(' + ')}`,
      relay
        ? `${median(runs.map((r) => r.perCommit!)).toFixed(1)} / ${median(runs.map((r) => r.commitMs!)).toFixed(1)}`
        : '–',
    ]);
  }
}

console.log();
console.log(
  `Latency from send() to the peer's message event (bare ws: from ws.send() to the other socket's ` +
    `message), ${BODY_BYTES}-byte bodies, open loop at the offered rate after ${WARMUP_S} s of warm-up. ` +
    `Each p50 / p99 is the median of ${RUNS} runs' p50 / p99 (runs in brackets). "send() µs": the ` +
    'synchronous call (sign, record); "to first receipt": send() to the first verified receipt. ' +
    'Relays: child processes, SQLite synchronous=FULL, default verify workers, founders open, rate ' +
    'limits raised. Both clients run in this process ("bench" cores); cores are per process over the ' +
    'stream, warm-up included. "overloaded": achieved below 95% of offered (or items lost); latency ' +
    'there is queueing and grows with the stream.',
);
console.log();
printTable(
  [
    'path',
    'offered /s × counted',
    'achieved /s',
    'p50 ms (runs)',
    'p99 ms (runs)',
    'p50 / p99 vs bare ws',
    'send() µs p50',
    'to first receipt p50 ms',
    'cores: bench / server(s)',
    'relay entries per commit / commit ms',
  ],
  rows,
);
console.log();
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const problem of problems) console.log(`PROBLEM ${problem}`);
