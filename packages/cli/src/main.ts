// The `hotline` command line: `hotline relay` and `hotline conformance <ws-url>`.
// Returns the exit code (exit-codes.ts) instead of exiting, so that it can be tested.

import { Command, CommanderError, Option } from 'commander';
import { registerAckCommand } from './commands/ack.js';
import { registerChannelCommand } from './commands/channel.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerExportCommand } from './commands/export.js';
import { registerInspectCommand } from './commands/inspect.js';
import { registerKeygenCommand } from './commands/keygen.js';
import { registerListenCommand } from './commands/listen.js';
import { registerSendCommand } from './commands/send.js';
import { registerVectorsCommand } from './commands/vectors.js';
import { registerVerifyCommand } from './commands/verify.js';
import { loadRelayConfig } from './config.js';
import { ConfigError } from './config-error.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { parseRelayUrl, runConformanceCommand } from './run-conformance.js';
import { runRelay } from './run-relay.js';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_HOST,
  DEFAULT_LOG_LEVEL,
  DEFAULT_PORT,
  defaultLimit,
  envOf,
  flagOf,
  LIMIT_SETTINGS,
  LOG_LEVELS,
} from './settings.js';

export interface MainIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Transient progress of a long operation, for a person watching; absent when nobody is. */
  readonly progress?: (text: string) => void;
}

const defaultIo: MainIo = {
  env: process.env,
  cwd: process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  // On a terminal only: one line, rewritten in place, never in logs or pipes.
  ...(process.stderr.isTTY
    ? { progress: (text: string) => process.stderr.write(`\r\x1b[K${text}`) }
    : {}),
};

function settingOption(name: string, placeholder: string, description: string): Option {
  return new Option(`--${flagOf(name)} <${placeholder}>`, `${description} [env ${envOf(name)}]`);
}

function relayCommand(program: Command, io: MainIo, done: (code: Promise<number>) => void) {
  const command = program
    .command('relay')
    .description(
      'Run a relay: WebSocket and HTTP (/healthz, /metrics) on one port, JSON logs on stdout. ' +
        'Precedence: flags > environment > config file > defaults.',
    )
    .addOption(
      new Option(
        '--config <file>',
        'JSON config file; keys are the option names in camelCase [env HOTLINE_CONFIG]',
      ),
    )
    .addOption(settingOption('host', 'address', `address to listen on (default ${DEFAULT_HOST})`))
    .addOption(
      settingOption('port', 'port', `TCP port, 0 picks a free one (default ${DEFAULT_PORT})`),
    )
    .addOption(
      settingOption(
        'dataDir',
        'dir',
        `directory of the relay key and the SQLite store (default ./${DEFAULT_DATA_DIR})`,
      ),
    )
    .addOption(
      settingOption(
        'founders',
        'open|keys',
        'who may found channels: comma-separated hex public keys, or "open" for local trials (default: nobody)',
      ),
    )
    .addOption(
      settingOption('logLevel', 'level', `${LOG_LEVELS.join('|')} (default ${DEFAULT_LOG_LEVEL})`),
    )
    .addOption(
      settingOption(
        'verifyWorkers',
        'n',
        'signature-verifying worker threads, 0 verifies on the main thread (default: cores - 1, at least 1)',
      ),
    )
    .addOption(
      settingOption(
        'threadedStore',
        'true|false',
        'commit to SQLite on a writer thread, false commits on the main thread (default true)',
      ),
    );
  for (const setting of LIMIT_SETTINGS) {
    command.addOption(
      settingOption(
        setting.name,
        setting.unit,
        `${setting.description} (default ${defaultLimit(setting.name)})`,
      ),
    );
  }
  command.action((flags: Record<string, string | undefined>) => {
    // Flags arrive as typed; loadRelayConfig merges them with the environment and
    // the config file and validates every value.
    const config = loadRelayConfig({ flags, env: io.env, cwd: io.cwd });
    done(runRelay(config));
  });
}

function conformanceCommand(program: Command, io: MainIo, done: (code: Promise<number>) => void) {
  program
    .command('conformance')
    .description('Run the relay conformance suite against a relay; exit 0 if every check passed')
    .argument('<ws-url>', 'the relay, ws://host:port or wss://…')
    .option(
      '--founder-key <file>',
      'key file of a key the relay lets found channels (needed unless it runs with --founders open); ' +
        'an encrypted file takes its passphrase from HOTLINE_KEY_PASSPHRASE',
    )
    .action((url: string, options: { founderKey?: string }) => {
      const passphrase = io.env['HOTLINE_KEY_PASSPHRASE'];
      done(
        runConformanceCommand({
          url: parseRelayUrl(url),
          ...(options.founderKey === undefined ? {} : { founderKeyFile: options.founderKey }),
          ...(passphrase === undefined || passphrase === '' ? {} : { passphrase }),
          out: (line) => io.out(`${line}\n`),
        }),
      );
    });
}

/** Runs the command line `argv` (without node and script); resolves with the exit code. */
export async function main(argv: readonly string[], io: MainIo = defaultIo): Promise<number> {
  let running: Promise<number> | undefined;
  const program = new Command('hotline')
    .description('Hotline: signed, sequenced messages for crisis communication')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for the options)');
  relayCommand(program, io, (code) => (running = code));
  conformanceCommand(program, io, (code) => (running = code));
  registerVerifyCommand(program, io, (code) => (running = code));
  registerKeygenCommand(program, io, (code) => (running = code));
  registerChannelCommand(program, io, (code) => (running = code));
  registerSendCommand(program, io, (code) => (running = code));
  registerAckCommand(program, io, (code) => (running = code));
  registerListenCommand(program, io, (code) => (running = code));
  registerExportCommand(program, io, (code) => (running = code));
  registerDemoCommand(program, io, (code) => (running = code));
  registerInspectCommand(program, io, (code) => (running = code));
  registerVectorsCommand(program, io, (code) => (running = code));
  try {
    program.parse(argv, { from: 'user' });
    return running === undefined ? EXIT_OK : await running;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof ConfigError) {
      io.err(`hotline: ${error.message}\n`);
      return EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`hotline: ${message}\n`);
    return EXIT_FAILURE;
  }
}
