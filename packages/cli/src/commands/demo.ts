// `hotline demo`: the five-minute tour (see demo/script.ts).

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runDemo } from '../demo/script.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { MainIo } from '../main.js';

export function registerDemoCommand(
  program: Command,
  io: MainIo,
  done: (code: Promise<number>) => void,
): void {
  program
    .command('demo')
    .description(
      'Start a relay and two desks on this machine, found a channel, talk, kill and restart ' +
        'the relay mid-way, then export and verify both transcripts',
    )
    .option(
      '--dir <dir>',
      'keep the keys, stores and transcripts here (default: a temporary directory, removed)',
    )
    .option('--json', 'one JSON document on stdout instead of the timeline')
    .action((flags: { dir?: string; json?: boolean }) =>
      done(
        runDemo({
          ...(flags.dir === undefined ? {} : { dir: resolve(io.cwd, flags.dir) }),
          json: flags.json === true,
          out: io.out,
        }).then((result) => (result.ok ? EXIT_OK : EXIT_FAILURE)),
      ),
    );
}
