// `hotline export <channel>`: writes the channel's transcript (CBOR, self-contained:
// charter, envelopes, per relay its log, checkpoints, receipts, proofs) for
// `hotline verify`, and optionally its JSON view for people.

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { encodeTranscript, transcriptToJson } from '@hotline/client';
import { toHex } from '@hotline/codec';
import type { Command } from 'commander';
import { EXIT_OK } from '../exit-codes.js';
import type { MainIo } from '../main.js';
import { channelArg, openParty, type PartyFlags } from '../party/open.js';
import { partyOptions } from './channel.js';

interface ExportFlags extends PartyFlags {
  readonly out?: string;
  readonly view?: string;
  readonly json?: boolean;
}

function exportTranscript(channelText: string, flags: ExportFlags, io: MainIo): number {
  const party = openParty(flags, io, { offline: true });
  try {
    const channel = channelArg(party.client, channelText);
    const transcript = party.client.transcript(channel);
    const bytes = encodeTranscript(transcript);
    const out = resolve(io.cwd, flags.out ?? `${toHex(channel).slice(0, 16)}.transcript`);
    writeFileSync(out, bytes);
    if (flags.view !== undefined) {
      writeFileSync(
        resolve(io.cwd, flags.view),
        `${JSON.stringify(transcriptToJson(transcript), null, 2)}\n`,
      );
    }
    const summary = {
      file: out,
      bytes: bytes.length,
      envelopes: transcript.envelopes.length,
      relays: transcript.relays.length,
      checkpoints: transcript.relays.reduce((sum, relay) => sum + relay.checkpoints.length, 0),
      receipts: transcript.relays.reduce((sum, relay) => sum + relay.receipts.length, 0),
    };
    if (flags.json) io.out(`${JSON.stringify(summary)}\n`);
    else {
      io.out(
        `wrote ${out} (${summary.bytes} bytes): ${summary.envelopes} envelopes, ` +
          `${summary.checkpoints} checkpoints and ${summary.receipts} receipts from ${summary.relays} relays\n`,
      );
    }
    return EXIT_OK;
  } finally {
    party.close();
  }
}

export function registerExportCommand(
  program: Command,
  io: MainIo,
  done: (code: Promise<number>) => void,
): void {
  partyOptions(
    program
      .command('export')
      .description("Write a channel's transcript, to be checked offline with hotline verify")
      .argument('<channel>', 'channel id or a unique prefix of 8+ hex digits')
      .option('--out <file>', 'transcript file (default <channel-id-prefix>.transcript)')
      .option('--view <file>', 'also write the JSON view for people to this file'),
  ).action((channel: string, flags: ExportFlags) =>
    done(Promise.resolve(exportTranscript(channel, flags, io))),
  );
}
