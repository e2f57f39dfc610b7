// The relay benchmark's load generator, run in its own process (bench/relay.ts forks
// it) so that its CPU is not the relay's event loop. Publishers send pre-signed
// publish frames (closed loop: `window` in flight per connection; or open loop at a
// fixed rate); one subscriber per channel receives the deliveries. It reads only frame
// heads and the last bytes of each frame, and stops by itself on count and time.

import { performance } from 'node:perf_hooks';
import { authStatement, decodeFrame, encodeFrame, FRAME_LAYOUTS, fromHex } from '@hotline/codec';
import WebSocket from 'ws';
import { BenchChannel, signWith } from './envelopes.js';
import {
  type FromLoadgen,
  frameHead,
  type LoadResult,
  type LoadSpec,
  readUint,
  type ToLoadgen,
  tailTag,
} from './protocol.js';

const SUBPROTOCOL = 'hotline.v0.1';
const T = {
  welcome: FRAME_LAYOUTS.welcome.value,
  receipt: FRAME_LAYOUTS.receipt.value,
  error: FRAME_LAYOUTS.error.value,
  deliver: FRAME_LAYOUTS.deliver.value,
  endOfBackfill: FRAME_LAYOUTS['end-of-backfill'].value,
  publish: FRAME_LAYOUTS.publish.value,
};
/** Past maxMs, how long to wait for outstanding answers and deliveries before giving up. */
const DRAIN_MS = 15_000;

const channels = new Map<string, BenchChannel>();

function channelFor(index: number, relayKey: string, bodyBytes: number): BenchChannel {
  const key = `${index}:${relayKey}:${bodyBytes}`;
  let channel = channels.get(key);
  if (channel === undefined) {
    channel = new BenchChannel(index, fromHex(relayKey), bodyBytes);
    channels.set(key, channel);
  }
  return channel;
}

/** A socket whose binary messages go to one handler, opened and (relay mode) authenticated. */
async function open(
  url: string,
  mode: LoadSpec['mode'],
  channel: BenchChannel,
  member: number,
): Promise<{ ws: WebSocket; setHandler(handler: (data: Buffer) => void): void }> {
  const ws = new WebSocket(url, mode === 'relay' ? [SUBPROTOCOL] : [], {
    perMessageDeflate: false,
  });
  // Until a handler is set, messages queue (the challenge may come with the upgrade).
  const queued: Buffer[] = [];
  let handler: (data: Buffer) => void = (data) => queued.push(data);
  ws.on('message', (data: Buffer) => handler(data));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const setHandler = (h: (data: Buffer) => void) => {
    handler = h;
    for (const data of queued.splice(0)) handler(data);
  };
  if (mode === 'relay') {
    const next = () =>
      new Promise<Buffer>((resolve) => {
        setHandler((data) => {
          handler = (later) => queued.push(later);
          resolve(data);
        });
      });
    const challenge = decodeFrame(new Uint8Array(await next()), { from: 'relay' });
    if (challenge.type !== 'challenge') throw new Error('expected a challenge');
    const { relay, nonce } = challenge;
    const key = channel.members[member]!;
    const welcome = next();
    ws.send(
      encodeFrame({
        type: 'auth',
        requestId: 1,
        client: key.publicKey as never,
        signature: signWith(key, authStatement(relay, nonce, key.publicKey)) as never,
      }),
    );
    if (frameHead(await welcome)[0] !== T.welcome) throw new Error('auth refused');
  }
  return { ws, setHandler };
}

function percentiles(samples: Float64Array, n: number): [number, number] {
  if (n === 0) return [Number.NaN, Number.NaN];
  const sorted = samples.slice(0, n).sort();
  const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))]!;
  return [at(0.5), at(0.99)];
}

/** The error code string of an error frame [type, rid, code, detail] (code: a text string). */
function errorCode(bytes: Uint8Array): string {
  const [, afterType] = readUint(bytes, 1);
  const [, afterId] = readUint(bytes, afterType);
  const head = bytes[afterId]!;
  const length = head & 0x1f;
  const start = afterId + (length < 24 ? 1 : 2);
  const size = length < 24 ? length : bytes[afterId + 1]!;
  return Buffer.from(bytes.subarray(start, start + size)).toString('utf8');
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const n = spec.connections;
  const perConnection = Math.ceil(spec.maxCount / n);
  const chans = Array.from({ length: n }, (_, c) => {
    const channel = channelFor(c, spec.relayKey, spec.bodyBytes);
    channel.extend(perConnection);
    return channel;
  });
  const errorCodes = new Set<string>();
  let errors = 0;

  // Subscribers first (forward mode: the forwarder drops messages with no subscriber).
  const subs = await Promise.all(
    chans.map((channel) =>
      open(
        `${spec.url}${spec.mode === 'forward' ? `/sub/${channel.index}` : ''}`,
        spec.mode,
        channel,
        1,
      ),
    ),
  );
  const pubs = await Promise.all(
    chans.map((channel) =>
      open(
        `${spec.url}${spec.mode === 'forward' ? `/pub/${channel.index}` : ''}`,
        spec.mode,
        channel,
        0,
      ),
    ),
  );

  if (spec.mode === 'relay') {
    // Found each channel (charter, frame 0), then subscribe from index 1.
    await Promise.all(
      pubs.map(
        (pub, c) =>
          new Promise<void>((resolve, reject) => {
            pub.setHandler((data) => {
              if (frameHead(data)[0] === T.receipt) resolve();
              else reject(new Error(`founding channel ${c}: ${errorCode(data)}`));
            });
            pub.ws.send(chans[c]!.frames[0]!);
          }),
      ),
    );
    await Promise.all(
      subs.map(
        (sub, c) =>
          new Promise<void>((resolve, reject) => {
            sub.setHandler((data) => {
              const [type] = frameHead(data);
              if (type === T.endOfBackfill) resolve();
              else if (type !== T.deliver) reject(new Error(`subscribe: ${errorCode(data)}`));
            });
            sub.ws.send(
              encodeFrame({
                type: 'subscribe',
                requestId: 2,
                channel: chans[c]!.id as never,
                cursor: 1,
              }),
            );
          }),
      ),
    );
  }

  const total = spec.rate === undefined ? perConnection * n : spec.maxCount;
  if (spec.rate !== undefined && spec.maxCount > perConnection * n)
    throw new Error('not enough frames');
  const receiptLatency = new Float64Array(total);
  const deliverLatency = new Float64Array(total);
  let answered = 0;
  let delivered = 0;
  let published = 0;
  let lastAnswer = 0;
  let lastDeliver = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let stopped = false;
  process.send!({ type: 'started' } satisfies FromLoadgen);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();

  /** Per connection: send times by frame index; tags of envelopes awaiting delivery. */
  const sent = chans.map(() => new Float64Array(perConnection + 1));
  const awaiting = chans.map(() => new Map<number, number>());
  const next = chans.map(() => 1); // next frame index to send (0 is the charter)
  const done = () => stopped && answered + errors === published && delivered >= answered;

  const send = (c: number, at: number): void => {
    const i = next[c]!++;
    const frame = chans[c]!.frames[i]!;
    sent[c]![i] = at;
    awaiting[c]!.set(tailTag(frame), at);
    published++;
    pubs[c]!.ws.send(frame);
  };

  pubs.forEach((pub, c) => {
    pub.setHandler((data) => {
      const now = performance.now();
      const [type, requestId] = frameHead(data);
      // Frame i carries request id i + 1 (see BenchChannel).
      const i = requestId - 1;
      if (type === T.receipt || (spec.mode === 'forward' && type === T.publish)) {
        receiptLatency[answered++] = now - sent[c]![i]!;
        lastAnswer = now;
      } else {
        errors++;
        errorCodes.add(type === T.error ? errorCode(data) : `frame type ${type}`);
        awaiting[c]!.delete(tailTag(chans[c]!.frames[i]!));
      }
      if (spec.rate === undefined && !stopped) {
        if (now - t0 >= spec.maxMs) stopped = true;
        else if (next[c]! <= perConnection) send(c, now);
        else if (published === total) stopped = true;
      }
      if (done()) finish();
    });
  });
  subs.forEach((sub, c) => {
    sub.setHandler((data) => {
      const now = performance.now();
      if (frameHead(data)[0] !== (spec.mode === 'relay' ? T.deliver : T.publish)) return;
      const tag = tailTag(data);
      const at = awaiting[c]!.get(tag);
      if (at === undefined) return;
      awaiting[c]!.delete(tag);
      deliverLatency[delivered++] = now - at;
      lastDeliver = now;
      if (done()) finish();
    });
  });

  let pacer: NodeJS.Timeout | undefined;
  if (spec.rate === undefined) {
    for (let c = 0; c < n; c++)
      for (let w = 0; w < spec.window && w < perConnection; w++) send(c, t0);
  } else {
    // Open loop: what is due by now goes out, round-robin over the connections; each
    // publish is timed from when it was due, so a late timer counts against the relay.
    const rate = spec.rate;
    let c = 0;
    const tick = () => {
      const now = performance.now();
      const due = Math.min(spec.maxCount, Math.floor(((now - t0) * rate) / 1000));
      while (published < due) {
        send(c, t0 + (published * 1000) / rate);
        c = (c + 1) % n;
      }
      if (published >= spec.maxCount || now - t0 >= spec.maxMs) {
        stopped = true;
        if (done()) finish();
      } else pacer = setTimeout(tick, 1);
    };
    tick();
  }

  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    finished.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), spec.maxMs + DRAIN_MS);
    }),
  ]);
  clearTimeout(timer);
  clearTimeout(pacer);
  const cpu = process.cpuUsage(cpu0);
  stopped = true;
  await Promise.all(
    [...pubs, ...subs].map(
      ({ ws }) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close();
        }),
    ),
  );
  return {
    published,
    answered,
    errors,
    errorCodes: [...errorCodes],
    delivered,
    elapsedMs: lastAnswer - t0,
    deliverElapsedMs: lastDeliver - t0,
    receiptMs: percentiles(receiptLatency, answered),
    deliverMs: percentiles(deliverLatency, delivered),
    cpuMs: (cpu.user + cpu.system) / 1000,
    incomplete: timedOut,
  };
}

const reply = (message: FromLoadgen) => process.send!(message);

process.on('message', (message: ToLoadgen) => {
  if (message.type === 'exit') process.exit(0);
  run(message.spec).then(
    (result) => reply({ type: 'result', result }),
    (error: unknown) =>
      reply({ type: 'failed', message: String((error as Error)?.stack ?? error) }),
  );
});
reply({ type: 'ready' });
