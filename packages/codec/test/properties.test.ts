// Properties (fast-check, fixed seeds): round trips of arbitrary valid fields,
// determinism of the encoder, and decoding of mutated and truncated envelopes that
// only ever yields the original bytes back or a HotlineError.

import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  assembleEnvelope,
  bytesEqual,
  type CborValue,
  compareBytes,
  decodeEnvelope,
  decodeScanned,
  type EnvelopeFieldsInput,
  encodeCbor,
  encodePayload,
  HotlineError,
  LIMITS,
  parsePayload,
  scanProfile,
} from '../src/index.js';
import { CHANNEL, genesisFields, hex, PREV, SENDER, SIGNATURE } from './helpers.js';

const SEED = 0x480_71e;
const MAX = Number.MAX_SAFE_INTEGER;

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** Arbitrary valid payload fields: prev iff seq > 1, expiry > time, unique recipients. */
const validFields: fc.Arbitrary<EnvelopeFieldsInput> = fc
  .record({
    channel: bytes32,
    sender: bytes32,
    seq: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: MAX })),
    prev: bytes32,
    time: fc.integer({ min: 0, max: MAX - 1 }),
    expiryAfter: fc.option(fc.integer({ min: 1, max: MAX }), { nil: undefined }),
    kind: fc.integer({ min: 1, max: LIMITS.MAX_KIND }),
    body: fc.uint8Array({ maxLength: 300 }),
    precedence: fc.option(fc.constantFrom('flash', 'immediate', 'priority', 'routine' as const), {
      nil: undefined,
    }),
    ref: fc.option(bytes32, { nil: undefined }),
    recipients: fc.option(
      fc.uniqueArray(bytes32, { minLength: 1, maxLength: LIMITS.MAX_RECIPIENTS, selector: hex }),
      { nil: undefined },
    ),
    explicitVersion: fc.boolean(),
  })
  .map(({ expiryAfter, explicitVersion, prev, ...rest }) => ({
    ...rest,
    ...(explicitVersion ? { version: 1 } : {}),
    prev: rest.seq > 1 ? prev : undefined,
    expiry: expiryAfter === undefined ? undefined : Math.min(MAX, rest.time + expiryAfter),
  }));

/** The fields decodeEnvelope must return for an input: defaults filled, recipients sorted. */
function expectedFields(input: EnvelopeFieldsInput): Record<string, unknown> {
  const out: Record<string, unknown> = {
    version: 1,
    channel: input.channel,
    sender: input.sender,
    seq: input.seq,
    time: input.time,
    kind: input.kind,
    body: input.body,
    precedence: input.precedence ?? 'routine',
  };
  if (input.prev !== undefined) out.prev = input.prev;
  if (input.ref !== undefined) out.ref = input.ref;
  if (input.expiry !== undefined) out.expiry = input.expiry;
  if (input.recipients !== undefined) out.recipients = [...input.recipients].sort(compareBytes);
  return out;
}

describe('properties: round trip', () => {
  it('encodePayload → assembleEnvelope → decodeEnvelope returns the fields', () => {
    fc.assert(
      fc.property(validFields, bytes32, bytes32, (input, sigA, sigB) => {
        const payload = encodePayload(input);
        const signature = Uint8Array.from([...sigA, ...sigB]);
        const bytes = assembleEnvelope(payload, signature);
        const decoded = decodeEnvelope(bytes);
        expect(decoded.fields).to.deep.equal(expectedFields(input));
        expect(decoded.payload).to.deep.equal(payload);
        expect(decoded.signature).to.deep.equal(signature);
        expect(decoded.id).to.deep.equal(sha256(decoded.signedBytes));
        expect(assembleEnvelope(decoded.payload, decoded.signature)).to.deep.equal(bytes);
      }),
      { seed: SEED, numRuns: 250 },
    );
  });
});

describe('properties: determinism', () => {
  it('every output of encodePayload passes scanProfile and is a fixed point of decode/encode', () => {
    fc.assert(
      fc.property(validFields, (input) => {
        const payload = encodePayload(input);
        scanProfile(payload);
        expect(encodeCbor(decodeScanned(payload) as CborValue)).to.deep.equal(payload);
        // Re-encoding what was decoded, and any order of recipients, gives the same bytes.
        expect(encodePayload(parsePayload(payload))).to.deep.equal(payload);
        if (input.recipients !== undefined) {
          const reversed = { ...input, recipients: [...input.recipients].reverse() };
          expect(encodePayload(reversed)).to.deep.equal(payload);
        }
      }),
      { seed: SEED + 1, numRuns: 250 },
    );
  });
});

// ---------------------------------------------------------------------------------------

/**
 * The decoder's contract on arbitrary bytes: either it returns an envelope that
 * re-assembles to exactly these bytes (one valid encoding per envelope), or it throws a
 * HotlineError. Any other exception fails the test.
 */
function decodeOrReject(bytes: Uint8Array): 'accepted' | 'rejected' {
  let decoded: ReturnType<typeof decodeEnvelope>;
  try {
    decoded = decodeEnvelope(bytes);
  } catch (error) {
    if (error instanceof HotlineError) return 'rejected';
    throw error;
  }
  const again = assembleEnvelope(decoded.payload, decoded.signature);
  if (!bytesEqual(again, bytes)) {
    expect.fail(`accepted ${hex(bytes)} but it re-assembles to ${hex(again)}`);
  }
  return 'accepted';
}

const samples: [string, Uint8Array][] = [
  ['a minimal genesis envelope', assembleEnvelope(encodePayload(genesisFields()), SIGNATURE)],
  [
    'an envelope with every optional field',
    assembleEnvelope(
      encodePayload({
        ...genesisFields(),
        seq: 300,
        prev: PREV,
        precedence: 'flash',
        ref: CHANNEL,
        expiry: 1_700_000_600_000,
        recipients: [SENDER, CHANNEL, PREV],
      }),
      SIGNATURE,
    ),
  ],
  [
    'an envelope with 2^53-1 integers and a 24-byte body',
    assembleEnvelope(
      encodePayload({
        ...genesisFields(),
        seq: MAX,
        prev: PREV,
        time: MAX - 1,
        expiry: MAX,
        kind: LIMITS.MAX_KIND,
        body: new Uint8Array(24).fill(0x18),
      }),
      SIGNATURE,
    ),
  ],
];

describe('properties: mutated and truncated envelopes', () => {
  for (const [name, envelope] of samples) {
    describe(name, () => {
      it('every single-byte mutation decodes faithfully or throws HotlineError', () => {
        const outcomes = { accepted: 0, rejected: 0 };
        fc.assert(
          fc.property(
            // One non-zero XOR mask per byte position: every position changes in every run.
            fc.array(fc.integer({ min: 1, max: 255 }), {
              minLength: envelope.length,
              maxLength: envelope.length,
            }),
            (masks) => {
              const mutated = envelope.slice();
              for (let i = 0; i < envelope.length; i++) {
                mutated[i] = envelope[i]! ^ masks[i]!;
                outcomes[decodeOrReject(mutated)]++;
                mutated[i] = envelope[i]!;
              }
            },
          ),
          { seed: SEED + envelope.length, numRuns: 12 },
        );
        // Both outcomes occur: changed signature or body bytes still decode, header bytes do not.
        expect(outcomes.accepted).to.be.greaterThan(0);
        expect(outcomes.rejected).to.be.greaterThan(0);
      });

      it('every truncation throws HotlineError; so does one extra byte', () => {
        for (let length = 0; length < envelope.length; length++) {
          expect(decodeOrReject(envelope.subarray(0, length)), `length ${length}`).to.equal(
            'rejected',
          );
        }
        expect(decodeOrReject(Uint8Array.from([...envelope, 0]))).to.equal('rejected');
        expect(decodeOrReject(envelope)).to.equal('accepted');
      });
    });
  }

  it('every value of every byte of the minimal envelope (exhaustive)', () => {
    const [, envelope] = samples[0]!;
    const mutated = envelope.slice();
    let accepted = 0;
    for (let i = 0; i < envelope.length; i++) {
      for (let value = 0; value < 256; value++) {
        if (value === envelope[i]) continue;
        mutated[i] = value;
        if (decodeOrReject(mutated) === 'accepted') accepted++;
      }
      mutated[i] = envelope[i]!;
    }
    // The 64 signature bytes accept every value; so do the channel/sender/body bytes.
    expect(accepted).to.be.at.least(64 * 255);
  });
});
