// `hotline send <channel>`: signs the next envelope, records it in the outbox and
// waits until k relays have receipted it. What is not receipted in time stays in the
// outbox and goes out with the next send or listen: a second envelope is never
// signed for the same seq.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KIND, PRECEDENCE, type Precedence, toHex } from '@hotline/codec';
import type { Command } from 'commander';
import { ConfigError } from '../config-error.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { MainIo } from '../main.js';
import { channelArg, openParty, type PartyFlags, within } from '../party/open.js';
import { partyOptions } from './channel.js';

interface SendFlags extends PartyFlags {
  readonly text?: string;
  readonly bodyFile?: string;
  readonly kind: string;
  readonly precedence: string;
  readonly receipts: string;
  readonly timeout: string;
  readonly json?: boolean;
}

function bodyOf(flags: SendFlags, io: MainIo): Uint8Array {
  if ((flags.text === undefined) === (flags.bodyFile === undefined)) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      'give exactly one of --text and --body-file',
      'body',
    );
  }
  return flags.text !== undefined
    ? new TextEncoder().encode(flags.text)
    : new Uint8Array(readFileSync(resolve(io.cwd, flags.bodyFile!)));
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

async function send(channelText: string, flags: SendFlags, io: MainIo): Promise<number> {
  const input = {
    kind: kindOf(flags.kind),
    body: bodyOf(flags, io),
    precedence: precedenceOf(flags.precedence),
  };
  const wanted = Number(flags.receipts);
  const timeout = Number(flags.timeout);
  const party = openParty(flags, io);
  try {
    const channel = channelArg(party.client, channelText);
    const relays = party.client.session(channel)!.charter.relays.length;
    const sent = party.client.send(channel, input);
    const done = await within(party.client.receipted(sent.id, Math.min(wanted, relays)), timeout);
    const receipted = party.client.store.receiptRelays(sent.id).length;
    if (flags.json) {
      io.out(`${JSON.stringify({ id: toHex(sent.id), seq: sent.seq, receipted, relays })}\n`);
    } else {
      io.out(
        `sent #${sent.seq} ${toHex(sent.id)}: receipted by ${receipted} of ${relays} relays\n`,
      );
    }
    if (!done) {
      io.err(
        'hotline: not receipted in time; it stays in the outbox and is re-sent by the next send or listen\n',
      );
      return EXIT_FAILURE;
    }
    return EXIT_OK;
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
      .option('--text <text>', 'the body: this text as UTF-8')
      .option('--body-file <file>', 'the body: this file, as is')
      .option('--kind <kind>', 'kind name or number', 'text')
      .option('--precedence <p>', `routine, ${Object.keys(PRECEDENCE).join(', ')}`, 'routine')
      .option('--receipts <k>', 'wait until k relays receipted it', '1')
      .option('--timeout <ms>', 'how long to wait for the receipts', '30000'),
  ).action((channel: string, flags: SendFlags) => done(send(channel, flags, io)));
}
