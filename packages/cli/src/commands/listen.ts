// `hotline listen <channel>`: connects to every relay of the channel, re-sends the
// outbox, and prints each verified message as it arrives (and every alarm). Stops
// after --count messages, after --timeout, or on SIGINT/SIGTERM.

import { decodeEnvelope, fromHex, KIND, toHex } from '@hotline/codec';
import type { Command } from 'commander';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { MainIo } from '../main.js';
import { alarmJson, alarmLine, envelopeJson, envelopeLine, memberName } from '../party/format.js';
import { channelArg, openParty, type PartyFlags } from '../party/open.js';
import { partyOptions } from './channel.js';

interface ListenFlags extends PartyFlags {
  readonly count?: string;
  readonly timeout?: string;
  readonly history?: boolean;
  readonly heartbeats?: boolean;
  readonly json?: boolean;
}

async function listen(channelText: string, flags: ListenFlags, io: MainIo): Promise<number> {
  const party = openParty(flags, io, { heartbeats: true });
  const { client } = party;
  try {
    const channel = channelArg(client, channelText);
    const session = client.session(channel)!;
    const { charter } = session;
    const print = (line: string, json: unknown) =>
      io.out(flags.json ? `${JSON.stringify(json)}\n` : `${line}\n`);
    if (flags.history) {
      for (const bytes of client.store.envelopes(channel)) {
        const envelope = decodeEnvelope(bytes);
        const content = session.semantics.contentOf(envelope);
        print(envelopeLine(charter, envelope, content), envelopeJson(charter, envelope, content));
      }
    }
    const wanted = flags.count === undefined ? Number.POSITIVE_INFINITY : Number(flags.count);
    let received = 0;
    let alarms = 0;
    const channelHex = toHex(channel);
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const timer = flags.timeout === undefined ? undefined : setTimeout(stop, Number(flags.timeout));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    client.on('message', (event) => {
      if (toHex(event.channel) !== channelHex) return;
      // Acknowledgements show as 'ack' lines below; heartbeats only when asked for.
      const { kind } = event.envelope.fields;
      if (kind === KIND.ack || (kind === KIND.heartbeat && !flags.heartbeats)) return;
      print(
        envelopeLine(charter, event.envelope, event.content),
        envelopeJson(charter, event.envelope, event.content),
      );
      if (++received >= wanted) stop();
    });
    client.on('backfill', (event) => {
      if (toHex(event.channel) !== channelHex || flags.json) return;
      io.err(`caught up with relay ${event.relay.slice(0, 16)}…: ${event.delivered} log entries\n`);
    });
    const name = (key: string) => memberName(charter, fromHex(key));
    client.on('ack', (event) => {
      if (toHex(event.channel) !== channelHex) return;
      print(
        `  ✓ ${name(event.member)} acknowledged ${event.envelope.slice(0, 8)}…: ${event.decision ?? event.stage}${event.late ? ' (LATE)' : ''}`,
        {
          ack: event.envelope,
          member: event.member,
          stage: event.stage,
          late: event.late,
          ...(event.decision ? { decision: event.decision } : {}),
        },
      );
    });
    client.on('overdue', (event) => {
      if (toHex(event.channel) !== channelHex) return;
      print(
        `  ⚠ OVERDUE: ${name(event.member)} has not acknowledged ${event.envelope.slice(0, 8)}… as ${event.stage} (due ${new Date(event.due).toISOString()})`,
        { overdue: event.envelope, member: event.member, stage: event.stage, due: event.due },
      );
    });
    client.on('measure', (event) => {
      if (toHex(event.channel) !== channelHex) return;
      print(
        event.code === undefined
          ? `  ◆ measure ${event.measure?.slice(0, 8)}… is now ${event.state}`
          : `  ◆ measure transition refused: ${event.code}`,
        { measure: event.measure, state: event.state, code: event.code, envelope: event.envelope },
      );
    });
    client.on('alarm', (alarm) => {
      alarms++;
      print(alarmLine(alarm), alarmJson(alarm));
    });
    if (wanted === 0) stop();
    await stopped;
    clearTimeout(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (alarms > 0) return EXIT_FAILURE;
    return received >= wanted || flags.count === undefined ? EXIT_OK : EXIT_FAILURE;
  } finally {
    party.close();
  }
}

export function registerListenCommand(
  program: Command,
  io: MainIo,
  done: (code: Promise<number>) => void,
): void {
  partyOptions(
    program
      .command('listen')
      .description('Receive and print verified messages (and alarms) of a channel')
      .argument('<channel>', 'channel id or a unique prefix of 8+ hex digits')
      .option(
        '--count <n>',
        'stop after n new messages, acknowledgements not counted (exit 1 if the timeout comes first)',
      )
      .option('--timeout <ms>', 'stop after this long')
      .option('--history', 'print the messages already held first')
      .option('--heartbeats', "print the members' heartbeats too (they count towards --count)"),
  ).action((channel: string, flags: ListenFlags) => done(listen(channel, flags, io)));
}
