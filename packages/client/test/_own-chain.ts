// The own envelopes the crash test's child process writes: deterministic bytes for
// each seq, so the parent can check every row it finds after the kill, byte for byte.

import { createHash } from 'node:crypto';
import type { OwnEnvelope } from '../src/store/types.js';

/** The channel the child writes to. */
export const CRASH_CHANNEL = new Uint8Array(32).fill(0xc7);
export const CRASH_CHARTER = new Uint8Array(120).fill(0x11);

/** Own envelope `seq`: 64 to 2,111 bytes (sizes vary, so rows span pages), id = SHA-256. */
export function ownEnvelopeFor(seq: number): OwnEnvelope {
  const bytes = new Uint8Array(64 + ((seq * 389) % 2048));
  for (let i = 0; i < bytes.length; i++) bytes[i] = (seq * 31 + i * 7 + (i >>> 8)) & 0xff;
  const id = new Uint8Array(createHash('sha256').update(bytes).digest());
  return { seq, id, bytes };
}
