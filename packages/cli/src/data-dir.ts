// The relay's data directory: created owner-only (0700), holding the relay key
// (relay-key.json, 0600, written on first run) and the SQLite store (relay.sqlite).

import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecretKey, readKeyFile, type SecretKey, writeKeyFile } from '@hotline/signer';

export const RELAY_KEY_FILE = 'relay-key.json';
export const STORE_FILE = 'relay.sqlite';

/** Permission bits for group and others. */
const GROUP_OTHER = 0o077;

export interface DataDir {
  readonly path: string;
  readonly keyFile: string;
  readonly storeFile: string;
  /** True when the directory exists with permissions for group or others. */
  readonly exposed: boolean;
}

/** Creates the directory (and missing parents) with mode 0700 if it does not exist. */
export function prepareDataDir(path: string): DataDir {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const stat = statSync(path);
  if (!stat.isDirectory()) throw new Error(`${path} is not a directory`);
  return {
    path,
    keyFile: join(path, RELAY_KEY_FILE),
    storeFile: join(path, STORE_FILE),
    exposed: (stat.mode & GROUP_OTHER) !== 0,
  };
}

export interface RelayKeyLoad {
  readonly secretKey: SecretKey;
  /** True when this call generated and wrote the key. */
  readonly created: boolean;
  /** True when an existing key file is readable or writable by group or others. */
  readonly exposed: boolean;
}

/**
 * Reads the relay key file, or generates a key and writes it (mode 0600, not
 * encrypted: the relay must start unattended) when there is none. Errors of
 * reading an existing file propagate (HotlineError KEYFILE_*): a relay must never
 * replace the key its checkpoints were signed with.
 */
export function loadOrCreateRelayKey(keyFile: string): RelayKeyLoad {
  let exposed: boolean;
  try {
    exposed = (statSync(keyFile).mode & GROUP_OTHER) !== 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const secretKey = generateSecretKey();
    writeKeyFile(keyFile, secretKey); // flag wx: never replaces a file created meanwhile
    return { secretKey, created: true, exposed: false };
  }
  return { secretKey: readKeyFile(keyFile), created: false, exposed };
}
