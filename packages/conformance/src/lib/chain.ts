// Envelopes the scenarios publish: a sender's chain on a channel (seq 1, 2, … each
// naming the previous id), plus single envelopes with any seq and prev, for gaps,
// forks and wrong prevs.

import { KIND } from '@hotline/codec';
import { openEnvelope, publicKeyOf, signEnvelope } from '@hotline/signer';

const encoder = new TextEncoder();

/** A short text body: the CBOR text string `text` (at most 23 UTF-8 bytes). */
export function textBody(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  if (bytes.length > 23) throw new RangeError('text body longer than 23 bytes');
  return Uint8Array.of(0x60 + bytes.length, ...bytes);
}

export interface EnvelopeSpec {
  readonly secret: Uint8Array;
  readonly channel: Uint8Array;
  readonly seq: number;
  readonly prev?: Uint8Array | undefined;
  readonly kind?: number;
  readonly body?: Uint8Array;
  readonly ref?: Uint8Array | undefined;
  /** Default: now. */
  readonly time?: number;
}

/** Signs one envelope (kind text and a body naming its seq unless given). */
export function signedEnvelope(spec: EnvelopeSpec): Uint8Array {
  return signEnvelope(
    {
      channel: spec.channel,
      sender: publicKeyOf(spec.secret),
      seq: spec.seq,
      prev: spec.prev,
      time: spec.time ?? Date.now(),
      kind: spec.kind ?? KIND.text,
      body: spec.body ?? textBody(`message ${spec.seq}`),
      ref: spec.ref,
    },
    spec.secret,
  );
}

/** The id of envelope bytes (SHA-256 of its signed bytes). */
export function idOf(envelope: Uint8Array): Uint8Array {
  return openEnvelope(envelope).id;
}

/** One sender's chain on one channel: the n-th envelope made has seq n. */
export class Chain {
  readonly envelopes: Uint8Array[] = [];
  readonly ids: Uint8Array[] = [];

  constructor(
    readonly secret: Uint8Array,
    readonly channel: Uint8Array,
  ) {}

  /** Signs the next envelope of the chain. */
  next(kind: number = KIND.text, body?: Uint8Array): Uint8Array {
    const seq = this.envelopes.length + 1;
    const envelope = signedEnvelope({
      secret: this.secret,
      channel: this.channel,
      seq,
      prev: this.ids[seq - 2],
      kind,
      body: body ?? textBody(`message ${seq}`),
    });
    this.envelopes.push(envelope);
    this.ids.push(idOf(envelope));
    return envelope;
  }
}
