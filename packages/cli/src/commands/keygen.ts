// `hotline keygen`: generates a member's Ed25519 key and writes it as a key file
// (mode 0600), encrypted with the passphrase in HOTLINE_KEY_PASSPHRASE unless
// --unencrypted is given. Never prompts: it must run where there is no terminal.

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { toHex } from '@hotline/codec';
import {
  generateSecretKey,
  KEYFILE_DEFAULT_N,
  KEYFILE_MAX_N,
  publicKeyOf,
  writeKeyFile,
} from '@hotline/signer';
import type { Command } from 'commander';
import { ConfigError } from '../config-error.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { MainIo } from '../main.js';
import { dataDirOf, MEMBER_KEY_FILE, PASSPHRASE_ENV } from '../party/paths.js';
import { DEFAULT_DATA_DIR } from '../settings.js';

export { MEMBER_KEY_FILE, PASSPHRASE_ENV };

interface KeygenFlags {
  readonly out?: string;
  readonly dataDir?: string;
  readonly force?: boolean;
  readonly unencrypted?: boolean;
  readonly kdfCost?: string;
  readonly json?: boolean;
}

/** The scrypt N of --kdf-cost: a power of two from 2 to KEYFILE_MAX_N. Throws ConfigError. */
function kdfCost(text: string): number {
  const n = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 2 && n <= KEYFILE_MAX_N && (n & (n - 1)) === 0)) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `--kdf-cost must be a power of two from 2 to ${KEYFILE_MAX_N}, got "${text}"`,
      'kdfCost',
    );
  }
  return n;
}

function refuse(io: MainIo, path: string): number {
  io.err(`hotline: ${path} exists; refusing to replace a key (use --force to overwrite it)\n`);
  return EXIT_FAILURE;
}

function runKeygen(flags: KeygenFlags, io: MainIo): number {
  const path = resolve(io.cwd, flags.out ?? join(dataDirOf(flags, io), MEMBER_KEY_FILE));
  const passphrase = io.env[PASSPHRASE_ENV];
  const encrypt = flags.unencrypted !== true;
  const cost = flags.kdfCost === undefined ? undefined : kdfCost(flags.kdfCost);
  if (cost !== undefined && !encrypt) {
    throw new ConfigError('CONFIG_INVALID_VALUE', '--kdf-cost needs encryption', 'kdfCost');
  }
  if (encrypt && (passphrase === undefined || passphrase === '')) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `no passphrase to encrypt the key file: set ${PASSPHRASE_ENV}, ` +
        'or pass --unencrypted to write the key in the clear',
      PASSPHRASE_ENV,
    );
  }
  // Checked before the key derivation (a second or so), and again by the write itself.
  if (flags.force !== true && existsSync(path)) return refuse(io, path);

  // A new directory (.hotline by default) is private: it will hold a secret.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const secretKey = generateSecretKey();
  const publicKey = toHex(publicKeyOf(secretKey));
  try {
    writeKeyFile(path, secretKey, {
      overwrite: flags.force === true,
      ...(encrypt ? { passphrase: passphrase as string } : {}),
      ...(cost === undefined ? {} : { kdfCost: cost }),
    });
  } catch (error) {
    // Created by someone else since the check above: still never replaced.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return refuse(io, path);
    throw error;
  } finally {
    secretKey.fill(0);
  }

  if (flags.json === true) {
    io.out(`${JSON.stringify({ publicKey, path, encrypted: encrypt }, null, 2)}\n`);
  } else {
    io.out(`public key  ${publicKey}\n`);
    io.out(
      `key file    ${path} (mode 0600, ${encrypt ? `encrypted with ${PASSPHRASE_ENV}` : 'NOT encrypted'})\n`,
    );
  }
  return EXIT_OK;
}

export function registerKeygenCommand(
  program: Command,
  io: MainIo,
  done: (code: Promise<number>) => void,
): void {
  program
    .command('keygen')
    .description(
      `Generate an Ed25519 signing key and write it as a key file (mode 0600), encrypted with the passphrase in ${PASSPHRASE_ENV}; print the public key`,
    )
    .option('--out <file>', `where to write the key file (default <data-dir>/${MEMBER_KEY_FILE})`)
    .option(
      '--data-dir <dir>',
      `the party's data directory (default ./${DEFAULT_DATA_DIR}) [env HOTLINE_DATA_DIR]`,
    )
    .option('--force', 'replace an existing key file (its key is lost)')
    .option('--unencrypted', `write the secret key in the clear, without ${PASSPHRASE_ENV}`)
    .option(
      '--kdf-cost <N>',
      `scrypt N of the encryption, a power of two up to ${KEYFILE_MAX_N} (default ${KEYFILE_DEFAULT_N}); lower it only for tests`,
    )
    .option('--json', 'print one JSON document')
    .action((flags: KeygenFlags) => {
      done(Promise.resolve(runKeygen(flags, io)));
    });
}
