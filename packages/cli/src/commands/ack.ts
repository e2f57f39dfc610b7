// `hotline ack <channel> <envelope>`: acknowledges an envelope at a stage
// (spec/12-semantics.md §3): received, understood (quoting the SHA-256 of the body
// understood, with an optional read-back), accepted, or rejected (with a reason).

import { type AckBody, encodeKindBody, KIND, sha256 } from '@hotline/codec';
import type { Command } from 'commander';
import { ConfigError } from '../config-error.js';
import type { MainIo } from '../main.js';
import { defaultLanguage } from '../party/bodies.js';
import { channelArg, envelopeArg, openParty, type PartyFlags } from '../party/open.js';
import { partyOptions } from './channel.js';
import { sendAndWait } from './send.js';

interface AckFlags extends PartyFlags {
  readonly stage: string;
  readonly readBack?: string;
  readonly reason?: string;
  readonly lang?: string;
  readonly receipts: string;
  readonly timeout: string;
  readonly json?: boolean;
}

const STAGES = ['received', 'understood', 'accepted', 'rejected'] as const;

async function ack(channelText: string, envelopeText: string, flags: AckFlags, io: MainIo) {
  const stage = flags.stage as AckBody['stage'];
  if (!STAGES.includes(stage)) {
    throw new ConfigError('CONFIG_INVALID_VALUE', `--stage: one of ${STAGES.join(', ')}`, 'stage');
  }
  if (flags.readBack !== undefined && stage !== 'understood') {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      '--read-back goes with --stage understood',
      'readBack',
    );
  }
  if (flags.reason !== undefined && stage !== 'rejected') {
    throw new ConfigError('CONFIG_INVALID_VALUE', '--reason goes with --stage rejected', 'reason');
  }
  const party = openParty(flags, io);
  try {
    const channel = channelArg(party.client, channelText);
    const { charter } = party.client.session(channel)!;
    const acked = envelopeArg(party, channel, envelopeText);
    const language = flags.lang ?? defaultLanguage(charter);
    const value: AckBody = {
      stage,
      ...(stage === 'understood' ? { digest: sha256(acked.fields.body) } : {}),
      ...(flags.readBack ? { readBack: { language, text: flags.readBack } } : {}),
      ...(flags.reason ? { reason: { language, text: flags.reason } } : {}),
    };
    const body = encodeKindBody({ kind: 'ack', value });
    return await sendAndWait(party, channel, { kind: KIND.ack, body, ref: acked.id }, flags, io);
  } finally {
    party.close();
  }
}

export function registerAckCommand(
  program: Command,
  io: MainIo,
  done: (code: Promise<number>) => void,
): void {
  partyOptions(
    program
      .command('ack')
      .description(
        'Acknowledge an envelope: received, understood (quotes its digest), accepted or rejected',
      )
      .argument('<channel>', 'channel id or a unique prefix of 8+ hex digits')
      .argument(
        '<envelope>',
        'the envelope to acknowledge: its id or a unique prefix of 8+ hex digits',
      )
      .requiredOption('--stage <stage>', STAGES.join('|'))
      .option('--read-back <text>', 'understood: the content in your own words')
      .option('--reason <text>', 'rejected: why')
      .option(
        '--lang <tag>',
        "language of --read-back/--reason (default: the charter's first, else en)",
      )
      .option('--receipts <k>', 'wait until k relays receipted it', '1')
      .option('--timeout <ms>', 'how long to wait for the receipts', '30000'),
  ).action((channel: string, envelope: string, flags: AckFlags) =>
    done(ack(channel, envelope, flags, io)),
  );
}
