// `hotline inspect [hex|-]`: decodes an envelope, a relay frame, a checkpoint, a
// receipt or a charter body strictly and prints every field. Signatures are
// checked only with --verify.

import { type Command, Option } from 'commander';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { parseHexInput } from '../inspect/hex-input.js';
import { renderInspection } from '../inspect/render.js';
import { DETECT_ORDER, INSPECT_AS, type InspectAs, inspectBytes } from '../inspect/views.js';
import type { MainIo } from '../main.js';

/** Where `-` reads from; tests pass their own, the command line reads process.stdin. */
export interface StdinIo {
  readonly readStdin?: () => Promise<string>;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface InspectFlags {
  readonly as?: InspectAs;
  readonly verify?: boolean;
  readonly json?: boolean;
}

async function runInspect(
  input: string | undefined,
  flags: InspectFlags,
  io: MainIo & StdinIo,
): Promise<number> {
  const text =
    input === undefined || input === '-' ? await (io.readStdin ?? readProcessStdin)() : input;
  const bytes = parseHexInput(text); // ConfigError: exit 2
  const inspection = inspectBytes(bytes, {
    ...(flags.as === undefined ? {} : { as: flags.as }),
    verify: flags.verify === true,
  });
  if (flags.json === true) {
    io.out(
      `${JSON.stringify(
        {
          ok: inspection.view !== undefined && inspection.problems === 0,
          as: inspection.as ?? null,
          view: inspection.view ?? null,
          problems: inspection.problems,
          attempts: inspection.attempts,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    io.out(`${renderInspection(inspection).join('\n')}\n`);
  }
  return inspection.view !== undefined && inspection.problems === 0 ? EXIT_OK : EXIT_FAILURE;
}

export function registerInspectCommand(
  program: Command,
  io: MainIo & StdinIo,
  done: (code: Promise<number>) => void,
): void {
  program
    .command('inspect')
    .description(
      'Decode hex bytes strictly and print every field: an envelope (and its charter), ' +
        'a relay frame (and what it carries), a checkpoint, a receipt or a charter body. ' +
        `Without --as, the first of ${DETECT_ORDER.join(', ')} that decodes. ` +
        'Exit 1 if the bytes do not decode or a check fails',
    )
    .argument('[hex]', 'the bytes in hex, whitespace allowed; "-" or nothing reads stdin')
    .addOption(new Option('--as <format>', 'decode as this only').choices(INSPECT_AS))
    .option(
      '--verify',
      'verify signatures (envelope, checkpoint) and inclusion proofs (receipt); default: not checked',
    )
    .option('--json', 'print one JSON document')
    .action((hex: string | undefined, flags: InspectFlags) => {
      done(runInspect(hex, flags, io));
    });
}
