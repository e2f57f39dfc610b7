// Group commit (spec/07-relay.md §8 U9): every entry accepted while a commit is on
// disk goes into the next one; each commit writes entries, Merkle nodes, new
// channels and evidence in one transaction, with one signed checkpoint per channel
// it touches. Receipts and live deliveries go out only after the commit returns.

import {
  assembleCheckpoint,
  checkpointSignedBytes,
  encodeCheckpointPayload,
  type MerkleRoot,
} from '@hotline/codec';
import type { ChannelState, PendingEntry } from './channel.js';
import type { RelayKey } from './lib/keys.js';
import type { CheckpointRecord, CommitBatch, EvidenceRecord, RelayStore } from './store/types.js';

export interface CommittedEntry {
  readonly channel: ChannelState;
  readonly entry: PendingEntry;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export interface CommitObserver {
  /** After each successful commit, entries in log order per channel. */
  committed(channel: ChannelState, entries: readonly PendingEntry[], checkpoint: Uint8Array): void;
  /** Commit latency, seconds, and the number of entries it carried. */
  measured(seconds: number, entries: number): void;
}

export class Committer {
  #entries: CommittedEntry[] = [];
  #evidence: EvidenceRecord[] = [];
  #founded = new Set<ChannelState>();
  #waiters: Waiter[] = [];
  #running: Promise<void> | undefined;

  constructor(
    private readonly store: RelayStore,
    private readonly key: RelayKey,
    private readonly now: () => number,
    private readonly observer: CommitObserver,
  ) {}

  /** A promise for the commit that will carry whatever is enqueued next. */
  nextCommit(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#schedule();
    });
  }

  add(channel: ChannelState, entry: PendingEntry): void {
    this.#entries.push({ channel, entry });
    if (channel.committedSize === 0 && entry.index === 0) this.#founded.add(channel);
    this.#schedule();
  }

  addEvidence(evidence: EvidenceRecord): void {
    this.#evidence.push(evidence);
    this.#schedule();
  }

  /** Resolves once nothing is queued or on disk (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  #schedule(): void {
    if (this.#running !== undefined) return;
    this.#running = (async () => {
      // Let the publishes already on the event loop join this commit.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.#entries.length > 0 || this.#evidence.length > 0 || this.#waiters.length > 0) {
        await this.#commitOnce();
      }
    })().finally(() => {
      this.#running = undefined;
    });
  }

  async #commitOnce(): Promise<void> {
    const entries = this.#entries;
    const evidence = this.#evidence;
    const waiters = this.#waiters;
    const founded = this.#founded;
    this.#entries = [];
    this.#evidence = [];
    this.#waiters = [];
    this.#founded = new Set();

    const byChannel = new Map<ChannelState, PendingEntry[]>();
    for (const { channel, entry } of entries) {
      const list = byChannel.get(channel) ?? [];
      list.push(entry);
      byChannel.set(channel, list);
    }
    const nodes = [];
    const checkpoints: CheckpointRecord[] = [];
    const channels = [];
    for (const [channel, list] of byChannel) {
      // Everything appended to this log so far is in this batch (entries join the
      // queue in the same tick they are appended), so log.size is the batch's end.
      const size = channel.log.size;
      const payload = encodeCheckpointPayload({
        relay: this.key.publicKey as never,
        channel: channel.id as never,
        size,
        root: channel.log.root(size) as MerkleRoot,
        time: this.now(),
      });
      const checkpoint = assembleCheckpoint(payload, this.key.sign(checkpointSignedBytes(payload)));
      checkpoints.push({ channel: channel.id, size, checkpoint });
      nodes.push({ channel: channel.id, nodes: channel.nodes.drain() });
      channels.push({
        id: channel.id,
        // The charter envelope (index 0) founds the channel; otherwise only size changes.
        charter: founded.has(channel) ? list[0]!.envelope : new Uint8Array(0),
        size,
      });
    }
    const batch: CommitBatch = {
      channels,
      entries: entries.map((e) => e.entry),
      nodes,
      checkpoints,
      evidence,
    };
    const started = performance.now();
    try {
      await this.store.commit(batch);
    } catch (error) {
      for (const channel of byChannel.keys()) channel.resetToCommitted();
      // Entries accepted on top of the failed ones cannot stand either.
      for (const { channel } of this.#entries) channel.resetToCommitted();
      const failed = [...waiters, ...this.#waiters];
      this.#entries = [];
      this.#waiters = [];
      for (const waiter of failed) waiter.reject(error);
      return;
    }
    this.observer.measured((performance.now() - started) / 1000, entries.length);
    let i = 0;
    for (const [channel, list] of byChannel) {
      const { checkpoint } = checkpoints[i]!;
      channel.nodes.forget(nodes[i]!.nodes);
      channel.markCommitted(list, checkpoints[i]!.size, checkpoint);
      this.observer.committed(channel, list, checkpoint);
      i++;
    }
    for (const waiter of waiters) waiter.resolve();
  }
}
