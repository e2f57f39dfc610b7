// Signing on both backends: OpenSSL (node:crypto) and noble give the same bytes
// (Ed25519 is deterministic), and the native key cache never serves a stale key.

import { toHex } from '@hotline/codec';
import { expect } from 'chai';
import fc from 'fast-check';
import { generateSecretKey, publicKeyOf, sign, verify } from '../src/index.js';

describe('Ed25519 signing backends', () => {
  it('RFC 8032 §7.1 TEST 1–3: both backends give the RFC public keys and signatures', () => {
    const cases = [
      [
        '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
        '',
        'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
        'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
      ],
      [
        '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
        '72',
        '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
        '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
      ],
      [
        'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
        'af82',
        'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
        '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
      ],
    ] as const;
    const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
    for (const [secret, message, publicKey, signature] of cases) {
      for (const backend of ['native', 'portable'] as const) {
        expect(toHex(publicKeyOf(hex(secret), { backend }))).to.equal(publicKey);
        expect(toHex(sign(hex(message), hex(secret), { backend }))).to.equal(signature);
      }
    }
  });

  it('random keys and messages: identical signatures on both backends, and they verify', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        (secret, message) => {
          const native = sign(message, secret, { backend: 'native' });
          expect(toHex(native)).to.equal(toHex(sign(message, secret, { backend: 'portable' })));
          expect(verify(native, message, publicKeyOf(secret))).to.equal(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a caller that overwrites its key array gets the new key, not a cached one', () => {
    const key = generateSecretKey();
    const message = new Uint8Array([1, 2, 3]);
    const before = publicKeyOf(key);
    sign(message, key);
    const other = generateSecretKey();
    key.set(other);
    expect(toHex(publicKeyOf(key))).to.equal(toHex(publicKeyOf(other, { backend: 'portable' })));
    expect(toHex(publicKeyOf(key))).to.not.equal(toHex(before));
    expect(toHex(sign(message, key))).to.equal(
      toHex(sign(message, other, { backend: 'portable' })),
    );
  });

  it('rejects an unknown backend name', () => {
    expect(() =>
      sign(new Uint8Array(1), generateSecretKey(), { backend: 'gpu' as never }),
    ).to.throw(TypeError);
  });
});
