// Channels and pre-signed envelopes for the relay benchmark. Signing goes through
// node:crypto (deterministic Ed25519: the same bytes noble would produce, ~5× faster),
// so that making tens of thousands of envelopes takes seconds, not minutes. Everything
// is derived from fixed seeds, so one set serves every run against a fresh relay.

import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import {
  assembleEnvelope,
  channelIdOf,
  encodeCharterBody,
  encodeFrame,
  encodePayload,
  envelopeIdOf,
  KIND,
  signedBytesFor,
  toHex,
} from '@hotline/codec';
import { sha256 } from '@noble/hashes/sha2.js';

/** Members per channel; the publisher round-robins over their chains (per-sender limits stay out of the way). */
export const MEMBERS = 4;

export interface BenchKey {
  readonly secret: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

/** PKCS#8 DER prefix of an Ed25519 private key (RFC 8410): the 32-byte seed follows. */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function benchKey(name: string): BenchKey {
  const secret = sha256(new TextEncoder().encode(`hotline relay bench ${name}`));
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, secret]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { secret, publicKey: new Uint8Array(spki.subarray(spki.length - 32)), privateKey };
}

export function signWith(key: BenchKey, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, key.privateKey));
}

/** One benchmark channel: its members, and publish frames in publish order (index 0: the charter). */
export class BenchChannel {
  readonly members: BenchKey[];
  readonly id: Uint8Array;
  /** Encoded publish frames (request id 0: the sender patches nothing, ids are per frame below). */
  readonly frames: Uint8Array[] = [];
  readonly #heads: ({ seq: number; id: Uint8Array } | undefined)[];
  readonly #body: Uint8Array;
  #requestId = 1;

  constructor(
    readonly index: number,
    relayKey: Uint8Array,
    bodyBytes: number,
  ) {
    this.members = Array.from({ length: MEMBERS }, (_, m) =>
      benchKey(`channel ${index} member ${m}`),
    );
    const charter = encodeCharterBody({
      members: this.members.map((member, m) => ({ key: member.publicKey, name: `member ${m}` })),
      relays: [{ key: relayKey, url: 'ws://127.0.0.1:7400' }],
      params: { heartbeatInterval: 60_000 },
    });
    this.id = channelIdOf(charter);
    this.#heads = this.members.map(() => undefined);
    this.#body = new Uint8Array(bodyBytes).fill(0x61);
    this.#push(0, KIND.charter, charter);
  }

  /** Makes sure at least `count` frames after the charter exist. */
  extend(count: number): void {
    while (this.frames.length < count + 1) {
      this.#push(this.frames.length % MEMBERS, KIND.text, this.#body);
    }
  }

  #push(member: number, kind: number, body: Uint8Array): void {
    const key = this.members[member]!;
    const head = this.#heads[member];
    const seq = (head?.seq ?? 0) + 1;
    const payload = encodePayload({
      channel: this.id,
      sender: key.publicKey,
      seq,
      ...(head === undefined ? {} : { prev: head.id }),
      time: 1_764_000_000_000 + this.frames.length,
      kind,
      body,
    });
    const signedBytes = signedBytesFor(payload);
    const envelope = assembleEnvelope(payload, signWith(key, signedBytes));
    this.#heads[member] = { seq, id: envelopeIdOf(signedBytes) };
    this.frames.push(encodeFrame({ type: 'publish', requestId: this.#requestId++, envelope }));
  }

  get idHex(): string {
    return toHex(this.id);
  }
}
