// The twelve test vectors of "Taming the many EdDSAs" (Chalkias, Garillot,
// Nikolaenko, SSR 2020; the ed25519-speccheck cases), with the verdict the Hotline
// rule gives and why, next to what noble's default and raw OpenSSL say: the
// libraries disagree with each other, the two Hotline backends never do.
import { concatBytes } from '@hotline/codec';
import { isAcceptableKey, verify } from '@hotline/signer';
import { expect } from 'chai';
import fc from 'fast-check';
import { isCanonicalPointEncoding } from '../src/ed25519/_encoding.js';
import {
  bytesLE,
  craft,
  craftCancelling,
  hex,
  L,
  nobleDefault,
  numberLE,
  Point,
  rawOpenssl,
  TORSION,
} from './_ed25519.js';

interface TamingCase {
  message: string;
  publicKey: string;
  signature: string;
  /** What the case exercises (the paper's description). */
  about: string;
  /** Why the Hotline rule rejects it: the first rule that fails. */
  reason:
    | 'A small order'
    | 'A mixed order'
    | 'S >= L'
    | 'R non-canonical, A mixed order'
    | 'A non-canonical';
  /** Measured on noble 3.2.0 (default options) and OpenSSL 3.0 (node:crypto). */
  nobleDefault: boolean;
  openssl: boolean;
}

// prettier-ignore
const CASES: TamingCase[] = [
  {
    about: 'S = 0, small A, small R',
    reason: 'A small order',
    nobleDefault: true,
    openssl: true,
    message: '8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6',
    publicKey: 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
    signature:
      'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a0000000000000000000000000000000000000000000000000000000000000000',
  },
  {
    about: '0 < S < L, small A, mixed R',
    reason: 'A small order',
    nobleDefault: true,
    openssl: true,
    message: '9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79',
    publicKey: 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
    signature:
      'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04',
  },
  {
    about: '0 < S < L, mixed A, small R',
    reason: 'A mixed order',
    nobleDefault: true,
    openssl: true,
    message: 'aebf3f2601a0c8c5d39cc7d8911642f740b78168218da8471772b35f9d35b9ab',
    publicKey: 'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43',
    signature:
      'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa8c4bd45aecaca5b24fb97bc10ac27ac8751a7dfe1baff8b953ec9f5833ca260e',
  },
  {
    about: '0 < S < L, mixed A, mixed R; passes both equations',
    reason: 'A mixed order',
    nobleDefault: true,
    openssl: true,
    message: '9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79',
    publicKey: 'cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d',
    signature:
      '9046a64750444938de19f227bb80485e92b83fdb4b6506c160484c016cc1852f87909e14428a7a1d62e9f22f3d3ad7802db02eb2e688b6c52fcd6648a98bd009',
  },
  {
    about: 'mixed A, mixed R; passes cofactored only',
    reason: 'A mixed order',
    nobleDefault: true,
    openssl: false,
    message: 'e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c',
    publicKey: 'cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d',
    signature:
      '160a1cb0dc9c0258cd0a7d23e94d8fa878bcb1925f2c64246b2dee1796bed5125ec6bc982a269b723e0668e540911a9a6a58921d6925e434ab10aa7940551a09',
  },
  {
    about: 'mixed A; fails cofactored verifiers that pre-reduce 8k mod L',
    reason: 'A mixed order',
    nobleDefault: true,
    openssl: false,
    message: 'e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c',
    publicKey: 'cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d',
    signature:
      '21122a84e0b5fca4052f5b1235c80a537878b38f3142356b2c2384ebad4668b7e40bc836dac0f71076f9abe3a53f9c03c1ceeeddb658d0030494ace586687405',
  },
  {
    about: 'L < S < 2^253: passes a check of the top three bits only',
    reason: 'S >= L',
    nobleDefault: false,
    openssl: false,
    message: '85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40',
    publicKey: '442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623',
    signature:
      'e96f66be976d82e60150baecff9906684aebb1ef181f67a7189ac78ea23b6c0e547f7690a0e2ddcd04d87dbc3490dc19b3b3052f7ff0538cb68afb369ba3a514',
  },
  {
    about: 'S > 2^253: fails even the top-bits check',
    reason: 'S >= L',
    nobleDefault: false,
    openssl: false,
    message: '85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40',
    publicKey: '442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623',
    signature:
      '8ce5b96c8f26d0ab6c47958c9e68b937104cd36e13c33566acd2fe8d38aa19427e71f98a473474f2f13f06f97c20d58cc3f54b8bd0d272f42b695dd7e89a8c22',
  },
  {
    about: 'non-canonical small R, passes if R is reduced before hashing',
    reason: 'R non-canonical, A mixed order',
    nobleDefault: false,
    openssl: false,
    message: '9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41',
    publicKey: 'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43',
    signature:
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff03be9678ac102edcd92b0210bb34d7428d12ffc5df5f37e359941266a4e35f0f',
  },
  {
    about: 'non-canonical small R, passes if R is hashed as received',
    reason: 'R non-canonical, A mixed order',
    nobleDefault: true,
    openssl: false,
    message: '9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41',
    publicKey: 'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43',
    signature:
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffca8c5b64cd208982aa38d4936621a4775aa233aa0505711d8fdcfdaa943d4908',
  },
  {
    about: 'non-canonical small A, passes if A is reduced before hashing',
    reason: 'A non-canonical',
    nobleDefault: true,
    openssl: false,
    message: 'e96b7021eb39c1a163b6da4e3093dcd3f21387da4cc4572be588fafae23c155b',
    publicKey: 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    signature:
      'a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04',
  },
  {
    about: 'non-canonical small A, passes if A is hashed as received',
    reason: 'A non-canonical',
    nobleDefault: true,
    openssl: true,
    message: '39a591f5321bbe07fd5a23dc2f39d025d74526615746727ceefd6e82ae65c06f',
    publicKey: 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    signature:
      'a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04',
  },
];

function orderOf(encoding: Uint8Array): 'small' | 'mixed' | 'prime' {
  const point = Point.fromBytes(encoding, true); // lenient: classify non-canonical ones too
  if (point.isSmallOrder()) return 'small';
  return point.isTorsionFree() ? 'prime' : 'mixed';
}

describe('Taming the many EdDSAs: the twelve cases under the Hotline rule', () => {
  CASES.forEach((c, index) => {
    it(`case ${index} (${c.about}): invalid, because ${c.reason}`, () => {
      const [message, publicKey, signature] = [hex(c.message), hex(c.publicKey), hex(c.signature)];
      const S = numberLE(signature.subarray(32));
      for (const backend of ['native', 'portable'] as const) {
        expect(verify(signature, message, publicKey, { backend }), backend).to.equal(false);
      }
      // The reason, checked on its own.
      switch (c.reason) {
        case 'A small order':
        case 'A mixed order':
          expect(isCanonicalPointEncoding(publicKey, 0)).to.equal(true);
          expect(orderOf(publicKey)).to.equal(c.reason === 'A small order' ? 'small' : 'mixed');
          expect(S < L).to.equal(true);
          break;
        case 'S >= L': {
          expect(isAcceptableKey(publicKey)).to.equal(true);
          expect(S >= L).to.equal(true);
          // S is the only fault: reduced mod L, the same signature is valid.
          const reduced = concatBytes(signature.subarray(0, 32), bytesLE(S % L));
          expect(verify(reduced, message, publicKey, { backend: 'native' })).to.equal(true);
          expect(verify(reduced, message, publicKey, { backend: 'portable' })).to.equal(true);
          break;
        }
        case 'R non-canonical, A mixed order':
          expect(isCanonicalPointEncoding(signature, 0)).to.equal(false);
          expect(orderOf(publicKey)).to.equal('mixed');
          break;
        case 'A non-canonical':
          expect(isCanonicalPointEncoding(publicKey, 0)).to.equal(false);
          break;
      }
      if (c.reason !== 'S >= L') expect(isAcceptableKey(publicKey)).to.equal(false);
      // Measured behaviour of the libraries underneath, pinned so a change is noticed.
      expect(nobleDefault(signature, message, publicKey), 'noble default').to.equal(c.nobleDefault);
      expect(rawOpenssl(signature, message, publicKey), 'raw OpenSSL').to.equal(c.openssl);
    });
  });
});

describe('small-order components in A and R (property)', () => {
  const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const message = fc.uint8Array({ maxLength: 48 });
  const torsion = fc.integer({ min: 0, max: 7 });

  it('both backends agree and follow the rule: valid iff neither A nor R has torsion', () => {
    fc.assert(
      fc.property(seed, message, torsion, torsion, (secret, msg, i, j) => {
        const crafted = craft(secret, msg, TORSION[i]!, TORSION[j]!);
        const native = verify(crafted.signature, msg, crafted.publicKey, { backend: 'native' });
        const portable = verify(crafted.signature, msg, crafted.publicKey, { backend: 'portable' });
        expect(native).to.equal(portable);
        expect(native).to.equal(i === 0 && j === 0);
      }),
      { seed: 20_201_244, numRuns: 200 },
    );
  });

  it('rejects mixed-order keys even when the torsion cancels and raw OpenSSL accepts', () => {
    fc.assert(
      fc.property(seed, message, fc.integer({ min: 1, max: 7 }), (secret, msg, i) => {
        const crafted = craftCancelling(secret, msg, TORSION[i]!);
        expect(rawOpenssl(crafted.signature, msg, crafted.publicKey)).to.equal(true);
        expect(verify(crafted.signature, msg, crafted.publicKey, { backend: 'native' })).to.equal(
          false,
        );
        expect(verify(crafted.signature, msg, crafted.publicKey, { backend: 'portable' })).to.equal(
          false,
        );
      }),
      { seed: 8032, numRuns: 40 },
    );
  });

  it("noble's default and raw OpenSSL disagree on a torsioned R: the reason the rule exists", () => {
    const secret = new Uint8Array(32).fill(7);
    const msg = Uint8Array.of(0x61);
    const crafted = craft(secret, msg, Point.ZERO, TORSION[1]!);
    expect(nobleDefault(crafted.signature, msg, crafted.publicKey)).to.equal(true); // cofactored
    expect(rawOpenssl(crafted.signature, msg, crafted.publicKey)).to.equal(false); // cofactorless
    expect(verify(crafted.signature, msg, crafted.publicKey)).to.equal(false);
  });
});
