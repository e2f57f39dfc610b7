// Where a party's files are: the data directory (--data-dir, env HOTLINE_DATA_DIR,
// default ./.hotline) holds the member key file and the client store.

import { resolve } from 'node:path';
import type { MainIo } from '../main.js';
import { DEFAULT_DATA_DIR } from '../settings.js';

export const MEMBER_KEY_FILE = 'member-key.json';
export const CLIENT_STORE_FILE = 'client.sqlite';
export const PASSPHRASE_ENV = 'HOTLINE_KEY_PASSPHRASE';
export const DATA_DIR_ENV = 'HOTLINE_DATA_DIR';

export function dataDirOf(flags: { readonly dataDir?: string }, io: MainIo): string {
  return resolve(io.cwd, flags.dataDir ?? io.env[DATA_DIR_ENV] ?? DEFAULT_DATA_DIR);
}
