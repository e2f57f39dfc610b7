// The Hotline key file: a secret key as JSON, in the clear or sealed with a
// passphrase (scrypt → XChaCha20-Poly1305, the public key bound as associated data).
//
//   { "type": "hotline-ed25519-secret", "version": 1, "publicKey": hex, "secretKey": hex }
//   { "type": "hotline-ed25519-secret", "version": 1, "publicKey": hex,
//     "kdf": { "name": "scrypt", "N": n, "r": 8, "p": 1, "salt": hex },
//     "cipher": { "name": "xchacha20poly1305", "nonce": hex }, "ciphertext": hex }
//
// Hex is lowercase. The passphrase is UTF-8 of its Unicode NFC form.

import { bytesEqual, type ErrorCode, fromHex, HotlineError, toHex } from '@hotline/codec';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { scrypt } from '@noble/hashes/scrypt.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { nativeFs, randomBytes } from './_runtime.js';
import { publicKeyOf, SECRET_KEY_SIZE, type SecretKey } from './keys.js';

export const KEYFILE_TYPE = 'hotline-ed25519-secret';
export const KEYFILE_VERSION = 1;
/** Default scrypt N: 2^17 (128 MiB with r = 8, a fraction of a second to a few seconds). */
export const KEYFILE_DEFAULT_N = 2 ** 17;
/** Largest scrypt N accepted: 2^20 needs 1 GiB; a file must not make us allocate more. */
export const KEYFILE_MAX_N = 2 ** 20;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SALT_SIZE = 16;
const NONCE_SIZE = 24;
const TAG_SIZE = 16;

export interface EncodeKeyFileOptions {
  /** Encrypts the secret key when given (a non-empty string). */
  passphrase?: string;
  /** scrypt N, a power of two from 2 to 2^20; default 2^17. Small values are for tests. */
  kdfCost?: number;
}

export interface WriteKeyFileOptions extends EncodeKeyFileOptions {
  /** Replace an existing file (atomically, via a new file and a rename). Default false. */
  overwrite?: boolean;
}

function fail(code: ErrorCode, message: string, field?: string): never {
  throw new HotlineError(code, message, field === undefined ? {} : { field });
}

function passphraseBytes(passphrase: unknown): Uint8Array {
  if (typeof passphrase !== 'string') throw new TypeError('passphrase must be a string');
  if (passphrase.length === 0) throw new RangeError('passphrase must not be empty');
  return utf8ToBytes(passphrase.normalize('NFC'));
}

function isCost(n: unknown): n is number {
  return (
    typeof n === 'number' &&
    Number.isSafeInteger(n) &&
    n >= 2 &&
    n <= KEYFILE_MAX_N &&
    (n & (n - 1)) === 0
  );
}

function deriveKey(passphrase: Uint8Array, salt: Uint8Array, N: number): Uint8Array {
  return scrypt(passphrase, salt, { N, r: SCRYPT_R, p: SCRYPT_P, dkLen: 32 });
}

/** The key file text (JSON, two-space indent, final newline) for `secretKey`. */
export function encodeKeyFile(secretKey: Uint8Array, options: EncodeKeyFileOptions = {}): string {
  const publicKey = publicKeyOf(secretKey); // checks type and length
  if (options === null || typeof options !== 'object') {
    throw new TypeError('options must be an object');
  }
  const head = { type: KEYFILE_TYPE, version: KEYFILE_VERSION, publicKey: toHex(publicKey) };
  if (options.passphrase === undefined) {
    if (options.kdfCost !== undefined) throw new TypeError('kdfCost needs a passphrase');
    return `${JSON.stringify({ ...head, secretKey: toHex(secretKey) }, null, 2)}\n`;
  }
  const pass = passphraseBytes(options.passphrase);
  const N = options.kdfCost ?? KEYFILE_DEFAULT_N;
  if (!isCost(N)) throw new RangeError('kdfCost must be a power of two from 2 to 2^20');
  const salt = randomBytes(SALT_SIZE);
  const nonce = randomBytes(NONCE_SIZE);
  const key = deriveKey(pass, salt, N);
  const ciphertext = xchacha20poly1305(key, nonce, publicKey).encrypt(secretKey);
  key.fill(0);
  const file = {
    ...head,
    kdf: { name: 'scrypt', N, r: SCRYPT_R, p: SCRYPT_P, salt: toHex(salt) },
    cipher: { name: 'xchacha20poly1305', nonce: toHex(nonce) },
    ciphertext: toHex(ciphertext),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

type Json = Record<string, unknown>;

function object(value: unknown, field: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail('KEYFILE_MALFORMED', `${field} must be a JSON object`, field);
  }
  return value as Json;
}

function exactMembers(value: Json, names: readonly string[], field: string): void {
  const present = Object.keys(value);
  for (const name of present) {
    if (!names.includes(name)) fail('KEYFILE_MALFORMED', `unknown member ${name}`, field);
  }
  for (const name of names) {
    if (!(name in value)) fail('KEYFILE_MALFORMED', `missing member ${name}`, field);
  }
}

function hexField(value: unknown, field: string, min: number, max = min): Uint8Array {
  if (typeof value !== 'string' || !/^(?:[0-9a-f]{2})*$/.test(value)) {
    fail('KEYFILE_MALFORMED', `${field} must be lowercase hex`, field);
  }
  if (value.length < 2 * min || value.length > 2 * max) {
    fail('KEYFILE_MALFORMED', `${field} has the wrong length`, field);
  }
  return fromHex(value);
}

/**
 * The secret key in a key file. Throws HotlineError KEYFILE_MALFORMED,
 * KEYFILE_UNSUPPORTED, or KEYFILE_PASSPHRASE (missing or wrong passphrase).
 * A passphrase given for an unencrypted file is not used.
 */
export function decodeKeyFile(text: string, passphrase?: string): SecretKey {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (passphrase !== undefined && typeof passphrase !== 'string') {
    throw new TypeError('passphrase must be a string');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new HotlineError('KEYFILE_MALFORMED', 'not JSON', { cause });
  }
  const file = object(parsed, 'file');
  if (file.type !== KEYFILE_TYPE) fail('KEYFILE_MALFORMED', `type must be ${KEYFILE_TYPE}`, 'type');
  if (file.version !== KEYFILE_VERSION) {
    fail('KEYFILE_UNSUPPORTED', 'unsupported key file version', 'version');
  }
  const encrypted = 'ciphertext' in file;
  exactMembers(
    file,
    encrypted
      ? ['type', 'version', 'publicKey', 'kdf', 'cipher', 'ciphertext']
      : ['type', 'version', 'publicKey', 'secretKey'],
    'file',
  );
  const publicKey = hexField(file.publicKey, 'publicKey', 32);
  let secretKey: Uint8Array;
  if (!encrypted) {
    secretKey = hexField(file.secretKey, 'secretKey', SECRET_KEY_SIZE);
  } else {
    const kdf = object(file.kdf, 'kdf');
    exactMembers(kdf, ['name', 'N', 'r', 'p', 'salt'], 'kdf');
    if (kdf.name !== 'scrypt') fail('KEYFILE_UNSUPPORTED', 'kdf must be scrypt', 'kdf.name');
    if (!isCost(kdf.N)) fail('KEYFILE_UNSUPPORTED', 'scrypt N out of range', 'kdf.N');
    if (kdf.r !== SCRYPT_R || kdf.p !== SCRYPT_P) {
      fail('KEYFILE_UNSUPPORTED', 'scrypt r must be 8 and p 1', 'kdf');
    }
    const salt = hexField(kdf.salt, 'kdf.salt', 16, 64);
    const cipher = object(file.cipher, 'cipher');
    exactMembers(cipher, ['name', 'nonce'], 'cipher');
    if (cipher.name !== 'xchacha20poly1305') {
      fail('KEYFILE_UNSUPPORTED', 'cipher must be xchacha20poly1305', 'cipher.name');
    }
    const nonce = hexField(cipher.nonce, 'cipher.nonce', NONCE_SIZE);
    const ciphertext = hexField(file.ciphertext, 'ciphertext', SECRET_KEY_SIZE + TAG_SIZE);
    if (passphrase === undefined) fail('KEYFILE_PASSPHRASE', 'the key file is encrypted');
    const key = deriveKey(passphraseBytes(passphrase), salt, kdf.N);
    try {
      secretKey = xchacha20poly1305(key, nonce, publicKey).decrypt(ciphertext);
    } catch (cause) {
      throw new HotlineError('KEYFILE_PASSPHRASE', 'wrong passphrase or altered file', { cause });
    } finally {
      key.fill(0);
    }
  }
  if (!bytesEqual(publicKeyOf(secretKey), publicKey)) {
    fail('KEYFILE_MALFORMED', 'publicKey does not belong to the secret key', 'publicKey');
  }
  return secretKey as SecretKey;
}

function filesystem() {
  const fs = nativeFs();
  if (fs === undefined) throw new Error('key files need a filesystem (node:fs), absent here');
  return fs;
}

/**
 * Writes a key file readable by its owner only (mode 0o600). Refuses to replace an
 * existing file unless `overwrite` is set. Synchronous: scrypt blocks anyway.
 */
export function writeKeyFile(
  path: string,
  secretKey: Uint8Array,
  options: WriteKeyFileOptions = {},
): void {
  if (typeof path !== 'string') throw new TypeError('path must be a string');
  const fs = filesystem();
  const { overwrite = false, ...encodeOptions } = options;
  const text = encodeKeyFile(secretKey, encodeOptions);
  if (!overwrite) {
    fs.writeFileSync(path, text, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
    return;
  }
  // A new 0o600 file renamed over the old one: the secret never sits in a file whose
  // mode was set for something else, and readers see the old file or the new one.
  const temporary = `${path}.${toHex(randomBytes(6))}.tmp`;
  try {
    fs.writeFileSync(temporary, text, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
    fs.renameSync(temporary, path);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** Reads and decodes a key file (see decodeKeyFile for the errors). */
export function readKeyFile(path: string, passphrase?: string): SecretKey {
  if (typeof path !== 'string') throw new TypeError('path must be a string');
  return decodeKeyFile(filesystem().readFileSync(path, 'utf8'), passphrase);
}
