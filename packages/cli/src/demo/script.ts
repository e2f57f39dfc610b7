// `hotline demo`: a relay (child process) and two crisis desks (in process, each
// with its own key and SQLite store) found a channel and work through a short
// crisis: a pre-notification, an incident with questions, an assurance, a
// confidence-building measure proposed, accepted and later suspended, heartbeats
// both ways, one acknowledgement that comes too late, and at the end a desk that
// goes dark (peer-silent). Mid-way the relay is
// killed with SIGKILL; the desk keeps working into its outbox; the relay restarts
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
import { LyingRelay, openSqliteClientStore, wsSocketFactory } from '@hotline/client/node';
import {
  type AckBody,
  encodeKindBody,
  fromHex,
  KIND,
  type KindBodyInput,
  type Precedence,
  sha256,
  toHex,
} from '@hotline/codec';
import {
  checkCheckpointConsistency,
  generateSecretKey,
  openCheckpoint,
  publicKeyOf,
} from '@hotline/signer';
import { contentSummary } from '../party/format.js';
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
  /** Alarms the script did not provoke: 0 on success. */
  readonly alarms: number;
  /** peer-silent alarms raised when Bravo's desk went dark: 1 on success. */
  readonly peerSilent: number;
  /** relay-equivocation alarms about the lying relay: at least 1 on success. */
  readonly relayEquivocation: number;
  readonly overdue: number;
  readonly heartbeats: number;
  readonly measure: string | undefined;
  /** Per desk: items checked, items failed (0 on success) besides those convicting the lying relay. */
  readonly transcripts: {
    desk: string;
    file: string;
    items: number;
    failed: number;
    convicting: number;
  }[];
}

interface Desk {
  readonly name: string;
  readonly client: HotlineClient;
  readonly close: () => void;
}

const HOUR = 3_600_000;
const en = (text: string) => ({ language: 'en', text });
/** 43.10 N, 31.50 E: a point at sea, in integer microdegrees. */
const K7 = { lat: 43_100_000, lon: 31_500_000 };

function openDesk(dir: string, name: string, secretKey: Uint8Array): Desk {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const store = openSqliteClientStore(join(dir, 'client.sqlite'));
  const client = new HotlineClient({
    secretKey,
    store,
    socketFactory: wsSocketFactory,
    backoff: { initialMs: 50, maxMs: 500 },
    tuning: { heartbeats: true, autoAckReceived: true, checkpointIntervalMs: 1000 },
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
  let lima: LyingRelay | undefined;
  let alarms = 0;
  let overdue = 0;
  let heartbeats = 0;
  let sent = 0;
  let received = 0;
  let measure: string | undefined;
  /** Alarms the script provokes on purpose (the silent desk). */
  const expectedAlarms: Alarm[] = [];
  /** Alarms about the lying relay. */
  const limaAlarms: Alarm[] = [];
  try {
    const port = await freePort();
    relay = await startRelayProcess(join(root, 'relay'), port);
    timeline.say('relay', `listening on ${relay.url} (key ${relay.key.slice(0, 16)}…, SQLite)`);
    // A second relay, run by someone who will lie: the charter lists two relays, as
    // it should, and the desks trust neither.
    lima = await LyingRelay.start(generateSecretKey());
    timeline.say('Lima', `a second relay on ${lima.url}, honest for now`);

    const keys = [generateSecretKey(), generateSecretKey()];
    desks.push(
      openDesk(join(root, 'alpha'), 'Alpha', keys[0]!),
      openDesk(join(root, 'bravo'), 'Bravo', keys[1]!),
    );
    const [alpha, bravo] = desks as [Desk, Desk];
    const names = new Map(desks.map((desk) => [toHex(desk.client.publicKey), desk.name]));
    // Envelope id → "Alpha#2", for the timeline.
    const labels = new Map<string, string>();
    const label = (id: string) => labels.get(id) ?? `${id.slice(0, 8)}…`;

    for (const desk of desks) {
      desk.client.on('alarm', (alarm: Alarm) => {
        if (alarm.relay === lima?.keyHex) limaAlarms.push(alarm);
        else alarms++;
        const who = alarm.sender
          ? ` (${names.get(alarm.sender)})`
          : alarm.relay === lima?.keyHex
            ? ' (relay Lima)'
            : '';
        timeline.say(desk.name, `ALARM ${alarm.type}${who}: ${alarm.detail}`);
      });
      desk.client.on('message', (event: MessageEvent) => {
        received++;
        const { kind, seq, sender } = event.envelope.fields;
        labels.set(toHex(event.envelope.id), `${names.get(toHex(sender))}#${seq}`);
        if (kind === KIND.heartbeat) {
          // One line for the first heartbeat each way; then they are counted.
          if (heartbeats++ < 2 && event.content.ok && event.content.body.kind === 'heartbeat') {
            const { seen, checkpoints } = event.content.body.value;
            const has = seen
              .map((entry) => `${names.get(toHex(entry.key))}#${entry.seq}`)
              .join(', ');
            timeline.say(
              desk.name,
              `♥ heartbeat from ${names.get(toHex(sender))} (every second): has received up to ${has || 'nothing'}; carries ${checkpoints.length} relay checkpoint(s) to compare`,
            );
          }
          return;
        }
        if (kind === KIND.ack) return; // shown through 'ack' below
        timeline.say(
          desk.name,
          `← ${names.get(toHex(sender))}#${seq} verified: ${contentSummary(event.content, event.envelope.fields.body)}`,
        );
      });
      desk.client.on('ack', (event) => {
        // Shown on the side that waits for it.
        if (event.member === toHex(desk.client.publicKey)) return;
        timeline.say(
          desk.name,
          `  ✓ ${names.get(event.member)} acknowledged ${label(event.envelope)}: ${event.decision ?? event.stage}${event.late ? ' (LATE)' : ''}`,
        );
      });
      desk.client.on('overdue', (event) => {
        overdue++;
        timeline.say(
          desk.name,
          `  ⚠ OVERDUE: ${names.get(event.member)} has not acknowledged ${label(event.envelope)} as ${event.stage}`,
        );
      });
      desk.client.on('measure', (event) => {
        if (event.state !== undefined) measure = event.state;
        if (desk === alpha)
          timeline.say(
            'ledger',
            `measure ${label(event.measure ?? '')} is ${event.state ?? `refused: ${event.code}`}`,
          );
      });
    }

    const session = alpha.client.found({
      members: [
        { key: publicKeyOf(keys[0]!), name: 'Alpha crisis desk' },
        { key: publicKeyOf(keys[1]!), name: 'Bravo crisis desk' },
      ],
      relays: [
        { key: fromHex(relay.key), url: relay.url },
        { key: lima.publicKey, url: lima.url },
      ],
      params: {
        heartbeatInterval: 1000,
        languages: ['en'],
        // Flash traffic must be understood within 3 s here (default: 10 min).
        ackDeadlines: { flash: { received: 1000, understood: 3000, accepted: 60_000 } },
      },
    });
    const channel = session.channel;
    await alpha.client.receipted(session.charterId);
    timeline.say(
      'Alpha',
      `founded channel ${toHex(channel).slice(0, 16)}…: two desks, two relays, heartbeats every 1 s`,
    );
    bravo.client.join(session.charterEnvelope);

    /** Sends a body from `desk` and waits until the other desk has it. */
    const say = async (
      desk: Desk,
      body: KindBodyInput,
      precedence?: Precedence,
      ref?: Uint8Array,
    ) => {
      const peer = desk === alpha ? bravo : alpha;
      const envelope = desk.client.send(channel, {
        kind: KIND[body.kind],
        body: encodeKindBody(body),
        ...(precedence ? { precedence } : {}),
        ...(ref ? { ref } : {}),
      });
      sent++;
      const id = toHex(envelope.id);
      labels.set(id, `${desk.name}#${envelope.seq}`);
      const arrived = peer.client.next('message', (event) => toHex(event.envelope.id) === id);
      if (body.kind !== 'ack') {
        timeline.say(
          desk.name,
          `→ ${desk.name}#${envelope.seq}${precedence ? ` [${precedence}]` : ''} ${body.kind} signed and queued`,
        );
      }
      return { envelope, arrived };
    };
    const ack = (desk: Desk, of: Uint8Array, body: AckBody) =>
      say(desk, { kind: 'ack', value: body }, undefined, of);

    const joined = await say(bravo, {
      kind: 'join',
      value: { charter: session.charterId as never, note: en('Bravo desk accepts the charter.') },
    });
    await joined.arrived;

    const now = Date.now();
    const notice = await say(
      alpha,
      {
        kind: 'notification',
        value: {
          activity: 'military-exercise',
          window: { from: now + 48 * HOUR, until: now + 60 * HOUR },
          originAreas: [{ shape: 'circle', centre: K7, radius: 20_000 }],
          description: en('Naval exercise in area K-7, live firing, vessels of Alpha only.'),
          reference: 'NOTICE 2026-114',
        },
      },
      'priority',
    );
    const noticeIn = await notice.arrived;
    await ack(bravo, notice.envelope.id, {
      stage: 'understood',
      digest: sha256(noticeIn.envelope.fields.body),
      readBack: en('Exercise in K-7, 48 h from now, 12 h long.'),
    });

    const incident = await say(
      bravo,
      {
        kind: 'incident',
        value: {
          time: now - HOUR,
          place: { shape: 'circle', centre: { lat: 43_250_000, lon: 31_700_000 }, radius: 2000 },
          parties: ['patrol vessel B-12', 'unidentified aircraft'],
          description: en('An aircraft passed 300 m above patrol vessel B-12 at low altitude.'),
          clarificationRequested: true,
          questions: [en('Was the aircraft yours?'), en('What was its mission?')],
        },
      },
      'immediate',
    );
    await incident.arrived;
    const answer = await say(
      alpha,
      {
        kind: 'text',
        value: {
          authoritative: en(
            'The aircraft was an Alpha maritime patrol, unarmed, on a routine flight. No approach was intended.',
          ),
        },
      },
      'immediate',
      incident.envelope.id,
    );
    await answer.arrived;

    // Lima starts lying: it will show Bravo a log without Alpha's next message, and
    // sign that other log for Bravo. Bravo still gets the message from the first relay.
    lima.forkView((entry) => entry.envelope.fields.kind === KIND.assurance, {
      to: bravo.client.publicKey,
    });
    timeline.say('Lima', 'starts lying: it will show Bravo another log than Alpha, and sign it');
    const assurance = await say(alpha, {
      kind: 'assurance',
      value: {
        undertaking: en('Alpha aircraft will keep 5 km from Bravo vessels in the K-7 area.'),
        scope: 'K-7 area, military aircraft',
        validity: { from: now, until: now + 72 * HOUR },
      },
    });
    await assurance.arrived;
    // Bravo's next heartbeat carries Lima's checkpoint of what Lima showed Bravo;
    // Alpha holds Lima's checkpoint of what it showed Alpha. They cannot both be true.
    // Either desk may catch it first; give up (and fail the demo) after 10 s.
    // The first desk's alarm (or the timeout) aborts the other desk's wait.
    const race = new AbortController();
    const timer = setTimeout(() => race.abort(), 10_000);
    const equivocation = await Promise.any(
      desks.map((desk) =>
        desk.client.next('alarm', (alarm) => alarm.type === 'relay-equivocation', {
          signal: race.signal,
        }),
      ),
    ).catch(() => undefined);
    clearTimeout(timer);
    race.abort();
    if (equivocation === undefined) throw new Error('no desk caught the lying relay within 10 s');
    const [a, b] = (equivocation.evidence.checkpoints ?? []).map((bytes) =>
      openCheckpoint(bytes, { relay: lima!.publicKey, channel }),
    );
    let convicted = false;
    try {
      checkCheckpointConsistency(a!, b!, equivocation.evidence.consistency?.proof ?? []);
    } catch {
      convicted = true;
    }
    timeline.say(
      'demo',
      `  the evidence, checked offline: two checkpoints signed by Lima (sizes ${a?.fields.size} and ${b?.fields.size}) ${convicted ? 'that cannot both be true' : 'that agree (?)'}`,
    );

    await killRelay(relay);
    timeline.say('relay', 'KILLED with SIGKILL (no shutdown, no flush)');
    const proposal = await say(bravo, {
      kind: 'proposal',
      value: {
        title: 'Bridge-to-bridge channel during the exercise',
        terms: en(
          'Both sides keep VHF channel 16 open between the commanding vessels for the whole exercise.',
        ),
        validity: { from: now, until: now + 72 * HOUR },
      },
    });
    timeline.say(
      'Bravo',
      '  (the relay is down: the proposal waits in the outbox, signed and on disk)',
    );
    relay = await startRelayProcess(join(root, 'relay'), port);
    timeline.say('relay', 'restarted on the same data directory');
    await proposal.arrived;
    const accepted = await say(
      alpha,
      { kind: 'accept', value: { measure: proposal.envelope.id as never } },
      undefined,
      proposal.envelope.id,
    );
    await accepted.arrived;

    // Flash: Bravo's terminal acknowledges receipt at once; nobody at Bravo marks it
    // understood within the 3 s the charter allows.
    const flash = await say(
      alpha,
      {
        kind: 'text',
        value: { authoritative: en('Exercise start moved 2 h earlier. Confirm understood.') },
      },
      'flash',
    );
    await flash.arrived;
    const flashId = toHex(flash.envelope.id);
    await alpha.client.next(
      'overdue',
      (event) => event.envelope === flashId && event.stage === 'understood',
    );

    const suspended = await say(
      bravo,
      {
        kind: 'withdraw',
        value: {
          measure: proposal.envelope.id as never,
          action: 'suspend',
          reason: en('Bravo vessels leave the area for repairs.'),
        },
      },
      undefined,
      proposal.envelope.id,
    );
    await suspended.arrived;

    // Bravo's desk goes dark: no more heartbeats. After 2.5 intervals Alpha is told.
    bravo.client.session(channel)!.semantics.close();
    timeline.say('Bravo', '(the desk goes dark: no more heartbeats)');
    expectedAlarms.push(await alpha.client.next('alarm', (alarm) => alarm.type === 'peer-silent'));
    timeline.say(
      'demo',
      `${sent} envelopes sent, each verified and delivered once, in order; ${heartbeats} heartbeats; one acknowledgement overdue (seen by both desks)`,
    );

    const transcripts = [];
    for (const desk of desks) {
      const transcript = desk.client.transcript(channel);
      const file = join(root, `${desk.name.toLowerCase()}.transcript`);
      writeFileSync(file, encodeTranscript(transcript));
      const report = verifyTranscript(transcript);
      // Lima's signed lies are in the file too: the verifier fails them, and only them.
      const limaLabel = `relay ${lima.keyHex.slice(0, 8)}`;
      const failures = report.items.filter((item) => item.verdict === 'fail');
      const failed = failures.filter((item) => !item.item.startsWith(limaLabel)).length;
      const convicting = failures.length - failed;
      transcripts.push({ desk: desk.name, file, items: report.items.length, failed, convicting });
      timeline.say(
        desk.name,
        `exported ${file}: ${report.items.length} items checked offline: ${failed} failed, ${convicting} convict relay Lima (hotline verify ${file})`,
      );
    }
    const unexpected = alarms - expectedAlarms.length;
    const ok =
      unexpected === 0 &&
      limaAlarms.some((alarm) => alarm.type === 'relay-equivocation') &&
      expectedAlarms.length === 1 &&
      overdue > 0 &&
      measure === 'suspended' &&
      transcripts.every((entry) => entry.failed === 0);
    const result = {
      ok,
      sent,
      received,
      alarms: unexpected,
      peerSilent: expectedAlarms.length,
      relayEquivocation: limaAlarms.filter((alarm) => alarm.type === 'relay-equivocation').length,
      overdue,
      heartbeats,
      measure,
      transcripts,
    };
    if (options.json) options.out(`${JSON.stringify({ ...result, timeline: timeline.events })}\n`);
    return result;
  } finally {
    for (const desk of desks) desk.close();
    if (relay !== undefined) await killRelay(relay, 'SIGTERM');
    await lima?.close();
    if (options.dir === undefined) rmSync(root, { recursive: true, force: true });
  }
}
