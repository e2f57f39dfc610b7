// Membership across key rotations and revocations (spec/kinds/keys.md): who may
// sign, the chain hand-over, who may revoke, the refusal codes, and that a refused
// envelope changes nothing.
import {
  channelIdOf,
  decodeCharterBody,
  encodeCharterBody,
  encodeKeyRevokeBody,
  encodeKeyRotateBody,
  KIND,
  type RevokeReason,
  rotationStatement,
} from '@hotline/codec';
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'chai';
import { publicKeyOf, sign } from '../src/ed25519/keys.js';
import { type OpenedEnvelope, openEnvelope, signEnvelope } from '../src/envelope.js';
import { Membership } from '../src/membership.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const secretOf = (name: string): Uint8Array => sha256(utf8(`hotline membership test ${name}`));
const ALICE = secretOf('alice');
const BOB = secretOf('bob');
const BOB2 = secretOf('bob 2');
const BOB3 = secretOf('bob 3');
const MALLORY = secretOf('mallory');
const RELAY = secretOf('relay');
const T0 = 1_764_000_000_000;

const body = encodeCharterBody({
  members: [ALICE, BOB]
    .map((secret) => ({ key: publicKeyOf(secret), name: 'member' }))
    .sort((a, b) => Buffer.compare(a.key, b.key)),
  relays: [{ key: publicKeyOf(RELAY), url: 'ws://127.0.0.1:7400' }],
  params: { heartbeatInterval: 60_000 },
});
const charter = decodeCharterBody(body);
const channel = channelIdOf(body);

/** One sender's chain: seq 1, 2, … linked by prev. */
class Chain {
  seq = 0;
  prev: Uint8Array | undefined;
  constructor(readonly secret: Uint8Array) {}
  next(kind: number, bodyBytes: Uint8Array, options: { ref?: Uint8Array; time?: number } = {}) {
    this.seq++;
    const envelope = openEnvelope(
      signEnvelope(
        {
          channel,
          sender: publicKeyOf(this.secret),
          seq: this.seq,
          prev: this.prev,
          time: options.time ?? T0 + this.seq,
          kind,
          body: bodyBytes,
          ...(options.ref ? { ref: options.ref } : {}),
        },
        this.secret,
      ),
    );
    this.prev = envelope.id;
    return envelope;
  }
  text(options: { ref?: Uint8Array; time?: number } = {}): OpenedEnvelope {
    return this.next(KIND.text, new Uint8Array([0x60]), options);
  }
}

function rotateBody(
  from: Uint8Array,
  to: Uint8Array,
  effectiveFrom = T0 + 1000,
  signer = to,
): Uint8Array {
  const proof = sign(rotationStatement(channel, publicKeyOf(from), publicKeyOf(to)), signer);
  return encodeKeyRotateBody({
    successor: publicKeyOf(to) as never,
    proof: proof as never,
    effectiveFrom,
  });
}

function revokeBody(key: Uint8Array, reason: RevokeReason = 'compromised', at = T0): Uint8Array {
  return encodeKeyRevokeBody({ key: publicKeyOf(key) as never, reason, effectiveFrom: at });
}

describe('Membership', () => {
  let m: Membership;
  let bob: Chain;
  beforeEach(() => {
    m = new Membership(charter);
    bob = new Chain(BOB);
  });

  it('starts with the charter members, each its own party; strangers and relays are not members', () => {
    expect(m.isMember(publicKeyOf(ALICE))).to.equal(true);
    expect(m.partyOf(publicKeyOf(BOB))).to.deep.equal(publicKeyOf(BOB));
    expect(m.isMember(publicKeyOf(RELAY))).to.equal(false);
    expect(m.refusalOfKey(publicKeyOf(MALLORY))).to.deep.equal({ code: 'NOT_MEMBER' });
    expect(m.observe(new Chain(MALLORY).text())).to.deep.equal({
      code: 'NOT_MEMBER',
      field: 'sender',
    });
  });

  it('a verified key-rotate hands the party over: the successor starts at seq 1 referring to it, the old chain ends', () => {
    bob.text();
    const rotate = bob.next(KIND['key-rotate'], rotateBody(BOB, BOB2));
    expect(m.observe(rotate)).to.equal(undefined);
    const successor = publicKeyOf(BOB2);
    expect(m.isMember(successor)).to.equal(true);
    expect(m.partyOf(successor)).to.deep.equal(publicKeyOf(BOB));
    expect(m.rotationTo(successor)?.id).to.deep.equal(rotate.id);
    expect(m.isMember(publicKeyOf(BOB))).to.equal(false);
    expect(m.refusalOfKey(publicKeyOf(BOB))).to.deep.equal({ code: 'KEY_ROTATED' });
    // The old key's chain ended at the key-rotate: its next seq is refused, its past is not.
    expect(m.observe(bob.text())).to.deep.equal({ code: 'KEY_ROTATED', field: 'sender' });
    expect(m.checkSender(rotate)).to.equal(undefined);
    // The successor's first envelope must refer to the key-rotate, no earlier than effectiveFrom.
    const bob2 = new Chain(BOB2);
    const unlinked = bob2.text({ time: T0 + 2000 });
    expect(m.check(unlinked)).to.deep.equal({ code: 'SUCCESSOR_START_INVALID', field: 'ref' });
    const early = new Chain(BOB2).text({ ref: rotate.id, time: T0 + 999 });
    expect(m.check(early)).to.deep.equal({ code: 'SUCCESSOR_START_INVALID', field: 'time' });
    const first = new Chain(BOB2);
    expect(m.observe(first.text({ ref: rotate.id, time: T0 + 1000 }))).to.equal(undefined);
    expect(m.observe(first.text())).to.equal(undefined);
  });

  it('isMember(key, at) follows effectiveFrom: old key before it, successor from it', () => {
    const rotate = bob.next(KIND['key-rotate'], rotateBody(BOB, BOB2, T0 + 1000));
    m.observe(rotate);
    expect(m.isMember(publicKeyOf(BOB), T0 + 999)).to.equal(true);
    expect(m.isMember(publicKeyOf(BOB), T0 + 1000)).to.equal(false);
    expect(m.isMember(publicKeyOf(BOB2), T0 + 999)).to.equal(false);
    expect(m.isMember(publicKeyOf(BOB2), T0 + 1000)).to.equal(true);
  });

  it('rotations chain: the second successor is still the same party', () => {
    const rotate = bob.next(KIND['key-rotate'], rotateBody(BOB, BOB2));
    m.observe(rotate);
    const bob2 = new Chain(BOB2);
    const again = bob2.next(KIND['key-rotate'], rotateBody(BOB2, BOB3, T0 + 5000), {
      ref: rotate.id,
      time: T0 + 1000,
    });
    expect(m.observe(again)).to.equal(undefined);
    expect(m.partyOf(publicKeyOf(BOB3))).to.deep.equal(publicKeyOf(BOB));
    expect(m.isMember(publicKeyOf(BOB2))).to.equal(false);
  });

  it('refuses a key-rotate that cannot hand over, and it changes nothing (ROTATION_INVALID)', () => {
    const cases: [string, Uint8Array, string][] = [
      // The proof is the old key's signature, not the successor's.
      ['proof', rotateBody(BOB, BOB2, T0 + 1000, BOB), 'proof'],
      ['a member as successor', rotateBody(BOB, ALICE), 'successor'],
      ['the relay as successor', rotateBody(BOB, RELAY), 'successor'],
      ['effective before the envelope', rotateBody(BOB, BOB2, T0), 'effectiveFrom'],
    ];
    for (const [name, rotateBytes, field] of cases) {
      const chain = new Chain(BOB);
      chain.text();
      expect(m.observe(chain.next(KIND['key-rotate'], rotateBytes)), name).to.deep.equal({
        code: 'ROTATION_INVALID',
        field,
      });
    }
    expect(m.isMember(publicKeyOf(BOB))).to.equal(true);
    expect(m.isMember(publicKeyOf(BOB2))).to.equal(false);
    // A body that does not decode gives the body's code.
    expect(m.check(bob.next(KIND['key-rotate'], new Uint8Array([0xa0])))?.code).to.equal(
      'BODY_MALFORMED',
    );
  });

  it('a proof is bound to its hand-over: one made for alice does not rotate bob', () => {
    const forAlice = sign(rotationStatement(channel, publicKeyOf(ALICE), publicKeyOf(BOB2)), BOB2);
    const stolen = encodeKeyRotateBody({
      successor: publicKeyOf(BOB2) as never,
      proof: forAlice as never,
      effectiveFrom: T0 + 1000,
    });
    expect(m.observe(bob.next(KIND['key-rotate'], stolen))).to.deep.equal({
      code: 'ROTATION_INVALID',
      field: 'proof',
    });
  });

  it('a successor may not be taken twice, even by another party', () => {
    m.observe(bob.next(KIND['key-rotate'], rotateBody(BOB, BOB2)));
    const alice = new Chain(ALICE);
    expect(m.observe(alice.next(KIND['key-rotate'], rotateBody(ALICE, BOB2)))).to.deep.equal({
      code: 'ROTATION_INVALID',
      field: 'successor',
    });
  });

  it('a key revokes itself: its chain ends there (KEY_REVOKED), whatever time it claims', () => {
    bob.text();
    const revoke = bob.next(KIND['key-revoke'], revokeBody(BOB, 'compromised', T0 + 500));
    expect(m.observe(revoke)).to.equal(undefined);
    expect(m.revoked(publicKeyOf(BOB))).to.include({
      reason: 'compromised',
      effectiveFrom: T0 + 500,
    });
    expect(m.isMember(publicKeyOf(BOB))).to.equal(false);
    expect(m.isMember(publicKeyOf(BOB), T0 + 499)).to.equal(true);
    expect(m.refusalOfKey(publicKeyOf(BOB))).to.deep.equal({ code: 'KEY_REVOKED' });
    // Backdated: a compromised key could claim any time; after the revoke it counts for nothing.
    expect(m.observe(bob.text({ time: T0 }))).to.deep.equal({
      code: 'KEY_REVOKED',
      field: 'sender',
    });
  });

  it('the successor may revoke the key it replaced; anybody else may not (REVOKE_NOT_PERMITTED)', () => {
    const rotate = bob.next(KIND['key-rotate'], rotateBody(BOB, BOB2));
    m.observe(rotate);
    const alice = new Chain(ALICE);
    expect(m.observe(alice.next(KIND['key-revoke'], revokeBody(BOB)))).to.deep.equal({
      code: 'REVOKE_NOT_PERMITTED',
      field: 'key',
    });
    expect(m.revoked(publicKeyOf(BOB))).to.equal(undefined);
    const bob2 = new Chain(BOB2);
    bob2.text({ ref: rotate.id, time: T0 + 1000 });
    expect(m.observe(bob2.next(KIND['key-revoke'], revokeBody(BOB, 'retired')))).to.equal(
      undefined,
    );
    expect(m.revoked(publicKeyOf(BOB))?.by).to.deep.equal(publicKeyOf(BOB2));
    // The chain ended with the rotation: that stays the reason its later seqs are refused.
    expect(m.checkSender(bob.text())?.code).to.equal('KEY_ROTATED');
    // Alice may not revoke herself on bob's behalf either: she revokes only her own key.
    expect(m.observe(alice.next(KIND['key-revoke'], revokeBody(BOB2)))?.code).to.equal(
      'REVOKE_NOT_PERMITTED',
    );
    expect(m.isMember(publicKeyOf(BOB2))).to.equal(true);
  });

  it('a clone is independent', () => {
    const copy = m.clone();
    m.observe(bob.next(KIND['key-rotate'], rotateBody(BOB, BOB2)));
    expect(m.isMember(publicKeyOf(BOB2))).to.equal(true);
    expect(copy.isMember(publicKeyOf(BOB2))).to.equal(false);
    expect(copy.isMember(publicKeyOf(BOB))).to.equal(true);
  });
});
