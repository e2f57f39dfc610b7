// signEnvelope / openEnvelope: round trips on both verification backends, the
// rejections that only the signer can make (signature, sender key), and a property:
// no single bit flip anywhere in a signed envelope ever opens.
import {
  assembleEnvelope,
  decodeEnvelope,
  type EnvelopeFieldsInput,
  type ErrorCode,
  encodePayload,
  HotlineError,
  LIMITS,
  signedBytesFor,
  toHex,
} from '@hotline/codec';
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'chai';
import fc from 'fast-check';
import { publicKeyOf, sign } from '../src/ed25519/keys.js';
import type { VerifyBackend } from '../src/ed25519/verify.js';
import { openEnvelope, signEnvelope } from '../src/envelope.js';
import { craftCancelling, Point, rawOpenssl, TORSION } from './_ed25519.js';

const SEED = 0x5e_a1ed;
const BACKENDS: readonly VerifyBackend[] = ['native', 'portable'];

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
/** The fixed test keys of test-vectors: secret = SHA-256("hotline test key <name>"). */
const secretOf = (name: string): Uint8Array => sha256(utf8(`hotline test key ${name}`));
const ALICE = secretOf('alice');
const BOB = secretOf('bob');
const CHANNEL = sha256(utf8('channel'));

function fieldsOf(
  sender: Uint8Array,
  extra: Partial<EnvelopeFieldsInput> = {},
): EnvelopeFieldsInput {
  return {
    channel: CHANNEL,
    sender,
    seq: 2,
    prev: sha256(utf8('previous')),
    time: 1_700_000_000_000,
    kind: 3,
    body: utf8('hello, world'),
    ...extra,
  };
}

/** Runs `fn`, requires a HotlineError with `code`. */
function expectCode(fn: () => unknown, code: ErrorCode): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof HotlineError)) {
    expect.fail(`expected HotlineError ${code}, got ${caught === undefined ? 'no error' : caught}`);
  }
  expect(caught.code).to.equal(code);
}

/** A copy of `bytes` with bit `bit` (0 = most significant of byte 0) flipped. */
function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 0x80 >> (bit & 7);
  return out;
}

/** Payload and signature of an envelope, by the codec's layout. */
function partsOf(envelope: Uint8Array): { payload: Uint8Array; signature: Uint8Array } {
  const decoded = decodeEnvelope(envelope);
  return { payload: decoded.payload, signature: decoded.signature };
}

/** Where `content` starts inside `bytes` (the first occurrence). */
function offsetOf(bytes: Uint8Array, content: Uint8Array): number {
  const hex = toHex(bytes);
  const at = hex.indexOf(toHex(content));
  expect(at % 2, 'byte-aligned').to.equal(0);
  return at / 2;
}

const alice = publicKeyOf(ALICE);
const bob = publicKeyOf(BOB);
const signed = signEnvelope(fieldsOf(alice), ALICE);

for (const backend of BACKENDS) {
  describe(`openEnvelope (${backend} backend)`, () => {
    it('opens what signEnvelope signed and returns its fields, id and bytes', () => {
      const genesis = fieldsOf(alice, {
        seq: 1,
        prev: undefined,
        precedence: 'flash',
        recipients: [bob, alice],
      });
      for (const fields of [fieldsOf(alice), genesis]) {
        const bytes = signEnvelope(fields, ALICE);
        const opened = openEnvelope(bytes, { backend });
        expect(opened.fields.seq).to.equal(fields.seq);
        expect(toHex(opened.fields.sender)).to.equal(toHex(alice));
        expect(toHex(opened.fields.body)).to.equal(toHex(fields.body));
        expect(opened.fields.prev && toHex(opened.fields.prev)).to.equal(
          fields.prev && toHex(fields.prev),
        );
        expect(toHex(opened.bytes)).to.equal(toHex(bytes));
        // The id is SHA-256 of the signed bytes (not of the envelope with its signature).
        expect(toHex(opened.id)).to.equal(toHex(sha256(signedBytesFor(encodePayload(fields)))));
      }
      expect(openEnvelope(signEnvelope(genesis, ALICE), { backend }).fields.precedence).to.equal(
        'flash',
      );
    });

    it('rejects a flipped signature bit (SIGNATURE_INVALID)', () => {
      const start = signed.length - 64;
      for (const bit of [0, 7, 255, 256, 300, 511]) {
        expectCode(
          () => openEnvelope(flipBit(signed, start * 8 + bit), { backend }),
          'SIGNATURE_INVALID',
        );
      }
    });

    it('rejects a changed payload byte that still decodes (SIGNATURE_INVALID)', () => {
      const { payload } = partsOf(signed);
      // Last byte of the body text and lowest byte of the time: the profile accepts both.
      const bodyEnd = offsetOf(signed, payload) + payload.length - 1;
      const tampered = flipBit(signed, bodyEnd * 8 + 7);
      expect(decodeEnvelope(tampered).fields.body).to.not.deep.equal(utf8('hello, world'));
      expectCode(() => openEnvelope(tampered, { backend }), 'SIGNATURE_INVALID');

      const later = assembleEnvelope(
        encodePayload(fieldsOf(alice, { time: 1_700_000_000_001 })),
        partsOf(signed).signature,
      );
      expect(decodeEnvelope(later).fields.time).to.equal(1_700_000_000_001);
      expectCode(() => openEnvelope(later, { backend }), 'SIGNATURE_INVALID');
    });

    it("rejects alice's signature under another valid sender key (SIGNATURE_INVALID)", () => {
      const asBob = assembleEnvelope(encodePayload(fieldsOf(bob)), partsOf(signed).signature);
      expectCode(() => openEnvelope(asBob, { backend }), 'SIGNATURE_INVALID');
    });

    it('rejects a small-order, non-canonical or mixed-order sender key (KEY_REJECTED)', () => {
      const identity = new Uint8Array(32);
      identity[0] = 1;
      const keys = [
        identity, // 0100…00: the identity point
        ...TORSION.slice(1).map((point) => point.toBytes()), // the other small-order points
        Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0xed : i === 31 ? 0x7f : 0xff)), // y = p
      ];
      for (const key of keys) {
        const envelope = assembleEnvelope(encodePayload(fieldsOf(key)), new Uint8Array(64));
        expectCode(() => openEnvelope(envelope, { backend }), 'KEY_REJECTED');
      }
    });

    it("rejects a mixed-order key even with a signature OpenSSL's own check accepts", () => {
      // A' = A + T8 (T8 of order 8), signed so that the torsion parts cancel.
      const mixed = Point.fromBytes(alice).add(TORSION[1]!).toBytes();
      const payload = encodePayload(fieldsOf(mixed));
      const crafted = craftCancelling(ALICE, signedBytesFor(payload), TORSION[1]!);
      expect(toHex(crafted.publicKey)).to.equal(toHex(mixed));
      expect(rawOpenssl(crafted.signature, crafted.message, mixed), 'raw OpenSSL').to.equal(true);
      expectCode(
        () => openEnvelope(assembleEnvelope(payload, crafted.signature), { backend }),
        'KEY_REJECTED',
      );
    });
  });
}

describe('signEnvelope', () => {
  it('refuses a sender that is not the public key of the secret key (RangeError)', () => {
    expect(() => signEnvelope(fieldsOf(bob), ALICE)).to.throw(RangeError);
    expect(() => signEnvelope(fieldsOf(alice.subarray(1)), ALICE)).to.throw(RangeError);
  });

  it('signs deterministically (RFC 8032): the same fields give the same bytes', () => {
    expect(toHex(signEnvelope(fieldsOf(alice), ALICE))).to.equal(toHex(signed));
  });

  it('returns a frozen envelope over a private copy of the input', () => {
    const input = signed.slice();
    const opened = openEnvelope(input);
    expect(Object.isFrozen(opened)).to.equal(true);
    expect(Object.isFrozen(opened.fields)).to.equal(true);
    input.fill(0);
    expect(toHex(opened.bytes)).to.equal(toHex(signed));
    expect(toHex(opened.fields.sender)).to.equal(toHex(alice));
  });

  it('a signature made with sign() over the signed bytes is the one signEnvelope makes', () => {
    const payload = encodePayload(fieldsOf(alice));
    const bytes = assembleEnvelope(payload, sign(signedBytesFor(payload), ALICE));
    expect(toHex(bytes)).to.equal(toHex(signed));
  });
});

describe('openEnvelope: single bit flips', () => {
  /** Opens `bytes` and returns the HotlineError code; fails on success or any other error. */
  function rejectionOf(bytes: Uint8Array, backend: VerifyBackend): ErrorCode {
    try {
      openEnvelope(bytes, { backend });
    } catch (error) {
      if (error instanceof HotlineError) return error.code;
      throw error;
    }
    throw new Error('a bit-flipped envelope opened');
  }

  it('every bit of one envelope, native backend: always a HotlineError', () => {
    const codes = new Map<ErrorCode, number>();
    for (let bit = 0; bit < signed.length * 8; bit++) {
      const code = rejectionOf(flipBit(signed, bit), 'native');
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    // Every flip in the signature and most in the payload reach the signature check.
    expect(codes.get('SIGNATURE_INVALID')).to.be.greaterThan(64 * 8);
    expect(codes.has('HEADER_TYPE_MISMATCH'), 'flips in typ').to.equal(true);
  });

  const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const arbitraryEnvelope = fc
    .record({
      seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      prev: bytes32,
      time: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 1 }),
      kind: fc.integer({ min: 1, max: LIMITS.MAX_KIND }),
      body: fc.uint8Array({ maxLength: 200 }),
      precedence: fc.constantFrom('flash', 'immediate', 'priority', 'routine' as const),
      ref: fc.option(bytes32, { nil: undefined }),
      signer: fc.constantFrom(ALICE, BOB),
    })
    .map(({ signer, seq, prev, ...rest }) =>
      signEnvelope(
        { ...fieldsOf(publicKeyOf(signer)), ...rest, seq, prev: seq > 1 ? prev : undefined },
        signer,
      ),
    );

  it('property: any single bit flip of any signed envelope throws HotlineError', () => {
    fc.assert(
      fc.property(
        arbitraryEnvelope,
        fc.nat(),
        fc.constantFrom(...BACKENDS),
        (envelope, position, backend) => {
          expect(openEnvelope(envelope, { backend }).fields.seq).to.be.greaterThan(0);
          rejectionOf(flipBit(envelope, position % (envelope.length * 8)), backend);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
