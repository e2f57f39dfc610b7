// SHA-256 behind one function: node:crypto when the runtime has it (5-15x faster on
// large inputs), else @noble/hashes. Both are the same function; the tests check they
// agree. node:crypto is reached at run time only, so the codec still runs in browsers.

import { sha256 as portableSha256 } from '@noble/hashes/sha2.js';

type Hash = { update(data: Uint8Array): Hash; digest(): Uint8Array };
type NodeCrypto = {
  createHash(algorithm: 'sha256'): Hash;
  /** One-shot hashing (Node ≥ 20.12), about 1.5× faster than createHash on small inputs. */
  hash?: (algorithm: 'sha256', data: Uint8Array, encoding: 'buffer') => Uint8Array;
};

export type Sha256Backend = 'native' | 'portable';

function loadNative(): ((data: Uint8Array) => Uint8Array) | undefined {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process;
  const crypto = runtime?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  if (crypto === undefined) return undefined;
  const oneShot = crypto.hash;
  const digestOf =
    oneShot === undefined
      ? (data: Uint8Array) => crypto.createHash('sha256').update(data).digest()
      : (data: Uint8Array) => oneShot('sha256', data, 'buffer');
  return (data) => {
    const digest = digestOf(data);
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
  };
}

const native = loadNative();

export function sha256Backends(): Sha256Backend[] {
  return native === undefined ? ['portable'] : ['native', 'portable'];
}

/** SHA-256 of `data`; `backend` forces one implementation (for tests and benchmarks). */
export function sha256(data: Uint8Array, backend?: Sha256Backend): Uint8Array {
  if (backend === 'portable' || (backend === undefined && native === undefined)) {
    return portableSha256(data);
  }
  if (native === undefined) throw new Error('native SHA-256 is not available in this runtime');
  return native(data);
}
