// The channel transcript (spec/09-transcript.md): one self-contained file of one
// channel — its charter, every envelope the exporter holds, and per relay the log
// it delivered, its signed checkpoints, receipts and consistency proofs — that a
// third party checks offline, years later. This module holds the shape and the
// constants; encode.ts writes it, decode.ts reads it strictly, verify.ts judges
// its content.

/** The format string of this version (key 1); a reader rejects any other. */
export const TRANSCRIPT_FORMAT = 'hotline-transcript v0.1';

/**
 * Largest transcript a reader accepts (bytes): 256 MiB, about a million envelopes
 * of 256 bytes. Checked before anything is scanned or allocated.
 */
export const MAX_TRANSCRIPT_BYTES = 268_435_456;

/** A relay record lists at most as many relays as a charter may (MAX_RELAYS). */
export const MAX_TRANSCRIPT_RELAYS = 16;

/** Containers around the deepest item (a proof hash): transcript, relays, record, consistency, entry, proof. */
export const TRANSCRIPT_NESTING = 6;

/** Map keys of the transcript (spec/09-transcript.md §2). */
export const TRANSCRIPT_KEYS = Object.freeze({
  format: 1,
  channel: 2,
  charter: 3,
  envelopes: 4,
  relays: 5,
  exportedAt: 6,
} as const);

/** Map keys of a relay record. */
export const TRANSCRIPT_RELAY_KEYS = Object.freeze({
  relay: 1,
  log: 2,
  checkpoints: 3,
  receipts: 4,
  consistency: 5,
} as const);

/** A consistency proof as the relay gave it: PROOF(fromSize, D[0:toSize]). */
export interface TranscriptConsistency {
  readonly fromSize: number;
  readonly toSize: number;
  readonly proof: readonly Uint8Array[];
}

/** What the exporter holds from one relay of the channel. */
export interface TranscriptRelay {
  /** The relay's Ed25519 key, as listed in the charter. */
  readonly relay: Uint8Array;
  /** Envelope ids the relay delivered at log indices 0 … n−1, contiguous, in order. */
  readonly log: readonly Uint8Array[];
  /** Signed checkpoints of this relay for the channel (bytes as received). */
  readonly checkpoints: readonly Uint8Array[];
  /** Receipts (bytes as received) the exporter got from this relay. */
  readonly receipts: readonly Uint8Array[];
  /** Consistency proofs the relay gave. */
  readonly consistency: readonly TranscriptConsistency[];
}

export interface Transcript {
  /** Channel id: SHA-256 of the charter body. */
  readonly channel: Uint8Array;
  /** The charter envelope's bytes. */
  readonly charter: Uint8Array;
  /** Every envelope the exporter holds, the charter included, in any order. */
  readonly envelopes: readonly Uint8Array[];
  /** One record per relay of the charter the exporter talked to; ascending by key. */
  readonly relays: readonly TranscriptRelay[];
  /** When the exporter wrote the file, ms since the Unix epoch: the exporter's claim. */
  readonly exportedAt: number;
}
