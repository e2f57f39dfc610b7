// `hotline send <channel>`: signs the next envelope, records it in the outbox and
// waits until k relays have receipted it. What is not receipted in time stays in the
// outbox and goes out with the next send or listen: a second envelope is never
// signed for the same seq.

import type { SendInput } from '@hotline/client';
import { KIND, PRECEDENCE, type Precedence, toHex } from '@hotline/codec';
import type { Command } from 'commander';
import { ConfigError } from '../config-error.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { MainIo } from '../main.js';
import { type BodyFlags, bodyFromFlags } from '../party/bodies.js';
import {
  channelArg,
  envelopeArg,
  openParty,
  type Party,
  type PartyFlags,
  within,
} from '../party/open.js';
import { partyOptions } from './channel.js';

interface SendFlags extends PartyFlags, BodyFlags {
  readonly ref?: string;
  readonly kind: string;
  readonly precedence: string;
  readonly receipts: string;
  readonly timeout: string;
  readonly json?: boolean;
}

function kindOf(text: string): number {
  const named = (KIND as Record<string, number>)[text];
  const value = named ?? Number(text);
  if (!Number.isSafeInteger(value) || value < 1 || value > 65535 || value === KIND.charter) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `--kind: a kind name or number (not charter), not "${text}"`,
      'kind',
    );
  }
  return value;
}

function precedenceOf(text: string): Precedence {
  if (text !== 'routine' && !(text in PRECEDENCE)) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `--precedence: one of routine, ${Object.keys(PRECEDENCE).join(', ')}`,
      'precedence',
    );
  }
  return text as Precedence;
}

interface WaitFlags {
  readonly receipts: string;
  readonly timeout: string;
  readonly json?: boolean;
}

/**
 * Sends `input` on `channel` and waits for k relays' receipts; prints the result.
 * Exit 1 when not receipted in time (the envelope stays in the outbox).
 */
export async function sendAndWait(
  party: Party,
  channel: Uint8Array,
  input: SendInput,
  flags: WaitFlags,
  io: MainIo,
): Promise<number> {
  const relays = party.client.session(channel)!.charter.relays.length;
  const sent = party.client.send(channel, input);
  const wanted = Math.min(Number(flags.receipts), relays);
  const done = await within(party.client.receipted(sent.id, wanted), Number(flags.timeout));
  const receipted = party.client.store.receiptRelays(sent.id).length;
  if (flags.json) {
    io.out(`${JSON.stringify({ id: toHex(sent.id), seq: sent.seq, receipted, relays })}\n`);
  } else {
    io.out(`sent #${sent.seq} ${toHex(sent.id)}: receipted by ${receipted} of ${relays} relays\n`);
  }
  if (!done) {
    io.err(
      'hotline: not receipted in time; it stays in the outbox and is re-sent by the next send or listen\n',
    );
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

async function send(channelText: string, flags: SendFlags, io: MainIo): Promise<number> {
  const kind = kindOf(flags.kind);
  const precedence = precedenceOf(flags.precedence);
  const party = openParty(flags, io);
  try {
    const channel = channelArg(party.client, channelText);
    const { charter } = party.client.session(channel)!;
    const body = bodyFromFlags(kind, flags, charter, io.cwd);
    const ref = flags.ref === undefined ? undefined : envelopeArg(party, channel, flags.ref).id;
    return await sendAndWait(
      party,
      channel,
      { kind, precedence, body, ...(ref ? { ref } : {}) },
      flags,
      io,
    );
  } finally {
    party.close();
  }
}

export function registerSendCommand(
  program: Command,
  io: MainIo,
  done: (code: Promise<number>) => void,
): void {
  partyOptions(
    program
      .command('send')
      .description('Sign and send an envelope; wait for relay receipts')
      .argument('<channel>', 'channel id or a unique prefix of 8+ hex digits')
      .option('--text <text>', 'kind text: this text, authoritative, in --lang')
      .option('--lang <tag>', "language of --text (default: the charter's first, else en)")
      .option(
        '--body-json <file>',
        'the body as JSON, as the kind\'s page in spec/kinds describes it; bytes as "hex:…"',
      )
      .option('--body-file <file>', 'the body: this file, as is (checked like any body)')
      .option('--kind <kind>', 'kind name or number', 'text')
      .option(
        '--ref <envelope>',
        'the envelope this one answers (id or a unique prefix): accept, decline, withdraw, resume',
      )
      .option('--precedence <p>', `routine, ${Object.keys(PRECEDENCE).join(', ')}`, 'routine')
      .option('--receipts <k>', 'wait until k relays receipted it', '1')
      .option('--timeout <ms>', 'how long to wait for the receipts', '30000'),
  ).action((channel: string, flags: SendFlags) => done(send(channel, flags, io)));
}
