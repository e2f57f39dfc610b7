import { concatBytes } from '@hotline/codec';
import { backendAvailable, isAcceptableKey, publicKeyOf, sign, verify } from '@hotline/signer';
import { expect } from 'chai';
import fc from 'fast-check';
import { isCanonicalPointEncoding, isReducedScalar } from '../src/ed25519/_encoding.js';
import { LruMap } from '../src/ed25519/_lru.js';
import {
  bytesLE,
  challenge,
  craft,
  hex,
  L,
  nobleDefault,
  numberLE,
  P,
  Point,
  rawOpenssl,
  TORSION,
} from './_ed25519.js';
import { RFC8032_VECTORS } from './_rfc8032.js';

/** The verdict of both backends, asserting they agree. */
function both(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const native = verify(signature, message, publicKey, { backend: 'native' });
  const portable = verify(signature, message, publicKey, { backend: 'portable' });
  expect(native, 'native and portable disagree').to.equal(portable);
  return native;
}

const SEED = hex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');
const KEY = publicKeyOf(SEED);
const MSG = Uint8Array.from([0x68, 0x6f, 0x74, 0x6c, 0x69, 0x6e, 0x65]);
const SIG = sign(MSG, SEED);

/** The 14 encodings of small-order points: 8 canonical, then 6 non-canonical. */
const SMALL_ORDER_ENCODINGS = [
  ...TORSION.map((t) => t.toBytes()),
  hex('0100000000000000000000000000000000000000000000000000000000000080'), // identity, x=0 with sign
  hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'), // order 2, x=0 with sign
  hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'), // y = p ≡ 0, order 4
  hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'), // y = p, other sign
  hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'), // y = p + 1 ≡ 1, identity
  hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'), // y = p + 1, sign set
];

describe('verify: RFC 8032 §7.1 vectors', () => {
  for (const v of RFC8032_VECTORS) {
    it(`${v.name} is valid on both backends, and invalid with one bit flipped`, () => {
      const [signature, message, publicKey] = [hex(v.signature), hex(v.message), hex(v.publicKey)];
      expect(both(signature, message, publicKey)).to.equal(true);
      expect(verify(signature, message, publicKey)).to.equal(true); // default backend
      for (const index of [0, 31, 32, 63]) {
        const flipped = signature.slice();
        flipped[index]! ^= 0x01;
        expect(both(flipped, message, publicKey), `bit flip at ${index}`).to.equal(false);
      }
      const otherMessage = concatBytes(message, Uint8Array.of(0));
      expect(both(signature, otherMessage, publicKey)).to.equal(false);
    });
  }
});

describe('verify: arguments', () => {
  it('throws TypeError only for non-Uint8Array arguments and malformed options', () => {
    const bad = [undefined, null, 'ab', [1, 2], new ArrayBuffer(64), new Uint16Array(32)];
    for (const value of bad) {
      expect(() => verify(value as never, MSG, KEY)).to.throw(TypeError);
      expect(() => verify(SIG, value as never, KEY)).to.throw(TypeError);
      expect(() => verify(SIG, MSG, value as never)).to.throw(TypeError);
    }
    for (const options of [null, 'native', { backend: 'openssl' }, { backend: 1 }]) {
      expect(() => verify(SIG, MSG, KEY, options as never)).to.throw(TypeError);
    }
    expect(() => isAcceptableKey('00' as never)).to.throw(TypeError);
    expect(() => backendAvailable('wasm' as never)).to.throw(TypeError);
  });

  it('accepts Buffers and subarray views', () => {
    const padded = concatBytes(Uint8Array.of(9), SIG, Uint8Array.of(9));
    expect(both(padded.subarray(1, 65), Buffer.from(MSG), Buffer.from(KEY))).to.equal(true);
  });

  it('returns false, not an exception, for wrong lengths (rule 1)', () => {
    for (const length of [0, 63, 65, 128]) {
      const signature = new Uint8Array(length);
      signature.set(SIG.subarray(0, Math.min(64, length)));
      expect(both(signature, MSG, KEY), `signature of ${length} bytes`).to.equal(false);
    }
    for (const length of [0, 31, 33, 64]) {
      const key = new Uint8Array(length);
      key.set(KEY.subarray(0, Math.min(32, length)));
      expect(both(SIG, MSG, key), `key of ${length} bytes`).to.equal(false);
      expect(isAcceptableKey(key)).to.equal(false);
    }
  });

  it('never throws on arbitrary bytes, and both backends agree', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 70 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ minLength: 30, maxLength: 34 }),
        (signature, message, key) => {
          expect(both(signature, message, key)).to.equal(false);
        },
      ),
      { seed: 0x5151, numRuns: 150 },
    );
  });

  it('has both backends on Node', () => {
    expect(backendAvailable('native')).to.equal(true);
    expect(backendAvailable('portable')).to.equal(true);
  });
});

describe('verify: Wycheproof-style edge cases', () => {
  it('rejects S + L, which raw OpenSSL also rejects (rule 3)', () => {
    const S = numberLE(SIG.subarray(32));
    for (const s of [S + L, S + 2n * L, S + 8n * L]) {
      if (s >= 2n ** 256n) continue; // not representable in 32 bytes
      const malleated = concatBytes(SIG.subarray(0, 32), bytesLE(s));
      expect(both(malleated, MSG, KEY)).to.equal(false);
      expect(rawOpenssl(malleated, MSG, KEY), 'measured: OpenSSL checks S < L').to.equal(false);
    }
  });

  it('rejects an R encoded with y >= p or x = 0 with the sign bit (rule 2)', () => {
    for (const R of SMALL_ORDER_ENCODINGS.slice(8)) {
      const signature = concatBytes(R, SIG.subarray(32));
      expect(both(signature, MSG, KEY)).to.equal(false);
      // Measured: OpenSSL compares the canonical encoding of [S]B - [k]A with R's bytes.
      expect(rawOpenssl(signature, MSG, KEY)).to.equal(false);
    }
  });

  it('rejects every small-order key, canonical or not, even with S = 0 and R = -[k]A (rule 4)', () => {
    for (const A of SMALL_ORDER_ENCODINGS) {
      expect(isAcceptableKey(A), toHexString(A)).to.equal(false);
      // Find a message for which some small-order R satisfies the cofactorless equation
      // [0]B = R + [k]A, i.e. a "signature" valid for any verifier without rule (4).
      const found = cofactorlessForgery(A);
      expect(both(found.signature, found.message, A)).to.equal(false);
    }
  });

  it('measured: raw OpenSSL accepts the identity key with R = identity, S = 0 on any message', () => {
    const identity = TORSION[0]!.toBytes();
    const signature = concatBytes(identity, new Uint8Array(32));
    for (const message of [MSG, new Uint8Array(0), Uint8Array.of(1, 2, 3)]) {
      expect(rawOpenssl(signature, message, identity)).to.equal(true);
      expect(both(signature, message, identity)).to.equal(false);
    }
  });

  it('rejects a mixed-order key A + T whatever the signature (rule 4)', () => {
    for (const t of TORSION.slice(1)) {
      const crafted = craft(SEED, MSG, t, Point.ZERO);
      expect(isAcceptableKey(crafted.publicKey)).to.equal(false);
      expect(both(crafted.signature, MSG, crafted.publicKey)).to.equal(false);
      // noble's default (cofactored) equation holds: the key is the only reason.
      expect(nobleDefault(crafted.signature, MSG, crafted.publicKey)).to.equal(true);
    }
  });

  it('rejects an R with a small-order component under an honest key (rule 5)', () => {
    for (const t of TORSION.slice(1)) {
      const crafted = craft(SEED, MSG, Point.ZERO, t);
      expect(isAcceptableKey(crafted.publicKey)).to.equal(true);
      expect(both(crafted.signature, MSG, crafted.publicKey)).to.equal(false);
    }
  });

  it('accepts the empty message and rejects a signature under another key', () => {
    const empty = new Uint8Array(0);
    expect(both(sign(empty, SEED), empty, KEY)).to.equal(true);
    const other = publicKeyOf(hex(RFC8032_VECTORS[0]!.secretKey));
    expect(both(sign(empty, SEED), empty, other)).to.equal(false);
  });

  it("keys its cache by the key's bytes: reusing a buffer for another key is safe", () => {
    const buffer = KEY.slice();
    expect(both(SIG, MSG, buffer)).to.equal(true);
    buffer.set(TORSION[1]!.toBytes());
    expect(isAcceptableKey(buffer)).to.equal(false);
    expect(both(SIG, MSG, buffer)).to.equal(false);
    buffer.set(KEY);
    expect(both(SIG, MSG, buffer)).to.equal(true);
  });
});

describe('byte-level checks', () => {
  it('isReducedScalar is S < L at the boundaries', () => {
    const cases: [bigint, boolean][] = [
      [0n, true],
      [L - 1n, true],
      [L, false],
      [L + 1n, false],
      [2n ** 253n, false],
      [2n ** 252n, true],
      [2n ** 256n - 1n, false],
    ];
    for (const [s, expected] of cases) {
      const bytes = concatBytes(new Uint8Array(32), bytesLE(s));
      expect(isReducedScalar(bytes, 32), s.toString(16)).to.equal(expected);
    }
  });

  it('isCanonicalPointEncoding agrees with y < p and the x = 0 sign rule', () => {
    const encode = (y: bigint, sign: boolean) => {
      const b = bytesLE(y);
      if (sign) b[31]! |= 0x80;
      return b;
    };
    const cases: [bigint, boolean, boolean][] = [
      [0n, false, true],
      [0n, true, true], // x ≠ 0 for y = 0: both signs are canonical
      [1n, false, true],
      [1n, true, false], // identity with the sign bit
      [P - 1n, false, true],
      [P - 1n, true, false], // order-2 point with the sign bit
      [P - 2n, true, true],
      [P, false, false],
      [P + 18n, true, false],
      [2n ** 255n - 1n, false, false],
      [2n, true, true],
    ];
    for (const [y, sign, expected] of cases) {
      expect(isCanonicalPointEncoding(encode(y, sign), 0), `${y} ${sign}`).to.equal(expected);
    }
  });

  it('isCanonicalPointEncoding never passes what strict decoding rejects as non-canonical', () => {
    // Random encodings near the edges: canonical by bytes ⇔ noble's ZIP-215 decoding and
    // its strict decoding agree (the only difference between them is canonicity).
    const edge = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.tuple(fc.integer({ min: 0, max: 40 }), fc.boolean()).map(([d, s]) => {
        const b = bytesLE(d < 20 ? P + BigInt(d) - 1n : BigInt(d - 20));
        if (s) b[31]! |= 0x80;
        return b;
      }),
    );
    fc.assert(
      fc.property(edge, (bytes) => {
        const decodes = (zip215: boolean) => {
          try {
            Point.fromBytes(bytes, zip215);
            return true;
          } catch {
            return false;
          }
        };
        if (decodes(true)) expect(isCanonicalPointEncoding(bytes, 0)).to.equal(decodes(false));
        if (decodes(false)) expect(isCanonicalPointEncoding(bytes, 0)).to.equal(true);
      }),
      { seed: 0x2519, numRuns: 400 },
    );
  });

  it('LruMap evicts the least recently used entry', () => {
    const map = new LruMap<number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).to.equal(1); // a is now the most recent
    map.set('c', 3);
    expect(map.get('b')).to.equal(undefined);
    expect(map.get('a')).to.equal(1);
    expect(map.size).to.equal(2);
    expect(() => new LruMap(0)).to.throw(RangeError);
  });
});

function toHexString(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** A message and (R, S = 0) with R small-order and R + [k]A = identity, for small-order A. */
function cofactorlessForgery(A: Uint8Array): { message: Uint8Array; signature: Uint8Array } {
  const point = Point.fromBytes(A, true);
  for (let i = 0; i < 1000; i++) {
    const message = Uint8Array.of(i & 0xff, i >> 8);
    for (const R of TORSION) {
      const rBytes = R.toBytes();
      const k = challenge(rBytes, A, message);
      if (R.add(point.multiply(k, false)).is0()) {
        return { message, signature: concatBytes(rBytes, new Uint8Array(32)) };
      }
    }
  }
  throw new Error('no forgery found');
}
