// Optional host features, reached at run time so that the package imports nothing
// from `node:` and runs unchanged in a browser. Only the members used here are typed.

/** The subset of a node:crypto KeyObject this package uses. */
export interface NativeKeyObject {
  readonly type: string;
  export(options: { format: 'der'; type: 'spki' }): Uint8Array;
}

/** The subset of node:crypto this package uses. */
export interface NativeCrypto {
  createPublicKey(
    input: { key: Uint8Array; format: 'der'; type: 'spki' } | NativeKeyObject,
  ): NativeKeyObject;
  verify(algorithm: null, data: Uint8Array, key: NativeKeyObject, signature: Uint8Array): boolean;
  /** Present in Node; optional so that a host with verification only still verifies. */
  createPrivateKey?(input: { key: Uint8Array; format: 'der'; type: 'pkcs8' }): NativeKeyObject;
  sign?(algorithm: null, data: Uint8Array, key: NativeKeyObject): Uint8Array;
}

/** The subset of node:fs this package uses. */
export interface NativeFs {
  writeFileSync(
    path: string,
    data: string,
    options: { encoding: 'utf8'; mode: number; flag: string },
  ): void;
  readFileSync(path: string, encoding: 'utf8'): string;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { force: boolean }): void;
}

interface Host {
  process?: { getBuiltinModule?: (id: string) => unknown };
  crypto?: { getRandomValues?: (array: Uint8Array) => Uint8Array };
}

const host = globalThis as unknown as Host;

function builtin(id: string): unknown {
  try {
    return host.process?.getBuiltinModule?.(id);
  } catch {
    return undefined;
  }
}

/** node:crypto when the host has it, else undefined. */
export function nativeCrypto(): NativeCrypto | undefined {
  const mod = builtin('node:crypto') as Partial<NativeCrypto> | undefined;
  return typeof mod?.verify === 'function' && typeof mod.createPublicKey === 'function'
    ? (mod as NativeCrypto)
    : undefined;
}

/** node:fs when the host has it, else undefined. */
export function nativeFs(): NativeFs | undefined {
  const mod = builtin('node:fs') as Partial<NativeFs> | undefined;
  return typeof mod?.writeFileSync === 'function' ? (mod as NativeFs) : undefined;
}

/** Cryptographically secure random bytes from the host (Web Crypto, in Node and browsers). */
export function randomBytes(length: number): Uint8Array {
  const getRandomValues = host.crypto?.getRandomValues;
  if (typeof getRandomValues !== 'function') {
    throw new Error('no crypto.getRandomValues in this runtime: cannot generate keys');
  }
  const out = new Uint8Array(length);
  getRandomValues.call(host.crypto, out);
  return out;
}
