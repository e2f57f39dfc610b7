// `hotline verify <file> [--json]`: checks a channel transcript offline
// (spec/09-transcript.md) and prints one line per item and a verdict.
// Exit 0 if nothing failed, 1 if an item failed or the file is not a transcript,
// 2 on a usage error or a file that cannot be read.

import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  decodeTranscript,
  MAX_TRANSCRIPT_BYTES,
  type Transcript,
  type TranscriptItem,
  type TranscriptReport,
  transcriptToJson,
  verifyTranscript,
} from '@hotline/client';
import { HotlineError, isHotlineError } from '@hotline/codec';
import type { Command } from 'commander';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import type { MainIo } from '../main.js';

const MARK = { ok: '✓', fail: '✗', unchecked: '?', void: '⊘' } as const;

function line(item: TranscriptItem): string {
  const code = item.code === undefined ? '' : `  ${item.code}`;
  const detail = item.detail === undefined || item.verdict === 'ok' ? '' : `  (${item.detail})`;
  return `${MARK[item.verdict]} ${item.item}${code}${detail}\n`;
}

function summary(report: TranscriptReport): string {
  const count = (v: TranscriptItem['verdict']) =>
    report.items.filter((i) => i.verdict === v).length;
  const [ok, fail, unchecked, voided] = ['ok', 'fail', 'unchecked', 'void'].map((v) =>
    count(v as TranscriptItem['verdict']),
  );
  const verdict = report.ok ? 'VERIFIED' : 'FAILED';
  // Void envelopes are genuine and logged, but their key was revoked: said every time.
  const voids = voided === 0 ? '' : `, ${voided} void (signed by a revoked key)`;
  return `${verdict}: ${ok} ok, ${fail} failed, ${unchecked} unchecked${voids}\n`;
}

/** Reads the file; the size is checked before a byte is read. Throws with a message. */
async function readTranscriptFile(path: string): Promise<Uint8Array> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a file`);
  if (info.size > MAX_TRANSCRIPT_BYTES) {
    throw new HotlineError('TRANSCRIPT_TOO_LARGE', `over ${MAX_TRANSCRIPT_BYTES} bytes`);
  }
  return new Uint8Array(await readFile(path));
}

export async function runVerify(file: string, json: boolean, io: MainIo): Promise<number> {
  const path = resolve(io.cwd, file);
  let bytes: Uint8Array;
  let report: TranscriptReport;
  let view: unknown = null;
  try {
    bytes = await readTranscriptFile(path);
  } catch (error) {
    if (!isHotlineError(error)) {
      io.err(`hotline: cannot read ${file}: ${error instanceof Error ? error.message : error}\n`);
      return EXIT_USAGE;
    }
    bytes = new Uint8Array(0);
    report = failed(error);
  }
  report ??= (() => {
    try {
      const transcript = decodeTranscript(bytes);
      view = transcriptToJson(transcript);
      const total = transcriptSize(transcript);
      const result = verifyTranscript(transcript, {
        onProgress: (checked) => io.progress?.(`verifying: ${checked} of about ${total} items`),
      });
      io.progress?.('');
      return result;
    } catch (error) {
      if (!isHotlineError(error)) throw error;
      return failed(error);
    }
  })();
  if (json) {
    io.out(
      `${JSON.stringify({ file, ok: report.ok, items: report.items, transcript: view }, null, 2)}\n`,
    );
  } else {
    for (const item of report.items) io.out(line(item));
    io.out(summary(report));
  }
  return report.ok ? EXIT_OK : EXIT_FAILURE;
}

/** About how many items a transcript's report has: for the progress display only. */
function transcriptSize(transcript: Transcript): number {
  let items = 1 + transcript.envelopes.length;
  for (const relay of transcript.relays) {
    items += 1 + relay.checkpoints.length + relay.receipts.length;
  }
  return items;
}

/** A file that is not a transcript: one failed item for the file itself. */
function failed(error: HotlineError): TranscriptReport {
  const prefix = `${error.code}: `;
  const detail = error.message.startsWith(prefix)
    ? error.message.slice(prefix.length)
    : error.message;
  return {
    items: [{ item: 'transcript file', verdict: 'fail', code: error.code, detail }],
    ok: false,
  };
}

export function registerVerifyCommand(
  program: Command,
  io: MainIo,
  done: (code: Promise<number>) => void,
): void {
  program
    .command('verify')
    .description(
      'Verify a channel transcript offline: charter, envelopes and chains, relay logs, ' +
        'checkpoints and receipts. Exit 0 if nothing failed, 1 if something did',
    )
    .argument('<file>', 'the transcript file (CBOR, spec/09-transcript.md)')
    .option('--json', 'print one JSON document: the verdicts and a view of the transcript')
    .action((file: string, options: { json?: boolean }) => {
      done(runVerify(file, options.json === true, io));
    });
}
