// `hotline demo`: a relay (child process) and two crisis desks (in process, each
// with its own key and SQLite store) found a channel and talk. Mid-way the relay is
// killed with SIGKILL; the desk keeps sending (into its outbox); the relay restarts
// and nothing is lost. Both desks export their transcripts and verify them offline.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Alarm,
  encodeTranscript,
  HotlineClient,
  type MessageEvent,
  verifyTranscript,
} from '@hotline/client';
import { openSqliteClientStore, wsSocketFactory } from '@hotline/client/node';
import { fromHex, KIND, type Precedence, toHex } from '@hotline/codec';
import { generateSecretKey, publicKeyOf } from '@hotline/signer';
import { bodyText } from '../party/format.js';
import { freePort, killRelay, type RelayProcess, startRelayProcess } from './relay-process.js';
import { Timeline } from './timeline.js';

export interface DemoOptions {
  /** Keep the files here instead of a temporary directory that is removed. */
  readonly dir?: string;
  readonly json: boolean;
  readonly out: (text: string) => void;
}

export interface DemoResult {
  readonly ok: boolean;
  readonly sent: number;
  readonly received: number;
  readonly alarms: number;
  readonly transcripts: { desk: string; file: string; items: number; failed: number }[];
}

interface Desk {
  readonly name: string;
  readonly client: HotlineClient;
  readonly close: () => void;
}

const SCRIPT: { from: 0 | 1; text: string; precedence?: Precedence }[] = [
  {
    from: 0,
    text: 'Notification: naval exercise in area K-7, 06:00–18:00 UTC on 28 Nov.',
    precedence: 'priority',
  },
  { from: 1, text: 'Received. Request the exact coordinates of area K-7.' },
  { from: 0, text: 'K-7: circle of 20 km around 43.10 N, 31.50 E (WGS 84).' },
  // The relay is killed before the next two, which wait in the outbox.
  {
    from: 1,
    text: 'Understood. Our patrol vessels will keep 10 km clear.',
    precedence: 'immediate',
  },
  { from: 1, text: 'Proposal: a direct bridge-to-bridge channel during the exercise.' },
  { from: 0, text: 'Proposal accepted. Channel 16 from 05:30 UTC.' },
];
const KILL_BEFORE = 3;

function openDesk(dir: string, name: string, secretKey: Uint8Array): Desk {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const store = openSqliteClientStore(join(dir, 'client.sqlite'));
  const client = new HotlineClient({
    secretKey,
    store,
    socketFactory: wsSocketFactory,
    backoff: { initialMs: 50, maxMs: 500 },
  });
  return {
    name,
    client,
    close() {
      client.close();
      store.close();
    },
  };
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const root = options.dir ?? mkdtempSync(join(tmpdir(), 'hotline-demo-'));
  const timeline = new Timeline(options.out, options.json);
  const desks: Desk[] = [];
  let relay: RelayProcess | undefined;
  let alarms = 0;
  try {
    const port = await freePort();
    relay = await startRelayProcess(join(root, 'relay'), port);
    timeline.say(
      'relay',
      `listening on ${relay.url} (key ${relay.key.slice(0, 16)}…, SQLite in ${join(root, 'relay')})`,
    );

    const keys = [generateSecretKey(), generateSecretKey()];
    desks.push(
      openDesk(join(root, 'alpha'), 'Alpha', keys[0]!),
      openDesk(join(root, 'bravo'), 'Bravo', keys[1]!),
    );
    const [alpha, bravo] = desks as [Desk, Desk];
    for (const desk of desks) {
      desk.client.on('alarm', (alarm: Alarm) => {
        alarms++;
        timeline.say(desk.name, `ALARM ${alarm.type}: ${alarm.detail}`);
      });
    }

    const session = alpha.client.found({
      members: [
        { key: publicKeyOf(keys[0]!), name: 'Alpha crisis desk' },
        { key: publicKeyOf(keys[1]!), name: 'Bravo crisis desk' },
      ],
      relays: [{ key: fromHex(relay.key), url: relay.url }],
      params: { heartbeatInterval: 60_000 },
    });
    const channel = session.channel;
    const charterId = session.charterId;
    await alpha.client.receipted(charterId);
    timeline.say(
      'Alpha',
      `founded channel ${toHex(channel).slice(0, 16)}… (charter receipted by the relay)`,
    );
    bravo.client.join(session.charterEnvelope);
    timeline.say('Bravo', 'joined from the charter file Alpha handed over');

    // Envelope id → "Alpha#2", for the timeline.
    const labels = new Map<string, string>();
    let arrived = 0;
    const waiting: { count: number; resolve: () => void }[] = [];
    /** Resolves once `count` messages in all have reached the other desk. */
    const delivered = (count: number) =>
      new Promise<void>((resolve) => {
        if (arrived >= count) resolve();
        else waiting.push({ count, resolve });
      });
    for (const desk of desks) {
      desk.client.on('message', (event: MessageEvent) => {
        arrived++;
        const label = labels.get(toHex(event.envelope.id)) ?? `#${event.envelope.fields.seq}`;
        const text = bodyText(event.envelope.fields.body) ?? '(binary)';
        timeline.say(desk.name, `← ${label} verified (signature, member, chain): "${text}"`);
        for (const wait of waiting.filter((entry) => entry.count <= arrived)) wait.resolve();
      });
      desk.client.on('receipt', (event) => {
        const label = labels.get(toHex(event.id)) ?? 'the charter';
        timeline.say(desk.name, `✓ relay receipt for ${label}: in the signed log, durably`);
      });
    }

    let step = 0;
    for (const line of SCRIPT) {
      const desk = desks[line.from]!;
      if (step > KILL_BEFORE + 1) await delivered(step); // answer only what has arrived
      if (step === KILL_BEFORE) {
        await killRelay(relay);
        timeline.say('relay', 'KILLED with SIGKILL (no shutdown, no flush)');
      }
      const sent = desk.client.send(channel, {
        kind: KIND.text,
        body: new TextEncoder().encode(line.text),
        ...(line.precedence ? { precedence: line.precedence } : {}),
      });
      timeline.say(
        desk.name,
        `→ ${desk.name}#${sent.seq} signed and queued${line.precedence ? ` [${line.precedence}]` : ''}: "${line.text}"`,
      );
      if (step === KILL_BEFORE + 1) {
        relay = await startRelayProcess(join(root, 'relay'), port);
        timeline.say('relay', 'restarted on the same data directory');
      }
      labels.set(toHex(sent.id), `${desk.name}#${sent.seq}`);
      step++;
      // Conversation: the peer has each line before the next (except while the relay is down).
      if (step <= KILL_BEFORE) await delivered(step);
    }
    await delivered(SCRIPT.length);
    timeline.say(
      'demo',
      `all ${SCRIPT.length} messages delivered once, in order, to the other desk`,
    );

    const transcripts = [];
    for (const desk of desks) {
      const transcript = desk.client.transcript(channel);
      const file = join(root, `${desk.name.toLowerCase()}.transcript`);
      writeFileSync(file, encodeTranscript(transcript));
      const report = verifyTranscript(transcript);
      const failed = report.items.filter((item) => item.verdict === 'fail').length;
      transcripts.push({ desk: desk.name, file, items: report.items.length, failed });
      timeline.say(
        desk.name,
        `exported ${file}: ${report.items.length} items checked offline, ${failed} failed` +
          ` (check it yourself: hotline verify ${file})`,
      );
    }
    const ok = alarms === 0 && transcripts.every((entry) => entry.failed === 0);
    const result = { ok, sent: SCRIPT.length, received: arrived, alarms, transcripts };
    if (options.json) options.out(`${JSON.stringify({ ...result, timeline: timeline.events })}\n`);
    return result;
  } finally {
    for (const desk of desks) desk.close();
    if (relay !== undefined) await killRelay(relay, 'SIGTERM');
    if (options.dir === undefined) rmSync(root, { recursive: true, force: true });
  }
}
