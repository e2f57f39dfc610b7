// Commit batches of one channel for the SQLite store tests: entries [from, to), one
// leaf node each, the channel's new size and a checkpoint.

import type { CommitBatch, LogEntry } from '../src/store/types.js';

export const CHANNEL = new Uint8Array(32).fill(7);

export function id(index: number): Uint8Array {
  const out = new Uint8Array(32).fill(0x40);
  out[0] = index & 0xff;
  out[1] = index >>> 8;
  return out;
}

export function entry(index: number): LogEntry {
  return {
    channel: CHANNEL,
    index,
    id: id(index),
    sender: new Uint8Array(32).fill(9),
    seq: index,
    envelope: new Uint8Array(64).fill(index & 0xff),
  };
}

/** Entries [from, to) of CHANNEL, its new size, one leaf node each, a checkpoint. */
export function batch(from: number, to: number): CommitBatch {
  const entries: LogEntry[] = [];
  for (let i = from; i < to; i++) entries.push(entry(i));
  return {
    channels: [{ id: CHANNEL, charter: new Uint8Array([1, 2, 3]), size: to }],
    entries,
    nodes: [
      { channel: CHANNEL, nodes: entries.map((e) => ({ level: 0, index: e.index, hash: e.id })) },
    ],
    checkpoints: [{ channel: CHANNEL, size: to, checkpoint: new Uint8Array(100).fill(to) }],
    evidence: [],
  };
}
